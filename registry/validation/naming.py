"""How a rule's message names the record and the field it is about, in the reader's language: "Event date
2019-02-01 (outcome event 2: Death)". A message about a case's many records must say which one it means."""

from __future__ import annotations

from django.utils.text import capfirst
from django.utils.translation import gettext as _

# The choice or vocabulary field that says what a record of each kind is ("Death", "FISH", "Sepsis").
_WHAT = {
    "outcomeevent": "kind",
    "adverseevent": "event_type",
    "cytogeneticfinding": "method",
    "labpanel": "timepoint",
    "markerfinding": "marker",
    "supportivecare": "kind",
    "transplant": "transplant_type",
    "followup": "vital_status",
}


def vocabulary_of(kind: str):
    """The vocabulary model that says what a record of `kind` (its English verbose name, "adverse event") is, or
    None when that is a choice or the kind is not one of the registry's records."""
    from django.apps import apps
    from django.utils import translation

    with translation.override("en"):
        for model in apps.get_app_config("registry").get_models():
            name = _WHAT.get(model._meta.model_name)
            if name and str(model._meta.verbose_name) == kind:
                field = model._meta.get_field(name)
                return field.related_model if field.is_relation else None
    return None


def field_label(record, name: str) -> str:
    """The field's label as a form shows it, capitalised ("Event date")."""
    return capfirst(str(record._meta.get_field(name).verbose_name))


def _what(record) -> str:
    name = _WHAT.get(record._meta.model_name)
    if name is None:
        return ""
    field = record._meta.get_field(name)
    if field.choices:
        return str(getattr(record, f"get_{name}_display")() or "")
    return str(getattr(record, name)) if getattr(record, field.attname, None) is not None else ""


def record_name(record) -> str:
    """The record as a person finds it on the case page: its kind, its number, what it is."""
    kind = str(record._meta.verbose_name)
    number = getattr(record, "number", None)
    what = _what(record)
    if number is not None and what:
        return _("%(kind)s %(number)s: %(what)s") % {"kind": kind, "number": number, "what": what}
    if number is not None:
        return _("%(kind)s %(number)s") % {"kind": kind, "number": number}
    numbered = "number" in {f.name for f in record._meta.concrete_fields}
    if numbered and what:
        return _("new %(kind)s: %(what)s") % {"kind": kind, "what": what}
    if numbered:
        return _("new %(kind)s") % {"kind": kind}
    if what:
        return _("%(kind)s: %(what)s") % {"kind": kind, "what": what}
    return kind
