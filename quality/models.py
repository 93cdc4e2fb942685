"""Findings (what the rules report, with when they were first and last seen), queries between the data manager
and the centers with their message threads (audited), and a daily snapshot per center for the trend."""

from __future__ import annotations

from django.apps import apps
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import translation
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from quality.figures import FindingQuerySet
from quality.rules import wording
from quality.rules.base import Severity, Stage
from registry.models import Case, Center

__all__ = [
    "Finding",
    "QualitySnapshot",
    "Query",
    "QueryMessage",
    "QueryStatus",
    "Severity",
    "Stage",
    "describe_target",
]


class Finding(models.Model):
    """One rule broken on one record's field. Open while the rule still fires; closes itself when it stops."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="quality_findings")
    rule_id = models.CharField(max_length=20, db_index=True)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices)
    # The record the finding sits on ("registry.labpanel", pk); the case itself when on no record.
    record_model = models.CharField(max_length=60)
    record_pk = models.PositiveBigIntegerField()
    field = models.CharField(max_length=60, blank=True)
    # The message in English, for the record and the API; pages render `message_parts` in the reader's language.
    message = models.TextField()
    # [{"t": template, "p": params}, ...]: the message as the rules made it (quality.rules.wording).
    message_parts = models.JSONField(default=list, blank=True)
    # Only for the data manager (e.g. the other registrations of a duplicate); never shown to a center as is.
    details = models.JSONField(default=dict, blank=True)
    first_seen = models.DateTimeField()
    last_seen = models.DateTimeField()
    resolved_at = models.DateTimeField(null=True, blank=True)

    objects = FindingQuerySet.as_manager()  # every write moves the kept figures of its center on

    class Meta:
        ordering = ["case_id", "rule_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case", "rule_id", "record_model", "record_pk", "field"],
                condition=models.Q(resolved_at__isnull=True),
                name="one_open_finding_per_rule_record_field",
            )
        ]
        indexes = [
            models.Index(fields=["resolved_at", "severity"], name="finding_open_severity"),
            # The open findings by case (the drill-down's counts per case, the findings list's order within a
            # case) and by rule then case (a rule's cases), read from the index alone: 120 000 open findings.
            models.Index(
                fields=["case", "rule_id", "severity"],
                condition=models.Q(resolved_at__isnull=True),
                name="finding_open_case",
            ),
            models.Index(
                fields=["rule_id", "case"], condition=models.Q(resolved_at__isnull=True), name="finding_open_rule_case"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule_id} on {self.case_id}: {self.message}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None

    @property
    def key(self) -> tuple[str, str, int, str]:
        return (self.rule_id, self.record_model, self.record_pk, self.field)

    @property
    def display_message(self) -> str:
        """The message in the active language (the stored English one when the finding predates its parts)."""
        if self.message_parts:
            return wording.render(self.message_parts)
        return gettext(self.message) if self.message else ""

    @property
    def about(self) -> str:
        """The record and field the finding sits on, in words (in the active language)."""
        return describe_target(self.record_model, self.field)


def _words(name: str) -> str:
    return name.replace("_", " ").replace(".", " ").strip()


# Names the rules give to what is missing or derived, where no field of that name exists on the record.
_NAMED_PROBLEMS = {
    "wbc": _("WBC at diagnosis"),
    "labs_post_induction": _("laboratory values after induction"),
    "response": _("response at the end of induction"),
    "derived_response_at_end_of_induction": _("response at the end of induction"),
    "derived_kmt2a_status": _("KMT2A status"),
    "derived_kmt2a_partner": _("KMT2A partner"),
    "derived_overall_survival": _("overall survival"),
    "derived_event-free_survival": _("event-free survival"),
    "derived_cumulative_incidence_of_relapse": _("cumulative incidence of relapse"),
}


def describe_target(record_model: str, field: str) -> str:
    """A record type and one of its names, in words, whatever the name is: a field ("diagnosis, field 'CNS
    status'"), the records of another kind that point at it (a finding that the case has no immunophenotype
    sits on the case's reverse relation `markers`: "the case's marker findings"), or no field at all (a rule's
    own name for what is missing, such as `labs_post_induction`)."""
    if not record_model:
        return gettext("the whole case")
    try:
        model = apps.get_model(record_model)
    except (LookupError, ValueError):
        return _words(record_model) + (f", {_words(field)}" if field else "")
    owner = gettext("the case's own data") if model is Case else str(model._meta.verbose_name)
    if not field:
        return owner
    try:
        target = model._meta.get_field(field)
    except FieldDoesNotExist:
        what = _NAMED_PROBLEMS.get(field) or _words(field)
        return gettext("{record}: {what}").format(record=owner, what=what)
    if target.auto_created and not target.concrete:  # a reverse relation: the records of another kind
        related = target.related_model._meta
        records = str(related.verbose_name if target.one_to_one else related.verbose_name_plural)
        if model is Case:
            return gettext("the case's {records}").format(records=records)
        return gettext("{record}: its {records}").format(record=owner, records=records)
    name = str(getattr(target, "verbose_name", None) or _words(field))
    # Translators: a record type and one of its fields, e.g. "diagnosis, field 'CNS status'".
    return gettext("{record}, field '{field}'").format(record=owner, field=name)


class QueryStatus(models.TextChoices):
    OPEN = "open", pgettext_lazy("query status", "Open")
    ANSWERED = "answered", pgettext_lazy("query status", "Answered")
    CLOSED = "closed", pgettext_lazy("query status", "Closed")
    REOPENED = "reopened", pgettext_lazy("query status", "Reopened")


# Statuses in which the center owes an answer.
AWAITING_CENTER = (QueryStatus.OPEN, QueryStatus.REOPENED)


class Query(models.Model):
    """A question from the data manager to a center about a case, a record or a field."""

    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="quality_queries")
    finding = models.ForeignKey(Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="queries")
    record_model = models.CharField(max_length=60, blank=True)
    record_pk = models.PositiveBigIntegerField(null=True, blank=True)
    field = models.CharField(max_length=60, blank=True)
    subject = models.CharField(max_length=200)
    status = models.CharField(max_length=10, choices=QueryStatus.choices, default=QueryStatus.OPEN)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name_plural = _("queries")

    def __str__(self) -> str:
        return f"Query {self.pk} on {self.case}: {self.subject}"

    @property
    def about(self) -> str:
        """What the query is about, in words: "the whole case", or the record type and field."""
        return describe_target(self.record_model, self.field)

    @property
    def display_subject(self) -> str:
        """The subject in the active language: a subject the registry wrote for the query's finding (the problem
        and the record, in the language the query was opened in) is written again in the active language; a
        subject a person typed is shown as typed."""
        if self.finding_id is None:
            return self.subject
        from quality.presenters import finding_subject

        limit = self._meta.get_field("subject").max_length
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                if finding_subject(self.finding, limit=limit) == self.subject:
                    break
        else:
            return self.subject
        return finding_subject(self.finding, limit=limit)

    @property
    def awaits_center(self) -> bool:
        return self.status in AWAITING_CENTER


class QueryMessage(models.Model):
    class Kind(models.TextChoices):
        OPENED = "opened", pgettext_lazy("query message", "Opened")
        ANSWER = "answer", pgettext_lazy("query message", "Answer")
        CLOSED = "closed", pgettext_lazy("query message", "Closed")
        REOPENED = "reopened", pgettext_lazy("query message", "Reopened")

    query = models.ForeignKey(Query, on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    text = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} by {self.author} on query {self.query_id}"


class QualitySnapshot(models.Model):
    """Counts of one center on one day, written by the sweep (rewritten if it runs twice that day)."""

    day = models.DateField()
    center = models.ForeignKey(Center, on_delete=models.CASCADE, related_name="+")
    cases = models.PositiveIntegerField(default=0)
    cases_with_errors = models.PositiveIntegerField(default=0)
    open_errors = models.PositiveIntegerField(default=0)
    open_warnings = models.PositiveIntegerField(default=0)
    open_info = models.PositiveIntegerField(default=0)
    open_queries = models.PositiveIntegerField(default=0)
    living = models.PositiveIntegerField(default=0)
    living_seen_12m = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["day", "center__code"]
        constraints = [models.UniqueConstraint(fields=["day", "center"], name="one_snapshot_per_center_day")]

    def __str__(self) -> str:
        return f"{self.center} {self.day}"
