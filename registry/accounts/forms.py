from django import forms

__all__ = ["CodeForm", "TwoFactorSetupForm"]


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
