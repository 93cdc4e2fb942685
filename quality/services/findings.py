"""Running the rules: one case after it is saved, or the whole registry on a schedule. Findings are upserted:
new ones are created, ones still firing get a new last_seen, ones that stopped firing are resolved."""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone, translation

from analytics import derive as d
from quality.models import Finding
from quality.rules import CheckContext, evaluate, wording
from registry.access import cases_for_system
from registry.derivation import case_record, risk_ruleset
from registry.models import Case
from registry.validation import CaseState

__all__ = ["SweepResult", "case_check", "case_context", "registry_sweep"]

logger = logging.getLogger(__name__)

CASE_MODEL = "registry.case"


class DuplicateIndex:
    """Live cases by hospital-number hash and by (date of birth, sex, diagnosis date).

    Built from every center's cases (registry.access.cases_for_system): finding a child registered at two
    centers is the point. What a user is shown of the other registration is decided when it is shown.
    """

    def __init__(self, rows):
        self.by_hash: dict[str, list[int]] = defaultdict(list)
        self.by_child: dict[tuple, list[int]] = defaultdict(list)
        for pk, number_hash, birth, sex, diagnosis_date, diagnosis_archived in rows:
            if number_hash:
                self.by_hash[number_hash].append(pk)
            if diagnosis_date is not None and diagnosis_archived is None:
                self.by_child[(birth, sex, diagnosis_date)].append(pk)

    @classmethod
    def of(cls, cases) -> DuplicateIndex:
        return cls(
            cases.filter(archived_at__isnull=True).values_list(
                "pk", "hospital_number_hash", "birth_date", "sex", "diagnosis__diagnosis_date", "diagnosis__archived_at"
            )
        )

    @classmethod
    def around(cls, case: Case) -> DuplicateIndex:
        """Only the cases that could be duplicates of `case`: enough for a single check."""
        near = Q(birth_date=case.birth_date, sex=case.sex)
        if case.hospital_number_hash:
            near |= Q(hospital_number_hash=case.hospital_number_hash)
        return cls.of(cases_for_system().filter(near))

    def peers(self, case: Case, state: CaseState) -> tuple[tuple[int, ...], tuple[int, ...]]:
        same_hash = tuple(pk for pk in self.by_hash.get(case.hospital_number_hash, ()) if pk != case.pk)
        same_child: tuple[int, ...] = ()
        if state.diagnosis is not None:
            key = (case.birth_date, case.sex, state.diagnosis.diagnosis_date)
            same_child = tuple(pk for pk in self.by_child.get(key, ()) if pk != case.pk)
        return same_hash, same_child


def case_context(case: Case, *, today: date, ruleset: d.RiskRuleSet, index: DuplicateIndex) -> CheckContext:
    """What the rules read about one saved case."""
    state = CaseState.load(case)
    same_hash, same_child = index.peers(case, state)
    derived = d.derive_case(case_record(state), rules=ruleset)
    return CheckContext(state, derived, today, same_hash=same_hash, same_birth_sex_diagnosis=same_child)


def _record_key(record, case: Case) -> tuple[str, int]:
    if record is None or record.pk is None:
        return CASE_MODEL, case.pk
    return record._meta.label_lower, record.pk


def _wanted(context: CheckContext | None) -> dict[tuple, dict]:
    if context is None:
        return {}
    wanted: dict[tuple, dict] = {}
    # The stored message is English whatever the language of the request that saved the case (the entry rules'
    # sentences included); pages render the parts in their reader's language.
    with translation.override("en"):
        hits = evaluate(context)
    for rule, hit in hits:
        model, pk = _record_key(hit.record, context.case)
        key = (rule.id, model, pk, hit.field)
        if key in wanted:  # one rule, two problems on one field: keep both messages on one finding, each once
            if hit.part not in wanted[key]["message_parts"]:
                wanted[key]["message_parts"].append(hit.part)
            continue
        wanted[key] = {
            "severity": rule.severity,
            "stage": rule.stage,
            "message_parts": [hit.part],
            "details": hit.details,
        }
    for values in wanted.values():
        values["message"] = wording.render(values["message_parts"], translate=False)
    return wanted


def _store(case: Case, wanted: dict[tuple, dict], now: datetime) -> list[Finding]:
    with transaction.atomic():
        open_findings = {
            f.key: f for f in Finding.objects.select_for_update().filter(case=case, resolved_at__isnull=True)
        }
        kept, created, closed = [], [], []
        for key, values in wanted.items():
            finding = open_findings.pop(key, None)
            if finding is None:
                rule_id, model, pk, field = key
                created.append(
                    Finding(
                        case=case, rule_id=rule_id, record_model=model, record_pk=pk, field=field,
                        first_seen=now, last_seen=now, **values,
                    )
                )  # fmt: skip
                continue
            for name, value in values.items():
                setattr(finding, name, value)
            finding.last_seen = now
            kept.append(finding)
        for finding in open_findings.values():
            finding.resolved_at = now
            closed.append(finding)
        Finding.objects.bulk_update(kept, ["severity", "stage", "message", "message_parts", "details", "last_seen"])
        Finding.objects.bulk_update(closed, ["resolved_at"])
        created = Finding.objects.bulk_create(created)
    return kept + created


def _check_one(case: Case, *, now: datetime, ruleset: d.RiskRuleSet, index: DuplicateIndex) -> list[Finding]:
    context = None
    if not case.is_archived:  # an archived case leaves the registry: its findings close
        context = case_context(case, today=timezone.localdate(now), ruleset=ruleset, index=index)
    wanted = _wanted(context)
    try:
        return _store(case, wanted, now)
    except IntegrityError:
        # A concurrent check of the same case created the same open finding first: store against its result.
        return _store(case, wanted, now)


def _peer_ids(findings) -> set[int]:
    return {pk for f in findings for pk in (f.details or {}).get("case_ids", ())}


def case_check(case: Case | int, *, now: datetime | None = None) -> list[Finding]:
    """Re-evaluate every rule on one case and store the result; returns the case's open findings.

    The other registrations that were, or now are, its likely duplicates are checked again too, so both
    sides of a duplicate open and close together.
    """
    now = now or timezone.now()
    case = cases_for_system(include_archived=True).get(pk=getattr(case, "pk", case))
    ruleset = risk_ruleset()
    before = _peer_ids(Finding.objects.filter(case=case, resolved_at__isnull=True, rule_id__startswith="DQ-DUP"))
    findings = _check_one(case, now=now, ruleset=ruleset, index=DuplicateIndex.around(case))
    for peer in cases_for_system(include_archived=True).filter(pk__in=(before | _peer_ids(findings)) - {case.pk}):
        _check_one(peer, now=now, ruleset=ruleset, index=DuplicateIndex.around(peer))
    return findings


def cases_check(case_ids, *, now: datetime | None = None) -> int:
    """`case_check` for many cases at once (an import): one duplicate index for all of them. Returns how many
    cases were checked, their duplicates' other registrations included."""
    now = now or timezone.now()
    ruleset = risk_ruleset()
    index = DuplicateIndex.of(cases_for_system())
    wanted = set(case_ids)
    peers: set[int] = set()
    for case in cases_for_system(include_archived=True).filter(pk__in=wanted).order_by("pk"):
        peers |= _peer_ids(_check_one(case, now=now, ruleset=ruleset, index=index))
    for case in cases_for_system(include_archived=True).filter(pk__in=peers - wanted):
        _check_one(case, now=now, ruleset=ruleset, index=index)
    return len(wanted | peers)


@dataclass(frozen=True)
class SweepResult:
    cases: int
    open_findings: int
    resolved: int


def registry_sweep(*, now: datetime | None = None) -> SweepResult:
    """Check every case of the registry and write today's snapshot. Safe to run twice: a second run finds the
    same findings (only last_seen moves) and rewrites the same snapshot rows."""
    from quality.services.snapshots import snapshot_write

    now = now or timezone.now()
    ruleset = risk_ruleset()
    index = DuplicateIndex.of(cases_for_system())
    resolved_before = Finding.objects.filter(resolved_at__isnull=False).count()
    live = cases_for_system()
    # Archived cases with findings still open: close them.
    archived = cases_for_system(include_archived=True).filter(archived_at__isnull=False)
    left = archived.filter(quality_findings__resolved_at__isnull=True).distinct()
    count = 0
    for case in [*live.order_by("pk"), *left]:
        _check_one(case, now=now, ruleset=ruleset, index=index)
        count += 1
    snapshot_write(day=timezone.localdate(now))
    result = SweepResult(
        cases=count,
        open_findings=Finding.objects.filter(resolved_at__isnull=True).count(),
        resolved=Finding.objects.filter(resolved_at__isnull=False).count() - resolved_before,
    )
    logger.info("quality sweep: %s", result)
    return result
