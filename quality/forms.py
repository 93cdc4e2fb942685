"""Forms of the quality pages: they shape input; the services decide who may do what."""

from __future__ import annotations

from django import forms

from quality.models import QueryStatus, Severity, Stage
from quality.rules import RULES
from quality.services.queries import MESSAGE_LIMIT, MESSAGE_NUL, MESSAGE_TOO_LONG, SUBJECT_LIMIT
from registry.models import CASE_RECORD_MODELS

WHOLE_CASE = ""

# The services' own messages, so that a form and a service refusing the same text say the same thing.
TEXT_ERRORS = {
    "max_length": MESSAGE_TOO_LONG.format(limit="%(limit_value)d", length="%(show_value)d"),
    "null_characters_not_allowed": MESSAGE_NUL,
}


class FindingFilterForm(forms.Form):
    center = forms.ChoiceField(required=False)
    rule = forms.ChoiceField(required=False)
    severity = forms.ChoiceField(required=False, choices=[("", "any"), *Severity.choices])
    stage = forms.ChoiceField(required=False, choices=[("", "any"), *Stage.choices])

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = [("", "any"), *((c.code, c.code) for c in centers)]
        self.fields["rule"].choices = [("", "any"), *((rule_id, rule_id) for rule_id in sorted(RULES))]


class QueryFilterForm(forms.Form):
    status = forms.ChoiceField(required=False, choices=[("", "not closed"), ("all", "all"), *QueryStatus.choices])
    center = forms.ChoiceField(required=False)

    def __init__(self, *args, centers=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["center"].choices = [("", "any"), *((c.code, c.code) for c in centers)]


def _record_choices(case) -> list[tuple[str, str]]:
    choices = [(WHOLE_CASE, "The whole case")]
    for model in CASE_RECORD_MODELS:
        for record in model.objects.filter(case=case, archived_at__isnull=True):
            choices.append((f"{model._meta.label_lower}:{record.pk}", f"{model._meta.verbose_name}: {record}"))
    return choices


class QueryOpenForm(forms.Form):
    subject = forms.CharField(max_length=SUBJECT_LIMIT, error_messages=TEXT_ERRORS)
    target = forms.ChoiceField(label="About", required=False)
    field = forms.CharField(max_length=60, required=False, help_text="The field in question, if one (optional).")
    text = forms.CharField(
        label="Message to the center",
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
        label="Message",
        max_length=MESSAGE_LIMIT,
        error_messages=TEXT_ERRORS,
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
    )
