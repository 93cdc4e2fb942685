"""Planted data-quality problems for the demo registry (`manage.py seed_quality_demo`, after seed_demo).

Problems the entry rules allow go in through the services, as the center's data-entry user. Problems the
entry rules would refuse are written straight to the database with save_audited: that is how such data gets
into a real registry (an import from an older system, records saved before a rule existed), and the history
row says so. Every planted change carries the reason "demo quality: <key>", which is also how a second run
knows it is done: nothing is planted twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from django.db import transaction
from django.db.models import Exists, OuterRef

from quality.models import Finding, Query
from quality.services import query_answer, query_close, query_from_finding, registry_sweep
from registry import models as m
from registry.choices import DEATH_KINDS, Role
from registry.services.cases import case_create
from registry.services.records import RecordChange, records_save, save_audited

__all__ = ["Planted", "plant_problems"]

REASON = "demo quality: {key}"
LEGACY = " (legacy import: written before the entry rule existed)"
DEMO_PREFIX = "ILR-D"
TWIN_IDS = ("ILR-Q00001", "ILR-Q00002", "ILR-Q00003")
TWIN_HOSPITAL_NUMBER = "DEMO-REGISTERED-TWICE-1"


@dataclass(frozen=True)
class Planted:
    key: str
    registry_id: str
    center: str
    rules: str
    how: str


class _NoCandidate(Exception):
    """No demo case fits a plant (a small demo): it is skipped."""


class _Plant:
    def __init__(self):
        self.used: set[int] = set()
        self.entry_users = {
            ms.center_id: ms.user for ms in m.Membership.objects.filter(role=Role.DATA_ENTRY).select_related("user")
        }

    def pick(self, qs) -> m.Case | None:
        """The first demo case (by registry ID) that fits, is open for editing and not used by another plant."""
        qs = qs.filter(registry_id__startswith=DEMO_PREFIX, archived_at__isnull=True, locked_at__isnull=True)
        case = qs.exclude(pk__in=self.used).order_by("registry_id").first()
        if case is None:
            raise _NoCandidate
        return case

    def entry_user(self, case):
        return self.entry_users[case.center_id]


def _live(model, **filters):
    return Exists(model.objects.filter(case=OuterRef("pk"), archived_at__isnull=True, **filters))


def _dead():
    return _live(m.OutcomeEvent, kind__in=sorted(DEATH_KINDS))


def _service(plant, case, key, changes):
    records_save(user=plant.entry_user(case), case=case, changes=changes, reason=REASON.format(key=key))


def _legacy(plant, case, key, record):
    # Deliberately past the entry rules (see the module docstring); audited like any change, and versioned so
    # that a form rendered before it is refused as stale instead of overwriting it.
    if record.pk is not None:
        record.version += 1
    save_audited(record, user=plant.entry_user(case), reason=REASON.format(key=key) + LEGACY)


# -- through the services ------------------------------------------------------------------------------------
def _no_cytogenetics(plant, key):
    case = plant.pick(m.Case.objects.filter(_live(m.CytogeneticFinding), excluded=False))
    findings = m.CytogeneticFinding.objects.filter(case=case, archived_at__isnull=True)
    _service(plant, case, key, [RecordChange(f, f.version, archive=True) for f in findings])
    return case


def _no_response(plant, key):
    qs = m.Case.objects.filter(_live(m.ResponseAssessment), _live(m.OutcomeEvent, kind="cr"), excluded=False)
    case = plant.pick(qs.exclude(_live(m.OutcomeEvent, kind__in=["relapse", "death", "induction_failure"])))
    records = [*m.ResponseAssessment.objects.filter(case=case), *m.OutcomeEvent.objects.filter(case=case, kind="cr")]
    _service(plant, case, key, [RecordChange(r, r.version, archive=True) for r in records if not r.is_archived])
    return case


def _relapse_without_cr(plant, key):
    case = plant.pick(m.Case.objects.filter(_live(m.OutcomeEvent, kind="relapse"), _live(m.OutcomeEvent, kind="cr")))
    records = [*m.ResponseAssessment.objects.filter(case=case), *m.OutcomeEvent.objects.filter(case=case, kind="cr")]
    records += m.Transplant.objects.filter(case=case)  # an HSCT in CR would still vouch for the remission
    _service(plant, case, key, [RecordChange(r, r.version, archive=True) for r in records if not r.is_archived])
    return case


def _eoi_off_day(plant, key):
    qs = m.Case.objects.filter(_live(m.ResponseAssessment, day=33), treatment__protocol__induction_day=33)
    case = plant.pick(qs.exclude(_dead()))
    assessment = m.ResponseAssessment.objects.filter(case=case, day=33, archived_at__isnull=True).first()
    assessment.day, assessment.assessment_date = 43, assessment.assessment_date + timedelta(days=10)
    _service(plant, case, key, [RecordChange(assessment, assessment.version)])
    return case


def _wbc_missing(plant, key):
    case = plant.pick(m.Case.objects.filter(_live(m.LabPanel, timepoint="baseline", wbc__isnull=False)))
    panel = m.LabPanel.objects.get(case=case, timepoint="baseline", archived_at__isnull=True)
    panel.wbc = None
    _service(plant, case, key, [RecordChange(panel, panel.version)])
    return case


def _registered_twice(plant, key):
    """One child registered at two centers (same hospital number), and again within one of them."""
    original = plant.pick(m.Case.objects.filter(_live(m.Diagnosis), center__code="ALA"))
    plant.used.add(original.pk)
    diagnosis = original.diagnosis
    target = None
    for registry_id, code in zip(TWIN_IDS, ("MOW", "ALA", "ALA"), strict=True):
        if m.Case.objects.filter(registry_id=registry_id).exists():
            continue
        center = m.Center.objects.get(code=code)
        user = plant.entry_users[center.pk]
        number = TWIN_HOSPITAL_NUMBER if registry_id != TWIN_IDS[2] else f"{TWIN_HOSPITAL_NUMBER}-B"
        case = case_create(
            user=user, center=center, hospital_number=number, registry_id=registry_id, sex=original.sex,
            birth_date=original.birth_date,
        )  # fmt: skip
        dx = m.Diagnosis(case=case, diagnosis_date=diagnosis.diagnosis_date, lineage=diagnosis.lineage)
        records_save(user=user, case=case, changes=[RecordChange(dx)], reason=REASON.format(key=key))
        target = target or case
    return target or m.Case.objects.get(registry_id=TWIN_IDS[0])


# -- past the entry rules (legacy data) -----------------------------------------------------------------------
def _wbc_unit(plant, key):
    case = plant.pick(m.Case.objects.filter(_live(m.LabPanel, timepoint="baseline", wbc__gt=2, wbc__lt=100)))
    panel = m.LabPanel.objects.get(case=case, timepoint="baseline", archived_at__isnull=True)
    panel.wbc = panel.wbc * 1000  # entered in x10^6/L
    _legacy(plant, case, key, panel)
    return case


def _protocol_lineage(plant, key):
    case = plant.pick(m.Case.objects.filter(diagnosis__lineage="ALL", treatment__protocol__lineage="ALL"))
    treatment = case.treatment
    treatment.protocol = m.Protocol.objects.filter(name="AML-BFM").order_by("version").first()
    _legacy(plant, case, key, treatment)
    return case


def _apl_in_all(plant, key):
    case = plant.pick(m.Case.objects.filter(diagnosis__lineage="ALL"))
    finding = m.CytogeneticFinding(
        case=case, method="fish", sample_date=case.diagnosis.diagnosis_date,
        abnormality=m.Abnormality.objects.get(code="t(15;17)"),
    )  # fmt: skip
    _legacy(plant, case, key, finding)
    return case


def _cr_and_failure(plant, key):
    qs = m.Case.objects.filter(_live(m.OutcomeEvent, kind="cr")).exclude(_live(m.OutcomeEvent, kind="relapse"))
    case = plant.pick(qs.exclude(_dead()))
    cr = m.OutcomeEvent.objects.filter(case=case, kind="cr", archived_at__isnull=True).first()
    _legacy(plant, case, key, m.OutcomeEvent(case=case, kind="induction_failure", event_date=cr.event_date))
    return case


def _event_after_death(plant, key):
    case = plant.pick(m.Case.objects.filter(_live(m.OutcomeEvent, kind="death")))
    death = m.OutcomeEvent.objects.filter(case=case, kind="death", archived_at__isnull=True).first()
    event = m.AdverseEvent(
        case=case, event_type=m.AdverseEventType.objects.order_by("sort_order").first(), grade=2,
        onset_date=death.event_date + timedelta(days=20), phase="off_treatment",
    )  # fmt: skip
    _legacy(plant, case, key, event)
    return case


def _fusion_mismatch(plant, key):
    case = plant.pick(
        m.Case.objects.filter(_live(m.CytogeneticFinding, abnormality__code="t(4;11)", gene_3p__code="AFF1"))
    )
    finding = m.CytogeneticFinding.objects.filter(case=case, abnormality__code="t(4;11)", archived_at__isnull=True)[0]
    finding.gene_3p = m.Gene.objects.get(code="MLLT3")
    _legacy(plant, case, key, finding)
    return case


def _treatment_before_diagnosis(plant, key):
    case = plant.pick(m.Case.objects.filter(_live(m.Treatment)).exclude(_dead()))
    treatment = case.treatment
    treatment.start_date = case.diagnosis.diagnosis_date - timedelta(days=5)
    _legacy(plant, case, key, treatment)
    return case


def _birth_weight(plant, key):
    case = plant.pick(m.Case.objects.filter(birth_weight_g__isnull=False))
    case.birth_weight_g = case.birth_weight_g * 10  # a digit too many
    _legacy(plant, case, key, case)
    return case


PLANTS: tuple[tuple[str, str, str, Callable], ...] = (
    ("no-cytogenetics", "DQ-CYTO-001", "service", _no_cytogenetics),
    ("no-eoi-response", "DQ-COMP-020", "service", _no_response),
    ("relapse-without-cr", "DQ-CONTRA-005", "service", _relapse_without_cr),
    ("eoi-off-day", "DQ-PROT-002", "service", _eoi_off_day),
    ("wbc-missing", "DQ-COMP-002", "service", _wbc_missing),
    ("registered-twice", "DQ-DUP-001, DQ-DUP-002", "service", _registered_twice),
    ("wbc-unit", "DQ-RANGE-001", "legacy", _wbc_unit),
    ("protocol-lineage", "DQ-PROT-001", "legacy", _protocol_lineage),
    ("apl-in-all", "DQ-CYTO-003", "legacy", _apl_in_all),
    ("cr-and-failure", "DQ-CONTRA-004, DQ-CONTRA-006", "legacy", _cr_and_failure),
    ("event-after-death", "DQ-CONTRA-001", "legacy", _event_after_death),
    ("fusion-mismatch", "DQ-CYTO-004", "legacy", _fusion_mismatch),
    ("treatment-before-diagnosis", "DQ-DATE-002", "legacy", _treatment_before_diagnosis),
    ("birth-weight", "DQ-RANGE-002", "legacy", _birth_weight),
)

_HISTORIES = (m.Case, *m.CASE_RECORD_MODELS)


def _case_of(key: str) -> int | None:
    """The case a plant already changed (found by its history reason), or None."""
    for model in _HISTORIES:
        rows = model.history.filter(history_change_reason__startswith=REASON.format(key=key)).order_by("history_date")
        row = rows.values_list("id" if model is m.Case else "case_id", flat=True).first()
        if row is not None:
            return row
    return None


# The demo's queries: (plant key, rule of the finding, what happens to the query).
QUERIES = (
    ("wbc-unit", "DQ-RANGE-001", "open"),
    ("protocol-lineage", "DQ-PROT-001", "answered"),
    ("registered-twice", "DQ-DUP-001", "open"),
    ("eoi-off-day", "DQ-PROT-002", "closed"),
)
_ANSWER = "Checked against the chart: the protocol was entered wrongly and will be corrected after sign-off."


def _queries(plant: _Plant, cases: dict[str, m.Case], manager) -> int:
    opened = 0
    for key, rule_id, outcome in QUERIES:
        case = cases.get(key)
        if case is None or Query.objects.filter(case=case, opened_by=manager).exists():
            continue
        finding = Finding.objects.filter(case=case, rule_id=rule_id, resolved_at__isnull=True).first()
        if finding is None:
            continue
        query = query_from_finding(user=manager, finding=finding)
        if outcome in ("answered", "closed"):
            query = query_answer(user=plant.entry_user(case), query=query, text=_ANSWER)
        if outcome == "closed":
            query_close(user=manager, query=query, text="Fine: the late assessment is documented.")
        opened += 1
    return opened


def plant_problems() -> tuple[list[Planted], int]:
    """Plant each problem once, run the sweep, open the demo's queries. Returns (planted, queries opened)."""
    plant = _Plant()
    planted, cases = [], {}
    for key, rules, how, make in PLANTS:
        done = _case_of(key)
        if done is None:
            try:
                with transaction.atomic():
                    case = make(plant, key)
            except _NoCandidate:
                continue
        else:
            case = m.Case.objects.get(pk=done)
        plant.used.add(case.pk)
        cases[key] = case
        planted.append(Planted(key, case.registry_id, case.center.code, rules, how))
    registry_sweep()
    manager = m.Membership.objects.filter(role=Role.DATA_MANAGER).select_related("user").first()
    return planted, (_queries(plant, cases, manager.user) if manager else 0)
