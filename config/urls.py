from django.contrib import admin
from django.urls import include, path

from registry.accounts.urls import auth_urlpatterns
from registry.accounts.views import language_set

# JSON under /api/, Django's page elsewhere.
handler404 = "registry.api.errors.page_not_found"
# A dropped or unreachable database is a 503 "try again" (JSON under /api/), anything else the 500 page.
handler500 = "registry.views.unavailable.server_error"

urlpatterns = [
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("registry.accounts.urls")),
    path("admin/", admin.site.urls),
    # The switcher's target: Django's set_language, which also keeps a signed-in user's choice on their account.
    path("i18n/setlang/", language_set, name="set_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("config.api_urls")),
    path("analyses/plans/", include("analytics.studies.urls")),
    path("analyses/", include("analytics.urls")),
    path("quality/", include("quality.urls")),
    path("", include("registry.urls")),
]
