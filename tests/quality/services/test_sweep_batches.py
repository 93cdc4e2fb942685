"""The nightly sweep checks the registry in batches: the same findings as checking each case alone, a number of
queries that grows with the batches and not with the cases, a second sweep that only moves last_seen, and an
archived case's findings closed."""

from __future__ import annotations

from collections import Counter
from datetime import timedelta
from unittest.mock import Mock

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from quality.demo import plant_problems
from quality.models import Finding
from quality.services import case_check, registry_sweep
from registry import models as m
from registry.choices import Role
from registry.management.commands.seed_demo import Command as SeedDemo
from registry.services.cases import case_archive
from registry.services.records import save_audited

pytestmark = pytest.mark.django_db

_FIELDS = (
    "case_id", "rule_id", "record_model", "record_pk", "field", "severity", "stage", "message", "message_parts",
    "details", "first_seen", "last_seen", "resolved_at",
)  # fmt: skip


def _seed(cases: int) -> None:
    SeedDemo(stdout=Mock(), stderr=Mock()).handle(cases=cases, quiet=True)


def _findings() -> Counter:
    """Every finding, open or resolved, by everything but its pk (each side's pks differ), counted."""
    return Counter(tuple(repr(value) for value in row) for row in Finding.objects.values_list(*_FIELDS).order_by("pk"))


def _manager():
    return m.Membership.objects.get(role=Role.DATA_MANAGER).user


def _entry(case):
    return m.Membership.objects.filter(role=Role.DATA_ENTRY, center=case.center_id).first().user


def _varied_registry() -> None:
    """The demo with its planted problems (entry rules, contradictions, protocol, ranges, a child registered at
    two centers), swept a day ago; then, with no check after the saves (as data fixed or archived between two
    sweeps): a registered-twice case archived, an overdue follow-up brought up to date, a new range problem."""
    _seed(40)
    plant_problems()
    Finding.objects.update(first_seen=timezone.now() - timedelta(days=1), last_seen=timezone.now() - timedelta(days=1))
    twin = m.Case.objects.filter(quality_findings__rule_id="DQ-DUP-001").order_by("pk").first()
    case_archive(user=_manager(), case=twin, reason="registered twice")
    overdue = m.Case.objects.filter(
        archived_at__isnull=True, quality_findings__rule_id="DQ-FU-001", quality_findings__resolved_at__isnull=True
    ).first()
    save_audited(
        m.FollowUp(case=overdue, contact_date=timezone.localdate(), vital_status="alive"), user=_entry(overdue)
    )
    panel = m.LabPanel.objects.filter(case__archived_at__isnull=True, wbc__isnull=False).order_by("-pk").first()
    panel.wbc, panel.version = 9000.0, panel.version + 1
    save_audited(panel, user=_entry(panel.case), reason="test: legacy import")


def test_the_batched_sweep_finds_exactly_what_checking_each_case_alone_finds():
    _varied_registry()
    now = timezone.now()
    before = _findings()

    savepoint = transaction.savepoint()
    registry_sweep(now=now, batch_size=7)  # several batches, the last one short
    swept = _findings()
    transaction.savepoint_rollback(savepoint)

    assert _findings() == before
    for case in m.Case.objects.order_by("pk"):  # archived ones too: their findings close
        case_check(case, now=now)
    alone = _findings()

    assert swept == alone
    # The registry had every kind of change for the comparison to mean something.
    open_ = Finding.objects.filter(resolved_at__isnull=True)
    assert open_.filter(first_seen=now).exists()  # new
    assert open_.filter(last_seen=now).exclude(first_seen=now).exists()  # seen again
    assert Finding.objects.filter(resolved_at=now, case__archived_at__isnull=False).exists()  # archived: closed
    assert Finding.objects.filter(resolved_at=now, case__archived_at__isnull=True).exists()  # fixed: closed
    assert open_.filter(rule_id__startswith="DQ-DUP").count() >= 2  # a duplicate's both sides


def _sweep_queries(batch_size: int) -> int:
    registry_sweep(batch_size=batch_size)  # the first sweep creates; the counted one sees them again
    with CaptureQueriesContext(connection) as queries:
        registry_sweep(batch_size=batch_size)
    return len(queries)


# What one more batch may cost: its pks, the lock of its cases, a query per kind of record (11), its open findings,
# at most four writes (last_seen, changed, resolved, created) and four savepoint statements.
PER_BATCH = 1 + 1 + 11 + 1 + 4 + 4


def test_a_sweeps_queries_grow_with_its_batches_not_with_its_cases():
    _seed(20)
    plant_problems()  # findings of every kind of change on some cases, none on others
    at_20 = _sweep_queries(batch_size=100)
    _seed(60)
    assert m.Case.objects.count() > 60  # the demo's 60, and the ones the plants registered
    at_60 = _sweep_queries(batch_size=100)
    in_3_batches = _sweep_queries(batch_size=25)
    assert at_60 == at_20
    assert at_60 < in_3_batches <= at_60 + 2 * PER_BATCH


def test_a_second_sweep_changes_nothing_but_last_seen():
    _seed(30)
    plant_problems()  # sweeps once
    first = {row[0]: row for row in Finding.objects.values_list("pk", *_FIELDS)}
    later = timezone.now() + timedelta(minutes=5)
    result = registry_sweep(now=later, batch_size=7)
    second = {row[0]: row for row in Finding.objects.values_list("pk", *_FIELDS)}

    assert result.resolved == 0 and second.keys() == first.keys()
    last_seen = _FIELDS.index("last_seen") + 1
    for pk, row in first.items():
        is_open = row[-1] is None
        expected = row[:last_seen] + ((later,) if is_open else (row[last_seen],)) + row[last_seen + 1 :]
        assert second[pk] == expected


def test_a_case_archived_between_two_sweeps_has_its_findings_closed_by_the_next():
    _seed(20)
    plant_problems()
    case = m.Case.objects.filter(quality_findings__resolved_at__isnull=True).order_by("-pk").first()
    others = set(Finding.objects.filter(resolved_at__isnull=True).exclude(case=case).values_list("pk", flat=True))
    case_archive(user=_manager(), case=case, reason="registered twice")  # its check after commit does not run here
    assert Finding.objects.filter(case=case, resolved_at__isnull=True).exists()

    now = timezone.now()
    result = registry_sweep(now=now, batch_size=7)
    assert not Finding.objects.filter(case=case, resolved_at__isnull=True).exists()
    assert Finding.objects.filter(case=case, resolved_at=now).exists()
    assert set(Finding.objects.filter(resolved_at__isnull=True).values_list("pk", flat=True)) == others
    assert result.cases == m.Case.objects.filter(archived_at__isnull=True).count() + 1
