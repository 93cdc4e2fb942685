"""Labels instead of codes and Python literals on the pages.

``{{ value|derived_label:"kmt2a_status" }}`` a derived code's label (the data dictionary's, analytics.variables);
``{{ value|yes_no }}`` a boolean as "Yes"/"No" ("Unknown" for None); ``{{ value|human }}`` any recorded value as a
person reads it (no ``True``/``None``/``[]``).
"""

from __future__ import annotations

from functools import cache

from django import template
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from analytics.derive import reasons

register = template.Library()


@cache
def _derived_labels() -> dict[str, dict[str, str]]:
    from analytics import variables as v  # imported late: the template library loads before the apps are ready

    return {
        "age_class": dict(v.AGE_CLASS_CODES),
        "kmt2a_status": dict(v.KMT2A_STATUS_CODES),
        "kmt2a_partner": dict(v.KMT2A_PARTNER_CODES),
        "risk_class": dict(v.RISK_CLASS_CODES),
        "interfant_risk": dict(v.INTERFANT_CODES),
        "cr_status": dict(v.CR_STATUS_CODES),
        "efs_first_event": dict(v.EFS_FIRST_EVENT_CODES),
        "cir_status": dict(v.CIR_STATUS_CODES),
    }


@register.filter
def derived_reason(value) -> str:
    """Why a derived value is unknown or does not apply, in the reader's language. The derivation (no Django)
    gives the English reason; a reason made of a fixed text and input names translates its fixed text."""
    if not value:
        return ""
    text, fixed = str(value), reasons.INTERFANT_INPUTS_UNKNOWN
    if text.startswith(fixed) and text != fixed:
        return gettext(fixed) + text[len(fixed) :]
    return gettext(text)


@register.filter
def derived_label(value, variable: str) -> str:
    """The label of a derived code; a value with no label (a partner gene's name) is shown as it is."""
    if value is None or value == "":
        return _("Unknown")
    label = _derived_labels().get(variable, {}).get(str(value))
    return str(label) if label is not None else str(value)


@register.filter
def yes_no(value) -> str:
    if value is None:
        return _("Unknown")
    return _("Yes") if value else _("No")


# How registry.services.audit.describe_value (and Python's str()) write values that are not data.
_WRITTEN = {
    "(empty)": "—",
    "[]": "—",
    "{}": "—",
    "None": "—",
}


@register.filter
def human(value) -> str:
    """A value from a record or its history: booleans as Yes/No, nothing as a dash, lists joined."""
    if value is None or value == "" or value == [] or value == () or value == {}:
        return "—"
    if isinstance(value, str):
        if value in _WRITTEN:
            return _WRITTEN[value]
        if value in ("yes", "True"):
            return _("Yes")
        if value in ("no", "False"):
            return _("No")
        return value
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list | tuple | set):
        return ", ".join(human(item) for item in value)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {human(item)}" for key, item in value.items())
    return str(value)


_AUDIT_ACTIONS = {
    "created": lambda: _("created"),
    "changed": lambda: _("changed"),
    "deleted": lambda: _("deleted"),
    "archived": lambda: _("archived"),
    "given": lambda: _("given"),
    "taken away": lambda: _("taken away"),
}


@register.filter
def audit_action(value) -> str:
    """What a history row did, in words of the page's language (the selectors keep the English code)."""
    label = _AUDIT_ACTIONS.get(str(value))
    return label() if label else str(value)


@register.filter
def token_status(value) -> str:
    """An API token's status code (ApiToken.status) as a word."""
    labels = {"active": _("active"), "revoked": _("revoked"), "expired": _("expired")}
    return labels.get(str(value), str(value))


@register.filter
def lineage_label(value) -> str:
    """A diagnosis lineage code (registry.choices.Lineage) as its label; nothing recorded as "not yet recorded"."""
    from registry.choices import Lineage

    if not value:
        return _("not yet recorded")
    return str(dict(Lineage.choices).get(value, value))
