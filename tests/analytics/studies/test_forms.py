"""A saved spec fills the plan form, and the filled form reads back as the same spec."""

from __future__ import annotations

import pytest
from django.http import QueryDict

from analytics.plans.claims import BUILTIN_PLANS, builtin_plan
from analytics.plans.spec import Analysis, Condition, Group, Outcome, PlanSpec, Variable
from analytics.runs.options import RunFilters
from analytics.studies.forms import (
    AnalysisForm,
    AnalysisFormSet,
    PlanForm,
    analysis_initial,
    plan_initial,
    spec_from_forms,
)

pytestmark = pytest.mark.django_db

ANALYSES = (
    Analysis("os", "OS", Outcome("os"), "km", Variable.of("risk_class"), times=(365.0, 730.5)),
    Analysis(
        "tox",
        "Toxicity",
        Outcome("toxicity", min_grade=3),
        "proportions",
        Variable.of("sex"),
        groups=(Group("M", ("M",)), Group("F", ("F",))),
        times=(),
        pool_centers=True,
        test="fisher",
        ci_method="wilson_cc",
    ),
    Analysis("comp", "Relapse or death", Outcome("composite", events=("relapse", "death")), "cox",
             Variable.of("mrd_positive", method="pcr", day_from=28, day_to=40),
             covariates=(Variable.of("age_lt_6m"), Variable.of("lab_wbc_baseline", cutoff=300.0)),
             stratify_center=True, landmark_days=90),
    Analysis("bin", "WBC", Outcome("binary", variable=Variable.of("lab_wbc_baseline", cutoff=300.0)), "proportions",
             Variable.of("kmt2a_partner"), groups=(Group("AFF1", ("AFF1",)), Group("other", ("MLLT3", "MLLT1"))),
             times=()),
    Analysis("cir", "CIR", Outcome("relapse"), "cif", None, times=(1825.0,)),
)  # fmt: skip


def _as_post(prefix: str, initial: dict) -> dict:
    data = {}
    for key, value in initial.items():
        name = f"{prefix}{key}"
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, list):
            data[name] = value
        elif value is not None:
            data[name] = str(value)
    return data


def _query(data: dict) -> QueryDict:
    q = QueryDict(mutable=True)
    for key, value in data.items():
        if isinstance(value, list):
            q.setlist(key, [str(v) for v in value])
        else:
            q[key] = value
    return q


@pytest.mark.parametrize("analysis", ANALYSES, ids=[a.key for a in ANALYSES])
def test_an_analysis_reads_back_from_the_form_it_fills(analysis):
    form = AnalysisForm(_as_post("", analysis_initial(analysis)))
    assert form.is_valid(), form.errors
    assert form.analysis() == analysis


def test_a_whole_plan_reads_back_from_the_forms_it_fills(people, center_a):
    spec = PlanSpec(
        name="Everything",
        question="All of it",
        filters=RunFilters(centers=("AAA",), lineages=("ALL", "AML"), year_from=2018, year_to=2023, cal_only=True),
        conditions=(
            Condition(Variable.of("kmt2a_status"), "in", ("rearranged",)),
            Condition(Variable.of("hsct"), "is_false"),
            Condition(Variable.of("toxicity", min_grade=4), "is_true"),
        ),
        analyses=ANALYSES,
    )
    data = _as_post("", plan_initial(spec, revision=4))
    data.update({"analyses-TOTAL_FORMS": str(len(ANALYSES) + 2), "analyses-INITIAL_FORMS": str(len(ANALYSES))})
    for i, analysis in enumerate(ANALYSES):
        data.update(_as_post(f"analyses-{i}-", analysis_initial(analysis)))
    for i in (len(ANALYSES), len(ANALYSES) + 1):  # two untouched empty forms, as the page posts them
        data.update(_as_post(f"analyses-{i}-", {k: f.initial for k, f in AnalysisForm.base_fields.items()}))
    form = PlanForm(_query(data), user=people.coordinator)
    formset = AnalysisFormSet(_query(data), prefix="analyses")
    assert form.is_valid(), form.errors
    assert formset.is_valid(), formset.errors
    assert spec_from_forms(form, formset) == spec
    assert form.cleaned_data["revision"] == 4


@pytest.mark.parametrize("slug", [slug for slug, _ in BUILTIN_PLANS])
def test_each_seed_claim_plan_can_be_written_in_the_web_form(people, slug):
    """The shipped plans hold nothing the form cannot express: filled into the form and read back, each is the
    same spec (its published claims are kept by analysis key, as the edit page keeps them)."""
    spec = builtin_plan(slug)
    data = _as_post("", plan_initial(spec, revision=1))
    data.update({"analyses-TOTAL_FORMS": str(len(spec.analyses)), "analyses-INITIAL_FORMS": str(len(spec.analyses))})
    for i, analysis in enumerate(spec.analyses):
        data.update(_as_post(f"analyses-{i}-", analysis_initial(analysis)))
    form = PlanForm(_query(data), user=people.coordinator)
    formset = AnalysisFormSet(_query(data), prefix="analyses")
    assert form.is_valid(), form.errors
    assert formset.is_valid(), formset.errors
    claims = {a.key: a.claim for a in spec.analyses if a.claim}
    assert spec_from_forms(form, formset, claims) == spec
