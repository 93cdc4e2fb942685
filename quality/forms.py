"""Forms of the quality pages: they shape input; the services decide who may do what."""

from __future__ import annotations

from django import forms
from django.contrib.auth.base_user import AbstractBaseUser
from django.db import models
from django.utils.formats import date_format
from django.utils.text import format_lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from quality.models import QueryStatus, Severity, Stage
from quality.rules import RULES
from quality.services.queries import MESSAGE_LIMIT, MESSAGE_NUL, MESSAGE_TOO_LONG, SUBJECT_LIMIT
from registry.models import CASE_RECORD_MODELS, Case

WHOLE_CASE = ""

# The services' own messages, so that a form and a service refusing the same text say the same thing.
TEXT_ERRORS = {
    "max_length": format_lazy(_(MESSAGE_TOO_LONG), limit="%(limit_value)d", length="%(show_value)d"),
    "null_characters_not_allowed": _(MESSAGE_NUL),
}


# Translators: a filter left open ("Severity: any").
ANY = _("any")


def _center_choices(centers) -> list[tuple[str, str]]:
    return [("", ANY), *((c.code, f"{c.name} ({c.code})" if c.name and c.name != c.code else c.code) for c in centers)]


def _rule_choices() -> list[tuple[str, str]]:
    """Each rule by the problem it reports (its id is a code, kept for the filter's value only)."""
    rules = sorted(RULES.values(), key=lambda r: str(r.problem or r.description))
    return [("", ANY), *((r.id, str(r.problem or r.description)) for r in rules)]


class FindingFilterForm(forms.Form):
    center = forms.ChoiceField(label=_("Center"), required=False)
    rule = forms.ChoiceField(label=_("Problem"), required=False)
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=[("", ANY), *Severity.choices])
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", ANY), *Stage.choices])

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = _center_choices(centers)
        self.fields["rule"].choices = _rule_choices()


class QueryFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("not closed")), ("all", _("all")), *QueryStatus.choices],
    )
    center = forms.ChoiceField(label=_("Center"), required=False)

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = _center_choices(centers)


# Fields that do not tell one record of a case from another.
_NOT_IDENTIFYING = {"case", "notes", "archived_at", "archived_by", "created_at", "updated_at", "created_by"}


def _record_words(record, *, most: int = 3) -> str:
    """A record in words a person reads: its first few filled coded values (their labels, in the active
    language) and dates, e.g. "After induction, 03.04.2024" (never the codes of its fields)."""
    parts = []
    for field in record._meta.concrete_fields:
        if field.primary_key or field.name in _NOT_IDENTIFYING or len(parts) >= most:
            continue
        value = getattr(record, field.name)
        if value in (None, ""):
            continue
        if field.choices:
            parts.append(str(getattr(record, f"get_{field.name}_display")()))
        elif field.is_relation:
            if field.related_model is not Case and not issubclass(field.related_model, AbstractBaseUser):
                parts.append(str(value))
        elif isinstance(field, (models.DateField, models.DateTimeField)):
            parts.append(date_format(value, "SHORT_DATE_FORMAT"))
    return ", ".join(parts) or str(record.pk)


def _record_choices(case) -> list[tuple[str, str]]:
    choices = [(WHOLE_CASE, gettext("The whole case"))]
    for model in CASE_RECORD_MODELS:
        for record in model.objects.filter(case=case, archived_at__isnull=True):
            # Translators: a kind of record and the record, e.g. "relapse or death: Relapse on 12.03.2024".
            label = gettext("{kind}: {record}").format(kind=model._meta.verbose_name, record=_record_words(record))
            choices.append((f"{model._meta.label_lower}:{record.pk}", label))
    return choices


class QueryOpenForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=SUBJECT_LIMIT, error_messages=TEXT_ERRORS)
    target = forms.ChoiceField(label=_("About"), required=False)
    field = forms.CharField(
        label=_("Field"), max_length=60, required=False, help_text=_("The field in question, if one (optional).")
    )
    text = forms.CharField(
        label=_("Message to the center"),
        max_length=MESSAGE_LIMIT,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 5}),
    )

    def __init__(self, *args, case=None, finding=None, **kwargs):
        super().__init__(*args, **kwargs)
        if finding is not None:  # the finding says what the query is about
            del self.fields["target"], self.fields["field"]
        elif case is not None:
            self.fields["target"].choices = _record_choices(case)
        self._records = {}
        if case is not None and finding is None:
            for model in CASE_RECORD_MODELS:
                self._records[model._meta.label_lower] = model

    def record(self, case):
        """The record chosen as the query's subject, or None for the whole case."""
        target = self.cleaned_data.get("target") or WHOLE_CASE
        if target == WHOLE_CASE:
            return None
        label, pk = target.split(":")
        return self._records[label].objects.get(case=case, pk=int(pk))


class MessageForm(forms.Form):
    """The text of an answer, a closing note or a reopening; whether it may be empty is the service's call."""

    text = forms.CharField(
        label=_("Message"),
        max_length=MESSAGE_LIMIT,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
