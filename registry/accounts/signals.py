"""At every sign-in (the login form, force_login in tests, anything calling login()): start the session clocks,
and apply the user's stored language so that it follows them to another browser."""

from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from registry.accounts.middleware import SIGNED_IN_LANGUAGE_ATTR, session_mark_signed_in
from registry.user_selectors import user_language


@receiver(user_logged_in, dispatch_uid="registry.accounts.session_clocks")
def _start_session_clocks(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        session_mark_signed_in(request.session)


@receiver(user_logged_in, dispatch_uid="registry.accounts.language")
def _apply_language(sender, request, user, **kwargs):
    language = user_language(user)
    if request is None or language is None:
        return
    # The answer to this sign-in sets the language cookie (LanguagePreferenceMiddleware): a signal cannot. The
    # language is not activated here: the sign-in answers with a redirect, and the next request reads the cookie
    # (activating it here would leak into whatever else runs on this thread, e.g. a test's force_login).
    setattr(request, SIGNED_IN_LANGUAGE_ATTR, language)
