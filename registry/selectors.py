"""Reads for pages: every one starts from the scoping function in access.py."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from django.db.models import (
    CharField,
    DateField,
    DateTimeField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    TextField,
)
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _

from registry import models as m
from registry.access import access_for, cases_for
from registry.choices import EventKind
from registry.derivation import derive_for_case, derive_from_state
from registry.figures import figures_for
from registry.presentation import ANCHOR_FIELD, CHANGED, NOTE_HIDDEN, CaseDates, FieldText, dates_for
from registry.pseudonyms import hospital_number_hash
from registry.services.audit import EMPTY, Change, describe_value, diff_records
from registry.validation import CaseState

__all__ = [
    "AuditEntry",
    "TimelineEntry",
    "case_audit",
    "case_derived",
    "case_list",
    "case_rows",
    "case_timeline",
    "dashboard_counts",
]

FOLLOW_UP_OVERDUE_DAYS = 365


def _with_flags(qs: QuerySet[m.Case]) -> QuerySet[m.Case]:
    """The case list's and dashboard's flags, each a subquery: a join to a case's many records would multiply
    the rows, and every count grouped over them (cases by center) with it."""
    live = {"archived_at__isnull": True, "case": OuterRef("pk")}
    last_contact = (
        m.FollowUp.objects.filter(**live).order_by().values("case").annotate(last=Max("contact_date")).values("last")
    )
    age = ExpressionWrapper(F("diagnosis__diagnosis_date") - F("birth_date"), output_field=DurationField())
    return qs.select_related("center", "diagnosis", "treatment__protocol").annotate(
        age_at_diagnosis=age,
        has_findings=Exists(m.CytogeneticFinding.objects.filter(**live)),
        is_dead=Exists(m.OutcomeEvent.objects.filter(kind__in=[EventKind.DEATH, EventKind.INDUCTION_DEATH], **live)),
        last_contact=Subquery(last_contact),
    )


def _no_contact_since(day: date) -> Q:
    """No live follow-up on or after `day` (a last contact before it, or none): the same as `last_contact` being
    empty or earlier, but PostgreSQL reads it as one hashed anti-join instead of a MAX per case (100 000 cases)."""
    return ~Q(Exists(m.FollowUp.objects.filter(case=OuterRef("pk"), archived_at__isnull=True, contact_date__gte=day)))


def _needs_attention_cut(today: date, *, exact: bool) -> Q:
    """Needs attention, with the overdue follow-up cut of a reader with exact dates (`exact`) or of a
    pseudonymized reader, whose cut moves a month at a time: one who watched a case turn "overdue" on an exact
    day would learn the exact date of its last contact (and, with its day offset, the diagnosis date)."""
    cut = today if exact else today.replace(day=1)
    return (
        Q(diagnosis__isnull=True)
        | Q(has_findings=False, excluded=False)
        | Q(treatment__isnull=True, excluded=False)
        | (Q(is_dead=False) & _no_contact_since(cut - timedelta(days=FOLLOW_UP_OVERDUE_DAYS)))
    )


def _needs_attention(today: date, user=None) -> Q:
    access = access_for(user) if user is not None else None
    if access is None or access.write_all:
        return _needs_attention_cut(today, exact=True)
    if not access.read_all:  # a center's user reads only cases whose dates they see exactly
        return _needs_attention_cut(today, exact=True)
    mine = Q(center_id__in=access.write_center_ids)
    return (mine & _needs_attention_cut(today, exact=True)) | (~mine & _needs_attention_cut(today, exact=False))


def case_list(user, filters: dict | None = None) -> QuerySet[m.Case]:
    """Cases the user may read, with the list page's filters applied (keys as in CaseFilterForm)."""
    filters = filters or {}
    qs = _with_flags(cases_for(user))
    query = (filters.get("q") or "").strip()
    if query:
        # A hospital number is an identifier: it finds only the cases whose identifiers the user sees, so that a
        # coordinator who knows a child's number cannot link the child to a pseudonymized record.
        access = access_for(user)
        by_number = Q(hospital_number_hash=hospital_number_hash(query))
        if not access.write_all:
            by_number &= Q(center_id__in=access.write_center_ids)
        qs = qs.filter(Q(registry_id__icontains=query) | by_number)
    if filters.get("center"):
        qs = qs.filter(center=filters["center"])
    if filters.get("lineage"):
        qs = qs.filter(diagnosis__lineage=filters["lineage"])
    if filters.get("protocol"):
        qs = qs.filter(treatment__protocol=filters["protocol"], treatment__archived_at__isnull=True)
    age_class = filters.get("age_class")
    if age_class == "CAL":
        qs = qs.filter(age_at_diagnosis__lte=timedelta(days=28))
    elif age_class == "early_infant":
        qs = qs.filter(age_at_diagnosis__gt=timedelta(days=28), age_at_diagnosis__lte=timedelta(days=92))
    elif age_class == "infant":
        qs = qs.filter(age_at_diagnosis__lt=timedelta(days=365))
    status = filters.get("status")
    if status == "open":
        qs = qs.filter(locked_at__isnull=True)
    elif status == "locked":
        qs = qs.filter(locked_at__isnull=False)
    elif status == "excluded":
        qs = qs.filter(excluded=True)
    elif status == "attention":
        qs = qs.filter(_needs_attention(timezone.localdate(), user))
    return qs.order_by("-created_at", "-pk")


def case_rows(user, ids: list[int]) -> list[m.Case]:
    """The cases of `ids` (from the user's scope) with the list's flags, in the order of `ids`. A page is cut
    from the ordered ids first: the flags' subqueries then run for its 25 cases, not for 100 000."""
    rows = {case.pk: case for case in _with_flags(cases_for(user)).filter(pk__in=ids)}
    return [rows[pk] for pk in ids if pk in rows]


def dashboard_counts(user) -> dict:
    """The dashboard's figures (kept per center until its data changes: registry.figures) and the newest cases
    needing attention, read with their flags by id."""
    figures = figures_for(user)
    return {
        "total": figures.total,
        "locked": figures.locked,
        "excluded": figures.excluded,
        "by_lineage": figures.by_lineage,
        "by_center": figures.by_center,
        "attention": case_rows(user, figures.attention_ids),
        "attention_count": figures.attention_count,
        "counted_at": figures.counted_at,
    }


@dataclass(frozen=True)
class TimelineEntry:
    date: date | None
    kind: str
    title: str
    details: list[tuple[str, str]]


def _details(record, fields) -> list[tuple[str, str]]:
    model = type(record)
    out = []
    for name in fields:
        value = getattr(record, name + "_id", None) if model._meta.get_field(name).is_relation else None
        raw = value if value is not None else getattr(record, name)
        if raw in (None, "", False):
            continue
        field = model._meta.get_field(name)
        shown = describe_value(model, name, raw)
        if isinstance(field, (CharField, TextField)) and not field.choices:  # the template's text_of decides
            shown = FieldText(model._meta.label_lower, name, shown)
        out.append((capfirst(str(field.verbose_name)), shown))
    return out


def case_timeline(case: m.Case, state: CaseState | None = None) -> list[TimelineEntry]:
    """Everything about a case, dated, in order: the case page's timeline. `state`: the case's live records if
    already loaded (the case page derives from the same ones)."""
    state = state or CaseState.load(case)
    entries = [TimelineEntry(case.birth_date, "birth", _("Birth"), [])]
    diagnosis = state.diagnosis
    if diagnosis:
        entries.append(
            TimelineEntry(
                diagnosis.diagnosis_date,
                "diagnosis",
                _("Diagnosis: %(lineage)s") % {"lineage": diagnosis.get_lineage_display()},
                _details(
                    diagnosis,
                    [
                        f.name
                        for f in m.Diagnosis._meta.fields
                        if f.name not in _BOOKKEEPING | {"diagnosis_date", "lineage"}
                    ],
                ),
            )
        )
    for panel in state.labs:
        fields = [f.name for f in m.LabPanel._meta.fields if f.name not in _BOOKKEEPING | {"timepoint", "sample_date"}]
        entries.append(
            TimelineEntry(
                panel.sample_date,
                "labs",
                _("Laboratory: %(timepoint)s") % {"timepoint": panel.get_timepoint_display()},
                _details(panel, fields),
            )
        )
    markers = state.markers
    if markers:
        text = ", ".join(f"{x.marker} {x.get_result_display().lower()}" for x in markers)
        entries.append(
            TimelineEntry(
                diagnosis.diagnosis_date if diagnosis else None,
                "markers",
                _("Immunophenotype"),
                [(_("Markers"), text)],
            )
        )
    for finding in state.findings:
        details = [(_("Karyotype (ISCN)"), finding.iscn)] if finding.iscn else []
        if finding.fusion:
            details.append((_("Fusion"), finding.fusion))
        entries.append(
            TimelineEntry(
                finding.sample_date, "finding", f"{finding.get_method_display()}: {finding.abnormality}", details
            )
        )
    treatment = state.treatment
    if treatment:
        entries.append(
            TimelineEntry(
                treatment.start_date,
                "treatment",
                _("Treatment start: %(protocol)s") % {"protocol": treatment.protocol},
                _details(treatment, ["arm", "steroid", "steroid_response", "atra"]),
            )
        )
    for record in state.assessments:
        entries.append(
            TimelineEntry(
                record.assessment_date,
                "assessment",
                (
                    _("Response assessment (day %(day)s)") % {"day": record.day}
                    if record.day
                    else _("Response assessment")
                ),
                _details(
                    record,
                    ["marrow", "marrow_blasts", "mrd_flow_pct", "mrd_pcr", "mrd_pcr_level", "extramedullary_disease"],
                ),
            )
        )
    for record in state.transplants:
        entries.append(
            TimelineEntry(
                record.transplant_date,
                "transplant",
                _("HSCT: %(donor)s") % {"donor": record.get_transplant_type_display()},
                _details(record, ["remission"]),
            )
        )
    for record in state.supportive_care:
        entries.append(
            TimelineEntry(
                record.start_date,
                "supportive",
                _("Supportive care: %(kind)s") % {"kind": record.get_kind_display()},
                _details(record, ["phase", "note"]),
            )
        )
    for record in state.events:
        entries.append(
            TimelineEntry(
                record.event_date,
                "event",
                record.get_kind_display(),
                _details(record, ["relapse_site", "death_cause", "note"]),
            )
        )
    for record in state.adverse_events:
        entries.append(
            TimelineEntry(
                record.onset_date,
                "adverse",
                _("Adverse event: %(type)s") % {"type": record.event_type},
                [(_("CTCAE grade"), str(record.grade)), (_("Treatment phase"), record.get_phase_display())],
            )
        )
    for record in state.follow_ups:
        entries.append(
            TimelineEntry(
                record.contact_date,
                "follow_up",
                _("Contact: %(status)s") % {"status": record.get_vital_status_display()},
                _details(record, ["note"]),
            )
        )
    return sorted(entries, key=lambda e: (e.date is None, e.date or date.min))


_BOOKKEEPING = {"id", "case", "version", "archived_at", "archived_by", "created_at", "updated_at"}


@dataclass(frozen=True)
class AuditEntry:
    when: object
    who: str
    what: str
    action: str  # a code (the API gives it); pages show action_label
    reason: str
    changes: list

    @property
    def action_label(self) -> str:
        return str(_ACTION_LABELS.get(self.action, self.action))


_ACTIONS = {"+": "created", "~": "changed", "-": "deleted"}
_ACTION_LABELS = {
    "created": gettext_lazy("created"),
    "changed": gettext_lazy("changed"),
    "deleted": gettext_lazy("deleted"),
    "archived": gettext_lazy("archived"),
}


def _shown_change(model, change: Change, older, newer, dates: CaseDates) -> Change:
    """An audit change with its values as this reader may see them (registry.presentation decides)."""
    if dates.exact:
        return change
    label = model._meta.label_lower
    field = model._meta.get_field(change.field)
    old, new = getattr(older, change.field), getattr(newer, change.field)
    if (label, change.field) == ANCHOR_FIELD:  # the anchor itself: only that it changed
        return replace(change, old=gettext(CHANGED) if old else str(EMPTY), new=gettext(CHANGED) if new else str(EMPTY))
    if isinstance(field, DateTimeField):  # bookkeeping: to the month
        return replace(change, old=dates.stamp(old) or str(EMPTY), new=dates.stamp(new) or str(EMPTY))
    if isinstance(field, DateField):  # an old value was entered against an older anchor: only that it changed
        return replace(change, old=gettext(CHANGED) if old else str(EMPTY), new=dates.day(new) or str(EMPTY))
    return replace(
        change,
        old=change.old if old in (None, "") else dates.field_text(label, change.field, change.old),
        new=change.new if new in (None, "") else dates.field_text(label, change.field, change.new),
    )


def _shown_reason(reason: str, dates: CaseDates) -> str:
    """A change's reason is typed in a person's own words: narrative text (registry.presentation)."""
    return reason if dates.exact or not reason else gettext(NOTE_HIDDEN)


def case_audit(case: m.Case, user, limit: int | None = None) -> list[AuditEntry]:
    """Every history row of the case and its records, newest first, with old and new values (dates as the
    reader may see them: registry.presentation)."""
    dates = dates_for(user, case)
    histories = [(m.Case, case.history.all())]
    for model in m.CASE_RECORD_MODELS:
        histories.append((model, model.history.filter(case_id=case.pk)))
    entries = []
    for model, rows in histories:
        # The author's username only: not every column of the user, for every row.
        rows = list(rows.annotate(author=F("history_user__username")).order_by("id", "history_date", "history_id"))
        previous_by_id = {}
        for row in rows:
            previous = previous_by_id.get(row.id)
            changes = diff_records(model, previous, row) if previous is not None else []
            if not dates.exact:
                changes = [
                    _shown_change(model, c, previous, row, dates)
                    for c in changes
                    if c.field not in {"birth_date", "hospital_number_hash"}
                ]
            action = _ACTIONS[row.history_type]
            if previous is not None and previous.archived_at is None and row.archived_at is not None:
                action = "archived"
            entries.append(
                AuditEntry(
                    when=row.history_date,
                    who=row.author or "system",
                    what=f"{model._meta.verbose_name}",
                    action=action,
                    reason=_shown_reason(row.history_change_reason or "", dates),
                    changes=changes,
                )
            )
            previous_by_id[row.id] = row
    entries.sort(key=lambda e: e.when, reverse=True)
    return entries[:limit] if limit else entries


def case_derived(case: m.Case, state: CaseState | None = None):
    """The derived classification and endpoints shown on the case page (never typed, always recomputed), from
    `state` when the case's live records are already loaded."""
    return derive_from_state(state) if state is not None else derive_for_case(case)


def import_jobs_for(user) -> QuerySet[m.ImportJob]:
    """The import jobs of the centers the user enters data for; the data manager sees every center's."""
    access = access_for(user)
    jobs = m.ImportJob.objects.select_related("center", "uploaded_by").defer("content")
    if access.write_all:
        return jobs
    return jobs.filter(center_id__in=access.write_center_ids)
