"""The entry rules for case data, in one place: the web forms, the API and the import all save through services
that call `violations(state)`, so each rule holds everywhere. Messages are constants tests can assert on."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date
from functools import cache

from django.db import models
from django.utils.translation import gettext, gettext_noop

from registry.choices import ALL_SUBTYPES, EventKind, Lineage, Marrow, PCRResult, Subtype, VitalStatus
from registry.validation.naming import field_label, record_name
from registry.validation.state import CaseState

# The messages are plain English strings (tests and other modules compare and search them as text), marked for
# the catalog here and translated when a rule reports them, in the language active then.
_ = gettext_noop

__all__ = ["DATE_FLOOR", "RULES", "TEXT_LIMIT", "TEXT_LIMITS", "Violation", "date_fields", "text_fields", "violations"]

# No date in the registry is earlier than this. The children it follows were treated on modern infant protocols
# (INTERFANT-99 opened in 1999; the seeds' cohorts are from 2000 on), so an earlier date is a typo (0001-01-01,
# 1920 for 2020), not history. A child older than an infant at diagnosis is a data-quality finding (DQ-RANGE-003).
DATE_FLOOR = date(1990, 1, 1)
# Free text is a short note, not a document. Every text field of a case record gets TEXT_LIMIT characters unless
# TEXT_LIMITS ("model.field") says otherwise; CharFields keep their own max_length (checked by full_clean).
TEXT_LIMIT = 2000
TEXT_LIMITS: dict[str, int] = {}

BIRTH_AFTER_DIAGNOSIS = _("The diagnosis date {value} is before the date of birth {birth}.")
TREATMENT_BEFORE_DIAGNOSIS = _("Treatment cannot start before the diagnosis date ({diagnosis}).")
# Translators: "{field} {value} ({record})" reads e.g. "Event date 2019-02-01 (outcome event 2: Death)".
BEFORE_BIRTH = _("{field} {value} ({record}) is before the date of birth {birth}.")
BEFORE_DIAGNOSIS = _("{field} {value} ({record}) is before the diagnosis date {diagnosis}.")
BEFORE_TREATMENT = _("{field} {value} ({record}) is before the start of treatment {start}.")
AFTER_DEATH = _(
    "{field} {value} ({record}) is after the recorded death {death}; only death-related records may follow a death."
)
ALIVE_AFTER_DEATH = _("The child is recorded dead on {death}; the contact of {value} ({record}) cannot say alive.")
DEAD_WITHOUT_DEATH = _("Vital status 'dead' needs a death (or induction death) event on or before this contact.")
TWO_DEATHS = _("Only one death can be recorded; this case already has one on {death}.")
CR_AND_INDUCTION_DEATH = _("Complete remission and death during induction contradict each other for one induction.")
CR_AND_INDUCTION_FAILURE = _("Complete remission and induction failure contradict each other for one induction.")
RELAPSE_SITE_REQUIRED = _("Give the site of the relapse.")
RELAPSE_SITE_ONLY_FOR_RELAPSE = _("A site is only recorded for a relapse.")
DEATH_CAUSE_REQUIRED = _("Give the cause of death.")
DEATH_CAUSE_ONLY_FOR_DEATH = _("A cause is only recorded for a death.")
LINEAGE_MISMATCH = _("{abnormality} is not seen in {lineage}: check the abnormality or the lineage.")
FUSION_MISMATCH = _("{abnormality} implies the fusion {expected}, not {fusion}.")
FUSION_NEEDS_GENE = _("{abnormality} implies a fusion involving {gene}, not {fusion}.")
FUSION_NOT_KMT2A = _("This abnormality says KMT2A is not rearranged, so the fusion cannot involve KMT2A.")
FUSION_HALF = _("Give both genes of the fusion, or neither.")
OTHER_GENE_REQUIRED = _("Give the gene symbol when a partner is 'Other'.")
OTHER_GENE_UNUSED = _("The other gene symbol is only used when a partner is 'Other'.")
PROTOCOL_LINEAGE = _("{protocol} is a protocol for {protocol_lineage}, but the diagnosis is {lineage}.")
FAB_ONLY_AML = _("FAB type applies to AML only.")
SUBTYPE_LINEAGE = _("Subtype '{subtype}' does not fit lineage {lineage}.")
EXCLUSION_REASON_REQUIRED = _("Give the reason for the exclusion.")
EXCLUSION_REASON_UNUSED = _("A reason is only given for an excluded case.")
STEROID_RESPONSE_NEEDS_STEROID = _("Say which steroid the response refers to.")
MARROW_BLASTS_MISMATCH = _("{marrow} means {range} marrow blasts, but {blasts:g}% was entered.")
PCR_LEVEL_ONLY_WITH_LEVEL = _("A PCR MRD level is only entered with the result 'Positive, level given'.")
PCR_LEVEL_REQUIRED = _("Give the PCR MRD level.")
DATE_IN_FUTURE = _("This date ({value}) is in the future: today is {today} at this center.")
DATE_BEFORE_FLOOR = _("This date ({value}) is before {floor}, the earliest date the registry accepts: check the year.")
TEXT_TOO_LONG = _("At most {limit} characters, please ({length} were entered).")
POST_INDUCTION_BEFORE_TREATMENT = _("Post-induction laboratory values cannot predate the start of treatment ({start}).")

Target = tuple[object, str]


@dataclass(frozen=True)
class Violation:
    """A broken rule and the (record, field) pairs it concerns: the form shows it on whichever is being saved."""

    message: str
    targets: tuple[Target, ...]


Rule = Callable[[CaseState], Iterable[Violation]]


def _v(message: str, *targets: Target) -> Violation:
    return Violation(message, tuple(targets))


@cache
def date_fields(model) -> tuple[str, ...]:
    """Every calendar-date field of a model (timestamps such as created_at are not clinical dates)."""
    return tuple(
        f.name
        for f in model._meta.concrete_fields
        if isinstance(f, models.DateField) and not isinstance(f, models.DateTimeField)
    )


@cache
def text_fields(model) -> tuple[str, ...]:
    return tuple(f.name for f in model._meta.concrete_fields if isinstance(f, models.TextField))


def text_limit(model, name: str) -> int:
    return TEXT_LIMITS.get(f"{model._meta.model_name}.{name}", TEXT_LIMIT)


def _dated(state: CaseState) -> Iterator[tuple[object, str, date]]:
    # Walks the fields, not a list of them: a date field added to a model later is covered without a change here.
    for record in state.records():
        for name in date_fields(type(record)):
            value = getattr(record, name)
            if isinstance(value, date):
                yield record, name, value


def _dates_not_in_future(state: CaseState) -> Iterator[Violation]:
    dated = list(_dated(state))
    if not dated:
        return
    today = state.center_today()
    for record, name, value in dated:
        if value > today:
            yield _v(gettext(DATE_IN_FUTURE).format(value=value, today=today), (record, name))


def _dates_after_floor(state: CaseState) -> Iterator[Violation]:
    for record, name, value in _dated(state):
        if value < DATE_FLOOR:
            yield _v(gettext(DATE_BEFORE_FLOOR).format(value=value, floor=DATE_FLOOR), (record, name))


def _text_lengths(state: CaseState) -> Iterator[Violation]:
    for record in state.records():
        model = type(record)
        for name in text_fields(model):
            value = getattr(record, name) or ""
            limit = text_limit(model, name)
            if len(value) > limit:
                yield _v(gettext(TEXT_TOO_LONG).format(limit=limit, length=len(value)), (record, name))


def _named(record, name: str) -> dict[str, object]:
    """The record and field a message is about, for messages shown on another record's field as well."""
    return {"field": field_label(record, name), "value": getattr(record, name), "record": record_name(record)}


def _dates_after_birth(state: CaseState) -> Iterator[Violation]:
    # Each message names its record and field: a birth date moved after several records gets one message per
    # record on the birth date, and "this date is before the date of birth", six times, said which of them?
    birth = state.case.birth_date
    if birth is None:
        return
    for record, name, value in state.dated_records():
        if record is state.case or value >= birth:
            continue
        if record is state.diagnosis:
            message = gettext(BIRTH_AFTER_DIAGNOSIS).format(value=value, birth=birth)
        else:
            message = gettext(BEFORE_BIRTH).format(birth=birth, **_named(record, name))
        yield _v(message, (record, name), (state.case, "birth_date"))


def _dates_after_diagnosis(state: CaseState) -> Iterator[Violation]:
    if state.diagnosis is None:
        return
    diagnosis = state.diagnosis.diagnosis_date
    if state.treatment and state.treatment.start_date < diagnosis:
        yield _v(
            gettext(TREATMENT_BEFORE_DIAGNOSIS).format(diagnosis=diagnosis),
            (state.treatment, "start_date"),
            (state.diagnosis, "diagnosis_date"),
        )
    # Laboratory and cytogenetic samples may precede the formal diagnosis date; outcomes may not.
    for attr, name in (
        ("assessments", "assessment_date"),
        ("transplants", "transplant_date"),
        ("events", "event_date"),
        ("adverse_events", "onset_date"),
        ("follow_ups", "contact_date"),
    ):
        for record in getattr(state, attr):
            if getattr(record, name) < diagnosis:
                yield _v(
                    gettext(BEFORE_DIAGNOSIS).format(diagnosis=diagnosis, **_named(record, name)),
                    (record, name),
                    (state.diagnosis, "diagnosis_date"),
                )


def _dates_after_treatment(state: CaseState) -> Iterator[Violation]:
    if state.treatment is None:
        return
    start = state.treatment.start_date
    treated = [(r, "assessment_date") for r in state.assessments]
    treated += [(r, "event_date") for r in state.events if r.kind in _TREATMENT_OUTCOMES]
    treated += [(r, "transplant_date") for r in state.transplants]
    for record, name in treated:
        if getattr(record, name) < start:
            yield _v(
                gettext(BEFORE_TREATMENT).format(start=start, **_named(record, name)),
                (record, name),
                (state.treatment, "start_date"),
            )
    for panel in state.labs:
        if panel.timepoint == "post_induction" and panel.sample_date and panel.sample_date < start:
            yield _v(
                gettext(POST_INDUCTION_BEFORE_TREATMENT).format(start=start),
                (panel, "sample_date"),
                (state.treatment, "start_date"),
            )


_TREATMENT_OUTCOMES = {EventKind.CR, EventKind.INDUCTION_FAILURE, EventKind.RELAPSE}


def _nothing_after_death(state: CaseState) -> Iterator[Violation]:
    death = state.death
    if death is None:
        return
    when = death.event_date
    for record, name, value in state.dated_records():
        if record is death or value <= when:
            continue
        if record in state.follow_ups:
            if record.vital_status == VitalStatus.ALIVE:
                yield _v(
                    gettext(ALIVE_AFTER_DEATH).format(death=when, **_named(record, "contact_date")),
                    (record, "vital_status"),
                    (death, "event_date"),
                )
            continue  # a later contact that confirms the death is death-related
        if record in state.events and record.kind in (EventKind.DEATH, EventKind.INDUCTION_DEATH):
            continue  # reported by _one_death
        yield _v(gettext(AFTER_DEATH).format(death=when, **_named(record, name)), (record, name), (death, "event_date"))
    for record in state.follow_ups:
        if record.contact_date == when and record.vital_status == VitalStatus.ALIVE:
            yield _v(
                gettext(ALIVE_AFTER_DEATH).format(death=when, **_named(record, "contact_date")),
                (record, "vital_status"),
                (death, "event_date"),
            )


def _dead_needs_death(state: CaseState) -> Iterator[Violation]:
    death = state.death
    for record in state.follow_ups:
        if record.vital_status == VitalStatus.DEAD and (death is None or death.event_date > record.contact_date):
            yield _v(gettext(DEAD_WITHOUT_DEATH), (record, "vital_status"))


def _one_death(state: CaseState) -> Iterator[Violation]:
    deaths = sorted(
        (e for e in state.events if e.kind in (EventKind.DEATH, EventKind.INDUCTION_DEATH)),
        key=lambda e: (e.event_date, e.pk or 0),
    )
    for later in deaths[1:]:
        yield _v(gettext(TWO_DEATHS).format(death=deaths[0].event_date), (later, "kind"), (deaths[0], "kind"))


def _induction_contradictions(state: CaseState) -> Iterator[Violation]:
    by_kind: dict[str, list] = {}
    for event in state.events:
        by_kind.setdefault(event.kind, []).append(event)
    for cr in by_kind.get(EventKind.CR, [])[:1]:
        for other in by_kind.get(EventKind.INDUCTION_DEATH, []):
            yield _v(gettext(CR_AND_INDUCTION_DEATH), (other, "kind"), (cr, "kind"))
        for other in by_kind.get(EventKind.INDUCTION_FAILURE, []):
            # A CR reached after induction failure (second-line therapy) is no contradiction.
            if other.event_date >= cr.event_date:
                yield _v(gettext(CR_AND_INDUCTION_FAILURE), (other, "kind"), (cr, "kind"))


def _event_details(state: CaseState) -> Iterator[Violation]:
    for event in state.events:
        if event.kind == EventKind.RELAPSE and not event.relapse_site:
            yield _v(gettext(RELAPSE_SITE_REQUIRED), (event, "relapse_site"))
        if event.kind != EventKind.RELAPSE and event.relapse_site:
            yield _v(gettext(RELAPSE_SITE_ONLY_FOR_RELAPSE), (event, "relapse_site"))
        is_death = event.kind in (EventKind.DEATH, EventKind.INDUCTION_DEATH)
        if is_death and not event.death_cause:
            yield _v(gettext(DEATH_CAUSE_REQUIRED), (event, "death_cause"))
        if not is_death and event.death_cause:
            yield _v(gettext(DEATH_CAUSE_ONLY_FOR_DEATH), (event, "death_cause"))


def _genes(finding) -> tuple[str, str]:
    def symbol(gene) -> str:
        if gene is None:
            return ""
        return (finding.gene_other or "").upper() if gene.code == "OTHER" else gene.code

    return symbol(finding.gene_5p), symbol(finding.gene_3p)


def _fusions(state: CaseState) -> Iterator[Violation]:
    for finding in state.findings:
        five, three = _genes(finding)
        has_other = any(g is not None and g.code == "OTHER" for g in (finding.gene_5p, finding.gene_3p))
        if has_other and not finding.gene_other:
            yield _v(gettext(OTHER_GENE_REQUIRED), (finding, "gene_other"))
            continue
        if finding.gene_other and not has_other:
            yield _v(gettext(OTHER_GENE_UNUSED), (finding, "gene_other"))
        if bool(finding.gene_5p) != bool(finding.gene_3p):
            yield _v(gettext(FUSION_HALF), (finding, "gene_3p" if finding.gene_5p else "gene_5p"))
            continue
        if not (five and three):
            continue
        fusion = f"{five}::{three}"
        abnormality = finding.abnormality
        expected = abnormality.expected_fusion
        if abnormality.kmt2a_rearranged is False and "KMT2A" in (five, three):
            yield _v(gettext(FUSION_NOT_KMT2A), (finding, "gene_5p"), (finding, "abnormality"))
        elif "::" in expected and fusion != expected:
            yield _v(
                gettext(FUSION_MISMATCH).format(abnormality=abnormality.code, expected=expected, fusion=fusion),
                (finding, "gene_3p"),
                (finding, "abnormality"),
            )
        elif expected and "::" not in expected and expected not in (five, three):
            yield _v(
                gettext(FUSION_NEEDS_GENE).format(abnormality=abnormality.code, gene=expected, fusion=fusion),
                (finding, "gene_3p"),
                (finding, "abnormality"),
            )


def _lineage_fits(state: CaseState) -> Iterator[Violation]:
    if state.diagnosis is None:
        return
    lineage = state.diagnosis.lineage
    if lineage not in (Lineage.ALL, Lineage.AML):
        return
    for finding in state.findings:
        only = finding.abnormality.lineage_only
        if only and only != lineage:
            yield _v(
                gettext(LINEAGE_MISMATCH).format(
                    abnormality=finding.abnormality.code, lineage=state.diagnosis.get_lineage_display()
                ),
                (finding, "abnormality"),
                (state.diagnosis, "lineage"),
            )
    protocol = state.treatment.protocol if state.treatment else None
    if protocol is not None and protocol.lineage in (Lineage.ALL, Lineage.AML) and protocol.lineage != lineage:
        yield _v(
            gettext(PROTOCOL_LINEAGE).format(
                protocol=protocol,
                protocol_lineage=Lineage(protocol.lineage).label,
                lineage=state.diagnosis.get_lineage_display(),
            ),
            (state.treatment, "protocol"),
            (state.diagnosis, "lineage"),
        )


def _diagnosis_fields(state: CaseState) -> Iterator[Violation]:
    diagnosis = state.diagnosis
    if diagnosis is None:
        return
    if diagnosis.fab and diagnosis.lineage != Lineage.AML:
        yield _v(gettext(FAB_ONLY_AML), (diagnosis, "fab"))
    if diagnosis.subtype:
        fits = {
            Lineage.ALL: diagnosis.subtype in ALL_SUBTYPES,
            Lineage.AML: diagnosis.subtype == Subtype.AML,
            Lineage.MPAL: diagnosis.subtype == Subtype.MPAL,
        }.get(diagnosis.lineage, True)
        if not fits:
            yield _v(
                gettext(SUBTYPE_LINEAGE).format(
                    subtype=diagnosis.get_subtype_display(), lineage=diagnosis.get_lineage_display()
                ),
                (diagnosis, "subtype"),
            )


def _exclusion(state: CaseState) -> Iterator[Violation]:
    case = state.case
    if case.excluded and not case.exclusion_reason:
        yield _v(gettext(EXCLUSION_REASON_REQUIRED), (case, "exclusion_reason"))
    if case.exclusion_reason and not case.excluded:
        yield _v(gettext(EXCLUSION_REASON_UNUSED), (case, "exclusion_reason"))


def _treatment_fields(state: CaseState) -> Iterator[Violation]:
    treatment = state.treatment
    if treatment and treatment.steroid_response and not treatment.steroid:
        yield _v(gettext(STEROID_RESPONSE_NEEDS_STEROID), (treatment, "steroid"))


_MARROW_RANGES = {Marrow.M1: (0, 5, "< 5%"), Marrow.M2: (5, 25, "5-25%"), Marrow.M3: (25, 100.0001, ">= 25%")}


def _assessment_fields(state: CaseState) -> Iterator[Violation]:
    for record in state.assessments:
        if record.marrow and record.marrow_blasts is not None:
            low, high, text = _MARROW_RANGES[record.marrow]
            # M2 is 5-25% inclusive of 25 in some protocols; accept the shared boundary for either class.
            if not (low <= record.marrow_blasts < high or record.marrow_blasts == high == 25):
                yield _v(
                    gettext(MARROW_BLASTS_MISMATCH).format(
                        marrow=record.marrow, range=text, blasts=record.marrow_blasts
                    ),
                    (record, "marrow_blasts"),
                )
        if record.mrd_pcr_level is not None and record.mrd_pcr != PCRResult.LEVEL:
            yield _v(gettext(PCR_LEVEL_ONLY_WITH_LEVEL), (record, "mrd_pcr_level"))
        if record.mrd_pcr == PCRResult.LEVEL and record.mrd_pcr_level is None:
            yield _v(gettext(PCR_LEVEL_REQUIRED), (record, "mrd_pcr_level"))


RULES: tuple[Rule, ...] = (
    _dates_not_in_future,
    _dates_after_floor,
    _text_lengths,
    _dates_after_birth,
    _dates_after_diagnosis,
    _dates_after_treatment,
    _nothing_after_death,
    _dead_needs_death,
    _one_death,
    _induction_contradictions,
    _event_details,
    _fusions,
    _lineage_fits,
    _diagnosis_fields,
    _exclusion,
    _treatment_fields,
    _assessment_fields,
)


def violations(state: CaseState) -> list[Violation]:
    """Every broken rule, each once: one message about one record's field is not repeated."""
    found, seen = [], set()
    for rule in RULES:
        for violation in rule(state):
            key = (violation.message, tuple((id(record), name) for record, name in violation.targets))
            if key not in seen:
                seen.add(key)
                found.append(violation)
    return found
