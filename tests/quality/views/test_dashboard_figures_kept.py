"""The data-quality dashboard's cases, follow-up completeness and open findings per center are read from the figures
the registry keeps per center (registry.figures, quality.figures): after a new case, a new follow-up, a death, an
archived follow-up, an archived case, and findings written by a case check and by the sweep, every role's dashboard
still shows what a count made case by case gives (tests/crowded.py), says when it was counted, and a center's user
sees no other center's row."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from quality.rules import RULES
from quality.services import case_check, registry_sweep
from registry import models as m
from registry.services.cases import case_archive
from registry.services.records import RecordChange, records_save
from tests.crowded import make_crowded_registry, quality_counts, tables
from tests.factories import make_full_case, save
from tests.quality.views.test_dashboard_counts import _center_row

pytestmark = pytest.mark.django_db

ROLES = ("entry_a", "lead_a", "entry_b", "coordinator", "manager")


def _agrees(client, people) -> None:
    for role in ROLES:
        user = getattr(people, role)
        expected = quality_counts(user)
        client.force_login(user)
        html = client.get(reverse("quality:dashboard")).content.decode()
        table = tables(html)
        rendered = {row[0]: row for row in table["By center"][1:]}
        assert rendered == {code: _center_row(code, c) for code, c in expected["centers"].items()}, role
        header, *rows = table["By rule"]
        by_problem = {str(r.problem): rule_id for rule_id, r in RULES.items()}
        for row in rows:
            n, cases, per_center = expected["rules"].get(by_problem[row[0]], (0, set(), {}))
            assert row[4:] == [str(n), str(len(cases)), *(str(per_center.get(code, 0)) for code in header[6:])], (
                role,
                row[0],
            )
        assert "Cases and follow-up counted at" in html, role


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what a change does once it commits (the test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_kept_quality_figures_equal_a_fresh_count_after_every_kind_of_change(
    client, people, center_a, center_b, committed
):
    with committed():
        make_crowded_registry(people, center_a, center_b)
    _agrees(client, people)  # counted, then kept
    today = timezone.localdate()

    # A new living child at A, last seen long ago: living goes up, seen does not.
    with committed():
        child = make_full_case(people.entry_a, center_a, birth=date(2019, 3, 1))
    _agrees(client, people)

    # Seen today: counted as seen.
    with committed():
        save(people.entry_a, child, m.FollowUp(case=child, contact_date=today, vital_status="alive"))
    _agrees(client, people)

    # That contact archived: not seen again.
    contact = m.FollowUp.objects.get(case=child, contact_date=today)
    with committed():
        records_save(
            user=people.entry_a,
            case=child,
            changes=[RecordChange(contact, expected_version=contact.version, archive=True)],
        )
    _agrees(client, people)

    # A death at B: one living child fewer.
    living_b = m.Case.objects.filter(center=center_b, archived_at__isnull=True).exclude(events__kind="death").first()
    with committed():
        save(
            people.entry_b,
            living_b,
            m.OutcomeEvent(case=living_b, kind="death", event_date=today, death_cause="infection"),
        )
    _agrees(client, people)

    # An archived case at A: one case fewer.
    with committed():
        case_archive(user=people.entry_a, case=child, reason="Registered twice")
    _agrees(client, people)

    # Findings written by a case check, then by the sweep, each after a change that sends no signal (a bulk
    # write): a child last seen two years ago is overdue (DQ-FU-001 opens), then seen again.
    long_ago = today - timedelta(days=730)
    seen = m.Case.objects.filter(
        center=center_a, archived_at__isnull=True, follow_ups__contact_date__gte=today - timedelta(days=300)
    )
    quiet = seen.exclude(events__kind="death").first()
    m.FollowUp.objects.filter(case=quiet).update(contact_date=long_ago)
    with committed():
        case_check(quiet)
    _agrees(client, people)
    m.FollowUp.objects.filter(case=quiet).update(contact_date=today)
    with committed():
        registry_sweep()
    _agrees(client, people)


def test_a_center_user_sees_only_their_centers_figures(client, people, center_a, center_b, committed):
    with committed():
        make_crowded_registry(people, center_a, center_b)
    client.force_login(people.manager)
    client.get(reverse("quality:dashboard"))  # every center counted and kept
    client.force_login(people.entry_a)
    rows = tables(client.get(reverse("quality:dashboard")).content.decode())["By center"][1:]
    assert [row[0] for row in rows] == [center_a.code]
