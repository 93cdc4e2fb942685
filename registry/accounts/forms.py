from django import forms

from registry.services import tokens

__all__ = ["ApiTokenCreateForm", "ApiTokenRevokeForm", "CodeForm", "TwoFactorSetupForm"]

DEFAULT_TOKEN_LIFETIME = 90


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=32,
        strip=True,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "autofocus": True, "inputmode": "text"}),
    )


class TwoFactorSetupForm(CodeForm):
    """The code from the new authenticator and, when it replaces one, the current password (checked by
    services.two_factor_confirm, which says when it is missing)."""

    password = forms.CharField(
        label="Current password",
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
        label="Name",
        max_length=60,
        help_text="What will use it, e.g. 'hospital system sync' or 'R on my laptop'.",
        error_messages={"required": tokens.NAME_REQUIRED, "max_length": tokens.NAME_TOO_LONG},
    )
    lifetime_days = forms.TypedChoiceField(
        label="Valid for",
        choices=[(days, f"{days} days") for days in tokens.TOKEN_LIFETIMES],
        coerce=int,
        initial=DEFAULT_TOKEN_LIFETIME,
        error_messages={
            "invalid_choice": tokens.LIFETIME_INVALID.format(choices=", ".join(map(str, tokens.TOKEN_LIFETIMES)))
        },
    )


class ApiTokenRevokeForm(forms.Form):
    """Why a token is revoked: optional for its owner, required of the data manager (kept on the token)."""

    reason = forms.CharField(label="Reason", max_length=200)

    def __init__(self, *args, reason_required: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].required = reason_required
