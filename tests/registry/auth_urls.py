"""The project's URLs plus Django's password views, for tests of the invitation e-mail (which links to
`password_reset_confirm`) on a branch where the sign-in pages may not be wired yet."""

from django.urls import include, path

from config.urls import urlpatterns as project_urlpatterns

urlpatterns = [path("accounts/", include("django.contrib.auth.urls")), *project_urlpatterns]
