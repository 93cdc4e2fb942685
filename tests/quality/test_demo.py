"""The demo's planted problems: each shows as an open finding of the rule it was planted for; a rerun changes
nothing; writes past the entry rules are audited with their reason."""

from unittest.mock import Mock

import pytest

from quality.demo import LEGACY, PLANTS, _case_of, plant_problems
from quality.management.commands.seed_quality_demo import Command
from quality.models import Finding, Query
from registry import models as m
from registry.management.commands.seed_demo import Command as SeedDemo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    SeedDemo(stdout=Mock(), stderr=Mock()).handle(cases=60, quiet=True)


def test_every_planted_problem_is_found_and_a_rerun_plants_nothing(demo):
    planted, queries = plant_problems()
    assert {row.key for row in planted} == {key for key, *_ in PLANTS}
    for key, rules, _how, _make in PLANTS:
        open_rules = set(
            Finding.objects.filter(case_id=_case_of(key), resolved_at__isnull=True).values_list("rule_id", flat=True)
        )
        assert {rule.strip() for rule in rules.split(",")} <= open_rules, key
    assert queries == 4 and set(Query.objects.values_list("status", flat=True)) == {"open", "answered", "closed"}

    counts = (m.Case.objects.count(), m.LabPanel.history.count(), Query.objects.count())
    again, queries_again = plant_problems()
    assert [row.registry_id for row in again] == [row.registry_id for row in planted]
    assert queries_again == 0
    assert (m.Case.objects.count(), m.LabPanel.history.count(), Query.objects.count()) == counts

    # A write past the entry rules is audited like any other, with the reason saying what it simulates.
    row = m.LabPanel.history.filter(history_change_reason__contains=LEGACY).get()
    assert row.history_user.username.endswith(".entry") and row.wbc > 2000


def test_the_command_gives_demo_logins_an_address_for_the_notifications(demo):
    Command(stdout=Mock()).handle()
    assert not m.Membership.objects.filter(user__email="").exists()


def test_the_command_refuses_an_empty_registry(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        Command(stdout=Mock()).handle()
