"""seed_demo: centers, a login for every role, cases that pass the entry rules, and a second run that changes
nothing. The frequency checks run on plans (no database), where a large cohort costs well under a second."""

from __future__ import annotations

import io
import re
from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from registry import models as m
from registry.choices import Role
from registry.demo.catalog import CENTERS, PEOPLE, demo_password
from registry.demo.cohort import plan_case
from registry.management.commands.seed_demo import OTHER_SEED_WARNING, Command
from registry.validation import CaseState, violations

INDUCTION_DAYS = {"INTERFANT-06": 33, "MLL-Baby": 33, "CCCG-ALL-2015": 33, "AML-BFM": 28, "Institutional / other": 33}
PLANNED = 1500


@pytest.fixture(scope="module")
def plans():
    return [plan_case(n, seed=20260101, induction_days=INDUCTION_DAYS) for n in range(1, PLANNED + 1)]


def _seed(**options) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command(Command(), stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def _counts() -> dict[str, int]:
    counts = {
        "centers": m.Center.objects.count(),
        "users": get_user_model().objects.count(),
        "memberships": m.Membership.objects.count(),
    }
    for model in (m.Case, *m.CASE_RECORD_MODELS):
        counts[model.__name__] = model.objects.count()
        counts[f"history {model.__name__}"] = model.history.count()
    return counts


@pytest.mark.django_db
class TestSeedDemo:
    def test_it_creates_the_centers_and_a_login_for_every_role(self):
        _seed(cases=0)

        assert set(m.Center.objects.values_list("code", flat=True)) == {spec.code for spec in CENTERS}
        for spec in CENTERS:
            roles = set(m.Membership.objects.filter(center__code=spec.code).values_list("role", flat=True))
            assert roles == {Role.DATA_ENTRY, Role.CENTER_LEAD}
        registry_wide = dict(m.Membership.objects.filter(center=None).values_list("user__username", "role"))
        assert registry_wide == {"coordinator": Role.COORDINATOR, "datamanager": Role.DATA_MANAGER}
        manager = get_user_model().objects.get(username="datamanager")
        assert manager.is_staff and not manager.has_perm("auth.change_user")  # the admin decides by role
        assert not manager.has_perm("registry.delete_case")
        assert not get_user_model().objects.filter(is_staff=True).exclude(username="datamanager").exists()

    def test_every_case_passes_the_entry_rules_and_was_entered_and_signed_off_by_its_center(self):
        _seed(cases=40)

        cases = list(m.Case.objects.select_related("center", "created_by", "locked_by"))
        assert len(cases) == 40
        assert len({case.center.code for case in cases}) >= 4
        for case in cases:
            assert violations(CaseState.load(case)) == [], case.registry_id
            assert case.created_by.username == f"{case.center.code.lower()}.entry"
            assert case.history.filter(history_user=case.created_by).exists()
        locked = [case for case in cases if case.is_locked]
        assert locked, "some finished cases are signed off"
        assert all(case.locked_by.username == f"{case.center.code.lower()}.lead" for case in locked)
        assert m.Diagnosis.objects.count() == 40
        assert m.CytogeneticFinding.objects.exists() and m.FollowUp.objects.exists()
        assert m.OutcomeEvent.history.exclude(history_user=None).count() == m.OutcomeEvent.objects.count()

    def test_a_second_run_changes_nothing(self):
        _seed(cases=15)
        before = _counts()

        out, _ = _seed(cases=15)

        assert _counts() == before
        assert "0 case(s) created, 15 already present" in out

    def test_a_larger_run_adds_only_the_missing_case_numbers(self):
        _seed(cases=5)
        first = dict(m.Case.objects.values_list("registry_id", "hospital_number_hash"))

        _seed(cases=8)

        after = dict(m.Case.objects.values_list("registry_id", "hospital_number_hash"))
        assert sorted(after) == [f"ILR-D{n:05d}" for n in range(1, 9)]
        assert {key: after[key] for key in first} == first

    def test_another_seed_keeps_the_existing_cases_and_says_so(self):
        _seed(cases=3)
        before = _counts()

        _, err = _seed(cases=3, seed=7)

        assert _counts() == before
        assert OTHER_SEED_WARNING.format(n=3) in err

    def test_the_printed_passwords_log_in(self, client):
        out, _ = _seed(cases=0)

        table = {
            match[1]: match[2] for match in re.finditer(r"^(\S+)\s{2}.*\s{2}(demo-\S+)\s*$", out, flags=re.MULTILINE)
        }
        assert set(table) == {spec.username for spec in PEOPLE}
        for username, password in table.items():
            assert password == demo_password(username)
            assert client.login(username=username, password=password), username
            client.logout()

    def test_the_data_manager_reaches_the_admin(self, client):
        _seed(cases=0)
        client.login(username="datamanager", password=demo_password("datamanager"))

        assert client.get("/admin/").status_code == 200
        assert client.get("/admin/registry/gene/").status_code == 200
        assert client.get("/admin/auth/user/").status_code == 403
        manager = get_user_model().objects.get(username="datamanager")
        assert not manager.user_permissions.exists() and not manager.is_superuser

    def test_quiet_prints_only_the_logins(self):
        out, _ = _seed(cases=2, quiet=True)

        assert "cases created" not in out and "center  city" not in out
        assert "datamanager" in out

    def test_the_summary_counts_cases_by_center_and_lineage(self):
        out, _ = _seed(cases=12)

        total_row = next(line for line in out.splitlines() if line.startswith("all "))
        assert total_row.split()[-1] == "12"
        for spec in CENTERS:
            assert re.search(rf"^{spec.code}\s+{spec.city}", out, flags=re.MULTILINE)


class TestPlannedCohort:
    """The cohort's frequencies, read from plans: fast, and the same plans the command enters."""

    N = PLANNED

    def test_plans_are_reproducible_per_case_number(self):
        one = plan_case(17, seed=3, induction_days=INDUCTION_DAYS)
        again = plan_case(17, seed=3, induction_days=INDUCTION_DAYS)
        other = plan_case(17, seed=4, induction_days=INDUCTION_DAYS)

        assert one == again
        assert one.hospital_number != other.hospital_number

    def test_lineage_and_age_mix_follow_the_seeds(self, plans):
        lineage = Counter(plan.lineage for plan in plans)
        ages = Counter(tag for plan in plans for tag in plan.tags if tag.startswith("age:"))

        assert 0.65 <= lineage["ALL"] / self.N <= 0.75
        assert 0.20 <= lineage["AML"] / self.N <= 0.30
        assert 0.02 <= (lineage["MPAL"] + lineage["unspecified"]) / self.N <= 0.08
        assert 0.11 <= ages["age:cal"] / self.N <= 0.19

    def test_kmt2a_rearrangements_and_partners_follow_the_seeds(self, plans):
        infant_all = [plan for plan in plans if plan.lineage == "ALL"]
        kmt2a = [plan for plan in infant_all if "kmt2a" in plan.tags]
        partners = Counter(tag for plan in kmt2a for tag in plan.tags if tag.startswith("partner:"))

        assert 0.50 <= len(kmt2a) / len(infant_all) <= 0.72
        order = [partners[f"partner:{gene}"] for gene in ("AFF1", "MLLT1", "MLLT3", "MLLT10")]
        assert order == sorted(order, reverse=True)
        aml_only = {"t8_21", "inv16", "t15_17"}
        assert not any(aml_only & plan.tags for plan in plans if plan.lineage != "AML")

    def test_outcome_rates_follow_the_seeds(self, plans):
        def share(tag, among):
            return sum(tag in plan.tags for plan in among) / len(among)

        treated = [plan for plan in plans if any(kind == "treatment" for kind, _ in plan.course)]
        all_treated = [plan for plan in treated if plan.lineage == "ALL"]
        aml_treated = [plan for plan in treated if plan.lineage == "AML"]
        kmt2a_all = [plan for plan in all_treated if "kmt2a" in plan.tags]
        germline_all = [plan for plan in all_treated if "kmt2a" not in plan.tags]

        assert 0.03 <= share("induction_death", treated) <= 0.08
        assert 0.80 <= share("cr", all_treated) <= 0.92
        assert 0.62 <= share("cr", aml_treated) <= 0.80
        assert share("relapse", kmt2a_all) > 1.5 * share("relapse", germline_all)
        assert 0.35 <= share("toxicity", treated) <= 0.55
        assert 0.03 <= share("excluded", plans) <= 0.08

    def test_some_cases_need_attention(self, plans):
        assert sum("no_findings" in plan.tags for plan in plans) > 0.02 * self.N
        assert sum("follow_up:overdue" in plan.tags for plan in plans) > 0.03 * self.N
        assert {reason for plan in plans for reason in plan.tags if reason.startswith("excluded:")} == {
            "excluded:ds_tam",
            "excluded:chemo_refused",
            "excluded:induction_not_completed",
            "excluded:no_cytogenetics",
            "excluded:other_malignancy",
            "excluded:secondary",
        }
