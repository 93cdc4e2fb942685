from django.contrib.auth import views as auth_views
from django.urls import path

from registry.accounts import token_views, views

app_name = "accounts"

urlpatterns = [
    path("", views.account, name="account"),
    path("2fa/setup/", views.two_factor_setup, name="two_factor_setup"),
    path("2fa/verify/", views.two_factor_verify, name="two_factor_verify"),
    path("2fa/recovery-codes/", views.recovery_codes, name="recovery_codes"),
    path("2fa/recovery-codes/new/", views.recovery_codes_new, name="recovery_codes_new"),
    path("tokens/", token_views.api_tokens, name="api_tokens"),
    path("tokens/<int:token_id>/revoke/", token_views.api_token_revoke, name="api_token_revoke"),
    path("lockouts/", views.lockouts, name="lockouts"),
    path("lockouts/<int:pk>/release/", views.lockout_release, name="lockout_release"),
]

# Django's standard names (login, logout, password_change, password_reset, password_reset_confirm, ...), without a
# namespace: Django's own code and the user management e-mails reverse them.
auth_urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", views.PasswordChangeView.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("password_reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path("password_reset/done/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("reset/<uidb64>/<token>/", views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
]
