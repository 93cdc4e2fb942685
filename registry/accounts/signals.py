"""Start the session clocks at every sign-in (the login form, force_login in tests, anything calling login())."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from registry.accounts.middleware import session_mark_signed_in


@receiver(user_logged_in, dispatch_uid="registry.accounts.session_clocks")
def _start_session_clocks(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_mark_signed_in(request.session)
