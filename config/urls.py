from django.contrib import admin
from django.urls import include, path

from registry.accounts.urls import auth_urlpatterns

# JSON under /api/, Django's page elsewhere.
handler404 = "registry.api.errors.page_not_found"

urlpatterns = [
    path("accounts/", include(auth_urlpatterns)),
    path("accounts/", include("registry.accounts.urls")),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("config.api_urls")),
    path("analyses/plans/", include("analytics.studies.urls")),
    path("analyses/", include("analytics.urls")),
    path("quality/", include("quality.urls")),
    path("", include("registry.urls")),
]
