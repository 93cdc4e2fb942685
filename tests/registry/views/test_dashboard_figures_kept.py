"""The dashboard's figures are kept per center (registry.figures) and counted again after every change to a
center's cases: after a new case, a new follow-up, an archived record, an archived case, a lock and an import's
bulk write, every role's dashboard still shows what a count made case by case gives (tests/crowded.py), and says
when it was counted. Figures counted while a change commits are never used."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from registry import models as m
from registry.figures import figures_for
from registry.services.bulk import update_with_history
from registry.services.cases import case_archive, case_lock
from registry.services.records import RecordChange, records_save
from tests.crowded import make_crowded_registry, registry_counts, stats, tables
from tests.factories import make_full_case, save

pytestmark = pytest.mark.django_db

ROLES = ("entry_a", "entry_b", "coordinator", "manager")


def _agrees(client, people) -> None:
    for role in ROLES:
        user = getattr(people, role)
        expected = registry_counts(user)
        client.force_login(user)
        html = client.get(reverse("registry:dashboard")).content.decode()
        headline = stats(html)
        assert headline["cases"] == expected["total"], role
        assert headline["locked (signed off)"] == expected["locked"], role
        assert headline["excluded from analyses"] == expected["excluded"], role
        assert headline["need attention"] == len(expected["attention"]), role
        listed = {row[0] for row in tables(html)["Cases needing attention"][1:] if len(row) > 1}
        assert listed == expected["attention"], role
        by_center = {code: (int(total), int(locked)) for code, total, locked in tables(html)["By center"][1:]}
        assert by_center == expected["by_center"], role
        assert "Counted at" in html, role


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Runs what a change does once it commits (the test's own transaction never commits)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def test_kept_figures_equal_a_fresh_count_after_every_kind_of_change(client, people, center_a, center_b, committed):
    with committed():
        make_crowded_registry(people, center_a, center_b)
    _agrees(client, people)  # counted, then kept
    today = timezone.localdate()

    # A case at A that needs attention for an overdue follow-up only: a contact today takes it off the list.
    with committed():
        overdue = make_full_case(people.entry_a, center_a, birth=date(2019, 3, 1))
    _agrees(client, people)
    assert overdue.registry_id in registry_counts(people.entry_a)["attention"]
    with committed():
        save(people.entry_a, overdue, m.FollowUp(case=overdue, contact_date=today, vital_status="alive"))
    assert overdue.registry_id not in registry_counts(people.entry_a)["attention"]
    _agrees(client, people)

    # That contact archived: overdue again.
    contact = m.FollowUp.objects.get(case=overdue, contact_date=today)
    with committed():
        records_save(
            user=people.entry_a,
            case=overdue,
            changes=[RecordChange(contact, expected_version=contact.version, archive=True)],
        )
    _agrees(client, people)

    # A lock at B, an archived case at A.
    live = m.Case.objects.filter(archived_at__isnull=True, locked_at__isnull=True)
    with committed():
        case_lock(user=people.manager, case=live.filter(center=center_b).first())
    _agrees(client, people)
    with committed():
        case_archive(user=people.entry_a, case=overdue, reason="Registered twice")
    _agrees(client, people)

    # An import's bulk write (no model signals): a case at B excluded.
    case = live.filter(center=center_b, excluded=False).first()
    case.excluded, case.exclusion_reason = True, "secondary"
    with committed():
        update_with_history(
            m.Case, [case], ["excluded", "exclusion_reason"], user=people.entry_b, reason="import", when=timezone.now()
        )
    _agrees(client, people)


def test_figures_counted_before_a_change_committed_are_not_used(people, center_a, committed):
    """A reader that counted while a change was being committed stores its figures under the generation it read
    first; the change moves the generation on, so the next reader counts again."""
    make_full_case(people.entry_a, center_a)
    before = figures_for(people.manager).total
    kept = m.CenterFigures.objects.get(center=center_a)
    with committed():  # the generation moves on
        make_full_case(people.entry_a, center_a, birth=date(2020, 5, 1))
    m.CenterFigures.objects.filter(pk=kept.pk).update(counted_generation=kept.generation)  # a late store
    assert figures_for(people.manager).total == before + 1


def test_figures_are_counted_again_on_another_day(people, center_a):
    make_full_case(people.entry_a, center_a)
    figures_for(people.manager)
    m.CenterFigures.objects.filter(center=center_a).update(counted_on=timezone.localdate() - timedelta(days=1))
    m.Case.objects.filter(center=center_a).update(excluded=True)  # behind the figures' back: only a new day sees it
    assert figures_for(people.manager).excluded == 1
