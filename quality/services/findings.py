"""Running the rules: one case after it is saved, or the whole registry on a schedule (in batches of cases read,
checked and stored together). Findings are upserted: new ones are created, ones still firing get a new last_seen,
ones that stopped firing are resolved."""

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
# Cases checked together by the sweep and an import's check: one batch's records are in memory at a time.
BATCH_SIZE = 500


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
    return _context(CaseState.load(case), today=today, ruleset=ruleset, index=index)


def _context(state: CaseState, *, today: date, ruleset: d.RiskRuleSet, index: DuplicateIndex) -> CheckContext:
    same_hash, same_child = index.peers(state.case, state)
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


_UPDATED = ("severity", "stage", "message", "message_parts", "details")


def _store(wanted_by_case: dict[int, dict[tuple, dict]], now: datetime) -> dict[int, list[Finding]]:
    """Store the findings wanted for each case (pk -> key -> values) in one transaction: each case's open
    findings still wanted get last_seen `now`, new ones are created, the others are resolved. Returns each
    case's open findings."""
    with transaction.atomic():
        open_findings: dict[int, dict[tuple, Finding]] = defaultdict(dict)
        found = Finding.objects.select_for_update().filter(case_id__in=list(wanted_by_case), resolved_at__isnull=True)
        for finding in found.order_by("pk"):
            open_findings[finding.case_id][finding.key] = finding
        result: dict[int, list[Finding]] = {}
        seen, changed, created, closed = [], [], [], []
        for case_id, wanted in wanted_by_case.items():
            kept, new, still_open = [], [], open_findings.get(case_id, {})
            for key, values in wanted.items():
                finding = still_open.pop(key, None)
                if finding is None:
                    rule_id, model, pk, field = key
                    finding = Finding(
                        case_id=case_id, rule_id=rule_id, record_model=model, record_pk=pk, field=field,
                        first_seen=now, last_seen=now, **values,
                    )  # fmt: skip
                    new.append(finding)
                    continue
                if any(getattr(finding, name) != values[name] for name in _UPDATED):
                    for name in _UPDATED:
                        setattr(finding, name, values[name])
                    changed.append(finding)
                else:
                    seen.append(finding)
                finding.last_seen = now
                kept.append(finding)
            closed.extend(still_open.values())
            created.extend(new)
            result[case_id] = kept + new
        # Most findings are seen again unchanged: one UPDATE moves their last_seen, whatever their number.
        if seen:
            Finding.objects.filter(pk__in=[f.pk for f in seen]).update(last_seen=now)
        Finding.objects.bulk_update(changed, [*_UPDATED, "last_seen"], batch_size=500)
        if closed:
            Finding.objects.filter(pk__in=[f.pk for f in closed]).update(resolved_at=now)
        Finding.objects.bulk_create(created, batch_size=1000)
    for finding in closed:
        finding.resolved_at = now
    return result


def _check(cases: list[Case], *, now: datetime, ruleset: d.RiskRuleSet, index: DuplicateIndex) -> dict[int, list]:
    """Check the given cases and store their findings together; returns each case's open findings.

    Their states are read together (`CaseState.load_many`: a query per kind of record, not per case) and their
    findings stored in one transaction."""
    today = timezone.localdate(now)
    # An archived case leaves the registry: nothing is wanted of it, so its findings close.
    states = CaseState.load_many(c for c in cases if not c.is_archived)
    wanted = {
        case.pk: _wanted(_context(states[case.pk], today=today, ruleset=ruleset, index=index))
        if case.pk in states
        else {}
        for case in cases
    }
    try:
        return _store(wanted, now)  # a savepoint when the caller holds a transaction (the cases' locks)
    except IntegrityError:
        # A concurrent check of one of these cases created the same open finding first: store against its result.
        return _store(wanted, now)


def _check_locked(case_ids, *, now: datetime, ruleset: d.RiskRuleSet, index: DuplicateIndex) -> dict[int, list]:
    """`_check` for a batch of cases read, checked and stored while their rows are locked: a save of one of them
    (which locks its case) waits, and its own check after it commits sees the saved records. A case being saved
    right now is left out (skip_locked): that save's check will check it."""
    with transaction.atomic():
        cases = list(
            cases_for_system(include_archived=True)
            .filter(pk__in=list(case_ids))
            .select_related("center")
            .select_for_update(skip_locked=True, of=("self",))
            .order_by("pk")
        )
        return _check(cases, now=now, ruleset=ruleset, index=index)


def _batches(cases, size: int):
    """The pks of `cases` in pk order, `size` at a time, read a batch at a time (keyset: no offset scans)."""
    last = 0
    while True:
        ids = list(cases.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not ids:
            return
        yield ids
        last = ids[-1]


def _peer_ids(findings) -> set[int]:
    return {pk for f in findings for pk in (f.details or {}).get("case_ids", ())}


def case_check(case: Case | int, *, now: datetime | None = None) -> list[Finding]:
    """Re-evaluate every rule on one case and store the result; returns the case's open findings.

    The other registrations that were, or now are, its likely duplicates are checked again too, so both
    sides of a duplicate open and close together.
    """
    now = now or timezone.now()
    everyone = cases_for_system(include_archived=True).select_related("center")
    case = everyone.get(pk=getattr(case, "pk", case))
    ruleset = risk_ruleset()
    before = _peer_ids(Finding.objects.filter(case=case, resolved_at__isnull=True, rule_id__startswith="DQ-DUP"))
    findings = _check([case], now=now, ruleset=ruleset, index=DuplicateIndex.around(case))[case.pk]
    for peer in everyone.filter(pk__in=(before | _peer_ids(findings)) - {case.pk}):
        _check([peer], now=now, ruleset=ruleset, index=DuplicateIndex.around(peer))
    return findings


def cases_check(case_ids, *, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """`case_check` for many cases at once (an import): one duplicate index for all of them, checked in batches
    as the sweep checks them. Returns how many cases were checked, their duplicates' other registrations
    included."""
    now = now or timezone.now()
    ruleset = risk_ruleset()
    index = DuplicateIndex.of(cases_for_system())
    wanted = set(case_ids)
    peers: set[int] = set()
    everyone = cases_for_system(include_archived=True)
    for ids in _batches(everyone.filter(pk__in=wanted), batch_size):
        for findings in _check_locked(ids, now=now, ruleset=ruleset, index=index).values():
            peers |= _peer_ids(findings)
    for ids in _batches(everyone.filter(pk__in=peers - wanted), batch_size):
        _check_locked(ids, now=now, ruleset=ruleset, index=index)
    return len(wanted | peers)


@dataclass(frozen=True)
class SweepResult:
    cases: int
    open_findings: int
    resolved: int


def registry_sweep(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> SweepResult:
    """Check every case of the registry and write today's snapshot. Safe to run twice: a second run finds the
    same findings (only last_seen moves) and rewrites the same snapshot rows.

    Cases are checked `batch_size` at a time (`_check_locked`): a batch's queries do not depend on its number
    of cases, and only one batch's records are held in memory."""
    from quality.services.snapshots import snapshot_write

    now = now or timezone.now()
    ruleset = risk_ruleset()
    index = DuplicateIndex.of(cases_for_system())
    resolved_before = Finding.objects.filter(resolved_at__isnull=False).count()
    # The live cases, then the archived cases with findings still open: their findings close.
    archived = cases_for_system(include_archived=True).filter(archived_at__isnull=False)
    left = archived.filter(pk__in=Finding.objects.filter(resolved_at__isnull=True).values("case_id"))
    count = 0
    for cases in (cases_for_system(), left):
        for ids in _batches(cases, batch_size):
            count += len(_sweep_batch(ids, now=now, ruleset=ruleset, index=index))
    snapshot_write(day=timezone.localdate(now))
    result = SweepResult(
        cases=count,
        open_findings=Finding.objects.filter(resolved_at__isnull=True).count(),
        resolved=Finding.objects.filter(resolved_at__isnull=False).count() - resolved_before,
    )
    logger.info("quality sweep: %s", result)
    return result


def _sweep_batch(ids, *, now: datetime, ruleset: d.RiskRuleSet, index: DuplicateIndex) -> dict[int, list]:
    # A batch of the sweep under its own name: the fault tests pause a worker after the first one.
    return _check_locked(ids, now=now, ruleset=ruleset, index=index)
