"""The plan pages as a coordinator uses them: write, edit, register, archive, read the history; every bad input
re-renders the form with the error where it belongs, and nothing is saved."""

from __future__ import annotations

from dataclasses import replace

import pytest
from django.urls import reverse

from analytics.plans.spec import Claim, Condition, Group, Outcome, Variable
from analytics.studies.models import AnalysisPlan, PlanVersion
from analytics.studies.services import plan_create, plan_register, plan_update

pytestmark = pytest.mark.django_db

ANALYSIS = {
    "key": "efs-risk",
    "title": "EFS by risk class",
    "outcome": "efs",
    "min_grade": "",
    "binary_variable": "",
    "method": "km",
    "exposure": "risk_class",
    "groups": "favorable vs unfavorable",
    "covariates": "",
    "times": "730, 1825",
    "landmark_days": "",
    "test": "auto",
    "ci_method": "wilson",
}
EMPTY = {"outcome": "efs", "method": "km", "times": "730, 1825", "test": "auto", "ci_method": "wilson"}


def _post(analyses=(ANALYSIS,), n_initial=0, extra_empty=1, **plan_fields) -> dict:
    data = {
        "name": "KMT2A-r infants",
        "question": "Does the risk class predict EFS?",
        "lineages": ["ALL"],
        "apply_exclusions": "on",
        "conditions": "kmt2a_status in rearranged\nage_days < 365",
        "note": "",
        "add_analyses": "1",
        "save": "Save",
    }
    data.update(plan_fields)
    forms = [*analyses, *([EMPTY] * extra_empty)]
    data["analyses-TOTAL_FORMS"] = str(len(forms))
    data["analyses-INITIAL_FORMS"] = str(n_initial)
    data["analyses-MIN_NUM_FORMS"] = "0"
    data["analyses-MAX_NUM_FORMS"] = "30"
    for i, form in enumerate(forms):
        for key, value in form.items():
            data[f"analyses-{i}-{key}"] = value
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def coordinator(client, people):
    client.force_login(people.coordinator)
    return client


def test_the_new_plan_page_offers_the_filters_conditions_and_empty_analysis_forms(coordinator):
    body = coordinator.get(reverse("studies:plan_new")).content.decode()
    for name in ("name", "question", "centers", "lineages", "protocols", "year_from", "cal_only", "conditions"):
        assert f'name="{name}"' in body, name
    assert 'name="analyses-0-key"' in body and 'name="analyses-1-key"' in body
    assert 'name="analyses-0-events"' in body and 'name="analyses-0-covariates"' in body
    assert "<script" not in body


def test_a_coordinator_writes_a_plan_from_the_form(coordinator, people):
    response = coordinator.post(reverse("studies:plan_new"), _post())
    plan = AnalysisPlan.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("studies:plan_detail", args=[plan.pk])
    spec = plan.latest_version().spec_obj()
    assert spec.name == "KMT2A-r infants" and spec.filters.lineages == ("ALL",)
    assert spec.conditions == (
        Condition(Variable.of("kmt2a_status"), "in", ("rearranged",)),
        Condition(Variable.of("age_days"), "lt", 365),
    )
    (analysis,) = spec.analyses  # the untouched empty form is ignored
    assert analysis.exposure == Variable.of("risk_class") and analysis.times == (730.0, 1825.0)
    assert analysis.groups == (Group("favorable", ("favorable",)), Group("unfavorable", ("unfavorable",)))
    assert plan.created_by == people.coordinator
    page = coordinator.get(response["Location"]).content.decode()
    assert "draft" in page and "KMT2A status is one of: KMT2A rearranged" in page and "Favorable; Unfavorable" in page


def test_every_kind_of_analysis_is_written_from_the_form(coordinator):
    analyses = [
        {**ANALYSIS, "key": "tox", "outcome": "toxicity", "min_grade": "3", "method": "proportions",
         "exposure": "sex", "groups": "", "test": "fisher", "ci_method": "clopper_pearson", "pool_centers": "on"},
        {**ANALYSIS, "key": "comp", "outcome": "composite", "events": ["relapse", "death"], "method": "km"},
        {**ANALYSIS, "key": "bin", "outcome": "binary", "binary_variable": "lab_wbc_baseline >= 300",
         "method": "proportions", "exposure": "age_lt_6m", "groups": "true vs false"},
        {**ANALYSIS, "key": "cox", "method": "cox", "exposure": "mrd_positive(method=flow, day_from=40, day_to=50)",
         "groups": "", "covariates": "age_lt_6m\nlab_wbc_baseline >= 300", "stratify_center": "on"},
        {**ANALYSIS, "key": "cir", "outcome": "relapse", "method": "cif", "exposure": "hsct", "groups": "",
         "landmark_days": "120", "times": "365"},
    ]  # fmt: skip
    response = coordinator.post(reverse("studies:plan_new"), _post(analyses))
    assert response.status_code == 302, response.content.decode()[:3000]
    spec = AnalysisPlan.objects.get().latest_version().spec_obj()
    tox, comp, binary, cox, cir = spec.analyses
    assert (tox.outcome, tox.test, tox.ci_method, tox.pool_centers) == (
        Outcome("toxicity", min_grade=3),
        "fisher",
        "clopper_pearson",
        True,
    )
    assert comp.outcome == Outcome("composite", events=("relapse", "death"))
    assert binary.outcome.variable == Variable.of("lab_wbc_baseline", cutoff=300.0)
    assert binary.groups == (Group("true", (True,)), Group("false", (False,)))
    assert cox.covariates == (Variable.of("age_lt_6m"), Variable.of("lab_wbc_baseline", cutoff=300.0))
    assert cox.stratify_center and cox.exposure.param("method") == "flow"
    assert (cir.landmark_days, cir.times) == (120, (365.0,))


def _errors_shown(response) -> str:
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"name": ""}, "This field is required."),
        ({"conditions": "kmt2a_stats in rearranged"}, "Line 1: Unknown variable &#x27;kmt2a_stats&#x27;. Did you mean"),
        ({"conditions": "age_days < young"}, "The comparison &lt; needs a number"),
        ({"year_from": "2020", "year_to": "2019"}, "The first diagnosis year must not be after the last."),
        ({"year_from": "1800"}, "greater than or equal to 1950"),
        ({"lineages": ["XYZ"]}, "Select a valid choice."),
    ],
)
def test_a_bad_plan_field_re_renders_the_form_with_its_error_and_saves_nothing(coordinator, change, expected):
    body = _errors_shown(coordinator.post(reverse("studies:plan_new"), _post(**change)))
    assert expected in body
    assert not AnalysisPlan.objects.exists() and not PlanVersion.objects.exists()


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        ({"key": ""}, "This field is required."),
        ({"key": "EFS risk"}, "Enter a valid “slug”"),
        ({"outcome": "nonsense"}, "Select a valid choice."),
        ({"outcome": "toxicity", "method": "proportions"}, "A toxicity outcome needs its minimum grade."),
        ({"min_grade": "3"}, "A minimum grade applies only to a toxicity outcome."),
        ({"min_grade": "7", "outcome": "toxicity"}, "less than or equal to 5"),
        ({"outcome": "composite"}, "Tick the events of the composite outcome."),
        ({"events": ["relapse"]}, "Events apply only to a composite outcome."),
        ({"events": ["nonsense"], "outcome": "composite"}, "Select a valid choice."),
        ({"outcome": "binary", "method": "proportions"}, "A yes/no outcome needs the variable it reads"),
        ({"binary_variable": "hsct"}, "An outcome variable applies only to a yes/no outcome."),
        ({"outcome": "binary", "binary_variable": "hsctt", "method": "proportions"}, "Did you mean &#x27;hsct&#x27;?"),
        ({"exposure": "risk_clas"}, "Unknown variable &#x27;risk_clas&#x27;. Did you mean &#x27;risk_class&#x27;?"),
        ({"groups": "a: x\nb:"}, "Line 2: Group &#x27;b&#x27; names no level."),
        ({"covariates": "age_lt_6m\nsexe"}, "Line 2: Unknown variable &#x27;sexe&#x27;."),
        ({"times": "two years"}, "Times are days after diagnosis, separated by commas"),
        ({"landmark_days": "0"}, "greater than or equal to 1"),
        ({"method": "nonsense"}, "Select a valid choice."),
        ({"test": "nonsense"}, "Select a valid choice."),
        ({"ci_method": "nonsense"}, "Select a valid choice."),
        # The spec's own checks, run by the service, keyed to the analysis they are about.
        ({"method": "cif"}, "The method cif cannot analyse the outcome efs"),
        ({"method": "km", "pool_centers": "on"}, "Pooling of per-center estimates applies to proportions"),
        ({"groups": "a: x\nb: x"}, "Level &#x27;x&#x27; is in more than one group."),
        ({"times": "0"}, "Estimate times are days after diagnosis"),
        ({"method": "proportions", "outcome": "cr", "landmark_days": "30"}, "A landmark applies to time-to-event"),
        ({"exposure": "toxicity(min_grade=9)"}, "A toxicity needs a minimum grade from 1 to 5."),
        ({"exposure": "mrd_positive(method=fish)"}, "MRD is read by flow or by PCR"),
    ],
)
def test_a_bad_analysis_re_renders_the_form_with_its_error_and_saves_nothing(coordinator, change, expected):
    body = _errors_shown(coordinator.post(reverse("studies:plan_new"), _post([{**ANALYSIS, **change}])))
    assert expected in body, body[body.find("errorlist") - 200 : body.find("errorlist") + 600]
    assert not AnalysisPlan.objects.exists() and not PlanVersion.objects.exists()


def test_errors_of_the_spec_checks_are_shown_on_the_analysis_they_belong_to(coordinator):
    good, bad = {**ANALYSIS, "key": "good"}, {**ANALYSIS, "key": "bad", "method": "cif"}
    body = _errors_shown(coordinator.post(reverse("studies:plan_new"), _post([good, bad])))
    first, second = body.index('id="analysis-1"'), body.index('id="analysis-2"')
    error = body.index("The method cif cannot analyse")
    assert error > second > first
    assert body.count("errorlist") == 1


def test_two_analyses_with_one_key_are_both_marked(coordinator):
    body = _errors_shown(coordinator.post(reverse("studies:plan_new"), _post([ANALYSIS, ANALYSIS])))
    assert "Two analyses have the key &#x27;efs-risk&#x27;." in body
    assert not AnalysisPlan.objects.exists()


def test_a_plan_with_no_analysis_is_refused(coordinator):
    body = _errors_shown(coordinator.post(reverse("studies:plan_new"), _post([], extra_empty=2)))
    assert "Analyses: A plan needs at least one analysis." in body
    assert not AnalysisPlan.objects.exists()


def test_adding_analysis_forms_keeps_what_was_typed_and_saves_nothing(coordinator):
    data = _post(**{"add_analyses": "3", "more": "Add", "name": "Typed <name>"})
    del data["save"]
    body = _errors_shown(coordinator.post(reverse("studies:plan_new"), data))
    assert 'name="analyses-4-key"' in body and 'name="analyses-5-key"' not in body
    assert 'value="Typed &lt;name&gt;"' in body and 'value="efs-risk"' in body
    assert not AnalysisPlan.objects.exists()
    # The added forms are untouched: saving what the page shows saves the one analysis.
    data = _post(extra_empty=4)
    assert coordinator.post(reverse("studies:plan_new"), data).status_code == 302
    assert len(AnalysisPlan.objects.get().latest_version().spec_obj().analyses) == 1


def _edit_data(plan, version, analyses=None, **plan_fields):
    analyses = analyses if analyses is not None else [ANALYSIS]
    return _post(analyses, n_initial=len(version.spec_obj().analyses), revision=str(plan.revision), **plan_fields)


def test_the_edit_form_is_filled_from_the_saved_spec(coordinator, people, spec):
    spec = replace(
        spec,
        conditions=(*spec.conditions, Condition(Variable.of("lab_wbc_baseline", cutoff=300.0), "is_true")),
    )
    plan = plan_create(user=people.coordinator, spec=spec).plan
    body = coordinator.get(reverse("studies:plan_edit", args=[plan.pk])).content.decode()
    assert "kmt2a_status in rearranged\nage_days &lt; 365\nlab_wbc_baseline &gt;= 300 is true</textarea>" in body
    assert 'value="efs-risk"' in body and "favorable vs unfavorable</textarea>" in body
    assert 'value="730, 1825"' in body and f'name="revision" value="{plan.revision}"' in body


def test_saving_the_edit_form_unchanged_saves_nothing(coordinator, people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    plan = version.plan
    body = coordinator.get(reverse("studies:plan_edit", args=[plan.pk])).content.decode()
    assert "efs-risk" in body
    data = _edit_data(plan, version, name=spec.name, question=spec.question)
    response = coordinator.post(reverse("studies:plan_edit", args=[plan.pk]), data, follow=True)
    assert "Nothing changed" in response.content.decode()
    version.refresh_from_db()
    assert version.spec == spec.as_dict() and version.history.count() == 1


def test_an_edit_of_a_draft_changes_it_and_after_registration_makes_version_2(coordinator, people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    plan = version.plan
    data = _edit_data(plan, version, name="Renamed", note="new name")
    response = coordinator.post(reverse("studies:plan_edit", args=[plan.pk]), data, follow=True)
    assert "Version 1 saved (a draft)." in response.content.decode()
    plan.refresh_from_db()
    assert plan.versions.count() == 1 and plan.name == "Renamed"
    plan_register(user=people.manager, version=plan.latest_version())
    plan.refresh_from_db()
    body = coordinator.get(reverse("studies:plan_edit", args=[plan.pk])).content.decode()
    assert "saving makes version 2" in body
    data = _edit_data(plan, version, name="Renamed again")
    response = coordinator.post(reverse("studies:plan_edit", args=[plan.pk]), data, follow=True)
    assert "Version 2 saved as a draft; the registered version 1 stays as it was." in response.content.decode()
    assert [v.spec["name"] for v in plan.versions.order_by("number")] == ["Renamed", "Renamed again"]


def test_a_stale_edit_re_renders_naming_who_changed_the_plan(coordinator, people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    plan = version.plan
    data = _edit_data(plan, version, name="Mine")
    plan_update(user=people.manager, plan=plan, spec=replace(spec, name="Theirs"), expected_version=plan.revision)
    body = _errors_shown(coordinator.post(reverse("studies:plan_edit", args=[plan.pk]), data))
    assert "manager changed this plan at" in body and "Nothing was saved" in body
    assert plan.latest_version().spec["name"] == "Theirs"


def test_removing_an_analysis_and_keeping_a_published_claim(coordinator, people, spec):
    claim = Claim(source="000_743ea5dade156a28.txt", quote="OR 7.20", values=(("estimate", 7.2),))
    second = replace(spec.analyses[0], key="second", claim=claim)
    version = plan_create(user=people.coordinator, spec=replace(spec, analyses=(spec.analyses[0], second)))
    plan = version.plan
    data = _edit_data(plan, version, [{**ANALYSIS, "DELETE": "on"}, {**ANALYSIS, "key": "second"}])
    assert coordinator.post(reverse("studies:plan_edit", args=[plan.pk]), data).status_code == 302
    (kept,) = plan.latest_version().spec_obj().analyses
    assert kept.key == "second" and kept.claim == claim


def test_register_asks_for_confirmation_then_freezes_the_version(coordinator, people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    plan = version.plan
    url = reverse("studies:plan_register", args=[plan.pk])
    page = coordinator.get(url).content.decode()
    assert "Registering freezes this version" in page and 'name="number" value="1"' in page
    version.refresh_from_db()
    assert not version.is_registered
    response = coordinator.post(url, {"number": "1", "revision": str(plan.revision)}, follow=True)
    assert "registered" in response.content.decode()
    version.refresh_from_db()
    assert version.is_registered and version.registered_by == people.coordinator
    detail = coordinator.get(reverse("studies:plan_detail", args=[plan.pk])).content.decode()
    assert reverse("studies:plan_register", args=[plan.pk]) not in detail  # no Register button any more


def test_register_from_a_stale_confirmation_page_is_refused(coordinator, people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    plan = version.plan
    opened = plan.revision
    plan_update(user=people.manager, plan=plan, spec=replace(spec, name="changed"), expected_version=opened)
    response = coordinator.post(
        reverse("studies:plan_register", args=[plan.pk]), {"number": "1", "revision": str(opened)}, follow=True
    )
    assert "manager changed this plan" in response.content.decode()
    version.refresh_from_db()
    assert not version.is_registered


def test_archive_asks_for_confirmation_and_the_plan_leaves_the_list(coordinator, people, spec):
    plan = plan_create(user=people.coordinator, spec=spec).plan
    url = reverse("studies:plan_archive", args=[plan.pk])
    assert "Nothing is deleted" in coordinator.get(url).content.decode()
    plan.refresh_from_db()
    assert not plan.is_archived
    coordinator.post(url, {"revision": str(plan.revision)})
    plan.refresh_from_db()
    assert plan.is_archived and plan.archived_by == people.coordinator
    listed = coordinator.get(reverse("studies:plan_list")).content.decode()
    assert reverse("studies:plan_detail", args=[plan.pk]) not in listed
    listed = coordinator.get(reverse("studies:plan_list") + "?archived=1").content.decode()
    assert reverse("studies:plan_detail", args=[plan.pk]) in listed
    response = coordinator.get(reverse("studies:plan_edit", args=[plan.pk]), follow=True)
    assert "archived: it can be read, not changed" in response.content.decode()


def test_the_list_shows_the_latest_version_its_state_and_who(coordinator, people, spec):
    first = plan_create(user=people.coordinator, spec=spec)
    plan_register(user=people.manager, version=first)
    plan_create(user=people.manager, spec=replace(spec, name="Second plan"))
    body = coordinator.get(reverse("studies:plan_list")).content.decode()
    assert "KMT2A-r infants" in body and "Second plan" in body
    assert body.count("registered</span>") == 1 and body.count("draft</span>") == 1
    assert "manager" in body


def test_the_history_names_who_did_what_and_what_changed(coordinator, people, spec):
    version = plan_create(user=people.coordinator, spec=spec)
    plan = version.plan
    plan_update(
        user=people.manager,
        plan=plan,
        spec=replace(spec, name="Renamed", analyses=(replace(spec.analyses[0], method="cox"),)),
        expected_version=plan.revision,
    )
    plan_register(user=people.coordinator, version=plan.latest_version())
    body = coordinator.get(reverse("studies:plan_history", args=[plan.pk])).content.decode()
    assert "Plan created" in body and "Version 1 drafted" in body
    assert "Version 1 edited" in body and "Version 1 registered" in body
    assert "Name: KMT2A-r infants → Renamed" in body
    assert (
        "Analysis “EFS by risk class”, method: Kaplan-Meier estimates with the log-rank test → Cox proportional "
        "hazards model"
    ) in body
    rows = body.split("<tr>")
    edited = next(r for r in rows if "Version 1 edited" in r)
    assert "<td>manager</td>" in edited


def test_a_version_page_shows_the_frozen_spec(coordinator, people, spec):
    version = plan_register(user=people.coordinator, version=plan_create(user=people.coordinator, spec=spec))
    plan = version.plan
    plan_update(user=people.coordinator, plan=plan, spec=replace(spec, name="v2"), expected_version=plan.revision)
    body = coordinator.get(reverse("studies:version_detail", args=[plan.pk, 1])).content.decode()
    assert "This version is frozen" in body and "KMT2A-r infants" in body and "The latest version is" in body


HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_html_in_names_questions_notes_and_labels_is_shown_as_text(coordinator, people, spec):
    hostile = replace(
        spec,
        name=HOSTILE,
        question=HOSTILE,
        analyses=(
            replace(
                spec.analyses[0],
                title=HOSTILE,
                groups=(Group(HOSTILE.replace(":", ""), ("favorable",)), Group("b", ("unfavorable",))),
            ),
        ),
    )
    version = plan_create(user=people.coordinator, spec=hostile, note=HOSTILE)
    plan = version.plan
    plan_update(
        user=people.coordinator,
        plan=plan,
        spec=replace(hostile, question="q"),
        expected_version=plan.revision,
        note=HOSTILE,
    )
    for url in (
        reverse("studies:plan_list"),
        reverse("studies:plan_detail", args=[plan.pk]),
        reverse("studies:plan_edit", args=[plan.pk]),
        reverse("studies:plan_history", args=[plan.pk]),
        reverse("studies:version_detail", args=[plan.pk, 1]),
        reverse("studies:plan_register", args=[plan.pk]),
        reverse("studies:plan_archive", args=[plan.pk]),
    ):
        body = coordinator.get(url).content.decode()
        assert "<script>alert" not in body and "<img src=x" not in body, url
        assert "&lt;script&gt;" in body, url


def test_hostile_text_typed_into_the_form_is_escaped_when_the_form_comes_back(coordinator):
    body = _errors_shown(
        coordinator.post(reverse("studies:plan_new"), _post([{**ANALYSIS, "exposure": HOSTILE}], question=HOSTILE))
    )
    assert "<script>alert" not in body and "<img src=x" not in body
    assert not AnalysisPlan.objects.exists()


def test_the_list_costs_the_same_queries_for_one_plan_or_many(coordinator, people, spec):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan_create(user=people.coordinator, spec=spec)
    with CaptureQueriesContext(connection) as one:
        assert coordinator.get(reverse("studies:plan_list")).status_code == 200
    for i in range(4):
        version = plan_create(user=people.manager, spec=replace(spec, name=f"Plan {i}"))
        plan_register(user=people.coordinator, version=version)
    with CaptureQueriesContext(connection) as five:
        body = coordinator.get(reverse("studies:plan_list")).content.decode()
    assert body.count("registered</span>") == 4
    assert len(five.captured_queries) == len(one.captured_queries)
