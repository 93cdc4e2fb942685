from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from registry.services import tokens

__all__ = ["ApiTokenCreateForm", "ApiTokenRevokeForm", "CodeForm", "TwoFactorSetupForm"]

DEFAULT_TOKEN_LIFETIME = 90


def _days(days: int) -> str:
    return ngettext("%(days)d day", "%(days)d days", days) % {"days": days}


_lifetime_label = lazy(_days, str)
_format_lazy = lazy(lambda text, **kwargs: str(text).format(**kwargs), str)


class CodeForm(forms.Form):
    code = forms.CharField(
        label=_("Code"),
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )


class TwoFactorSetupForm(CodeForm):
    """The code from the new authenticator and, when it replaces one, the current password (checked by
    services.two_factor_confirm, which says when it is missing)."""

    password = forms.CharField(
        label=_("Current password"),
        required=False,
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, replacing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not replacing:
            del self.fields["password"]


class ApiTokenCreateForm(forms.Form):
    """A new API token's name and lifetime; services.tokens.token_create checks them again (and that no live token
    of the user has the name)."""

    name = forms.CharField(
        label=_("Name"),
        max_length=60,
        help_text=_("What will use it, e.g. 'hospital system sync' or 'R on my laptop'."),
        # The services' messages, translated when shown (registry.services.tokens marks them).
        error_messages={"required": _(tokens.NAME_REQUIRED), "max_length": _(tokens.NAME_TOO_LONG)},
    )
    lifetime_days = forms.TypedChoiceField(
        label=_("Valid for"),
        choices=[(days, _lifetime_label(days)) for days in tokens.TOKEN_LIFETIMES],
        coerce=int,
        initial=DEFAULT_TOKEN_LIFETIME,
        error_messages={
            "invalid_choice": _format_lazy(
                _(tokens.LIFETIME_INVALID), choices=", ".join(map(str, tokens.TOKEN_LIFETIMES))
            )
        },
    )


class ApiTokenRevokeForm(forms.Form):
    """Why a token is revoked: optional for its owner, required of the data manager (kept on the token)."""

    reason = forms.CharField(label=_("Reason"), max_length=200)

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
