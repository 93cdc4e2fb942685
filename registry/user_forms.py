"""Forms of the data manager's user pages. They have no field for staff or superuser status, permissions or a
password, so whatever else is posted is ignored; the services in registry/services/users.py decide the rest."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from registry.choices import Role
from registry.models import Center

REASON_HELP = _("Kept in the history with your name and the time.")


def _reason_field() -> forms.CharField:
    return forms.CharField(label=_("Reason"), max_length=500, help_text=REASON_HELP)


def _center_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        queryset=Center.objects.filter(active=True),
        required=False,
        label=_("Center"),
        help_text=_("For a center role (data entry, lead) only."),
    )


class UserCreateForm(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(
        label=_("E-mail"), help_text=_("The new user sets their own password from the link sent here.")
    )
    role = forms.ChoiceField(label=_("Role"), choices=[("", _("(no role yet)")), *Role.choices], required=False)
    center = _center_field()
    reason = _reason_field()


class UserEditForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), max_length=150, required=False)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), help_text=_("Only while the user has not yet set a password."))
    reason = _reason_field()


class MembershipAddForm(forms.Form):
    role = forms.ChoiceField(label=_("Role"), choices=Role.choices)
    center = _center_field()
    reason = _reason_field()


class ReasonForm(forms.Form):
    reason = _reason_field()
