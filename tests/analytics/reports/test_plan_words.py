"""The plan sections of a run report in the reader's words: variables by the data dictionary's label, codes by
their labels, the plans' sentences in the run's language (issue 12)."""

from __future__ import annotations

import pytest
from django.utils import translation

from analytics.plans.execute import execute_plan
from analytics.plans.spec import Analysis, Condition, Group, Outcome, PlanSpec, Variable
from analytics.reports.sections.plans import plan_sections
from analytics.runs.options import RunFilters
from analytics.studies.i18n import VariableWords
from tests.analytics.plans.helpers import synthetic_dataset

pytestmark = pytest.mark.django_db

RISK = Variable.of("risk_class")


def _sections():
    spec = PlanSpec(
        name="Risk in infants",
        filters=RunFilters(apply_exclusions=True),
        conditions=(Condition(RISK, "in", ("unfavorable", "intermediate")),),
        analyses=(
            Analysis(
                "os", "OS by risk", Outcome("os"), "km", exposure=RISK,
                groups=(Group("favorable", ("favorable",)), Group("unfavorable", ("unfavorable",))),
            ),
        ),
    )  # fmt: skip
    result = execute_plan(spec, synthetic_dataset(120, n_centers=3, seed=5), plan_meta={"id": 4, "version": 1})
    return plan_sections([result], 9)


def _texts(sections) -> str:
    out = []
    for section in sections:
        for table in section.tables:
            out += [table.title, *map(str, table.notes)]
            out += [str(cell) for row in table.rows for cell in row]
    return "\n".join(out)


def _labels():
    words = VariableWords()
    return words.label("risk_class"), words.value("risk_class", "favorable"), words.value("risk_class", "unfavorable")


def test_an_english_report_shows_the_plan_by_labels_not_codes():
    with translation.override("en"):
        text = _texts(_sections())
        risk, favorable, unfavorable = _labels()
    assert "risk_class" not in text
    assert f"Removed: {risk} is one of: {unfavorable}" in text
    assert f"group '{favorable}' of {risk}: no case in the analysis" in text
    assert "Not run:" in text and f"{risk}: fewer than two groups have cases (1)" in text
    assert "All centers; all lineages" in text and "exclusions applied;" not in text


def test_a_russian_report_shows_the_plan_in_russian_with_labels():
    with translation.override("ru"):
        text = _texts(_sections())
        risk, favorable, _unfavorable = _labels()
    assert "risk_class" not in text and "'favorable'" not in text
    for english in (
        "Removed:",
        "no case in the analysis",
        "fewer than two groups",
        "Not run",
        "all lineages",
        "exposure in",
    ):
        assert english not in text
    assert risk in text and favorable in text


def test_a_group_named_by_its_code_shows_the_codes_label_in_the_report():
    spec = PlanSpec(
        name="Risk",
        analyses=(
            Analysis(
                "os", "OS by risk", Outcome("os"), "km", exposure=RISK,
                groups=(Group("favorable", ("favorable",)), Group("unfavorable", ("unfavorable",))),
            ),
        ),
    )  # fmt: skip
    result = execute_plan(spec, synthetic_dataset(200, n_centers=3, seed=7), plan_meta={"id": 5, "version": 1})
    with translation.override("ru"):
        sections = plan_sections([result], 9)
        _risk, favorable, unfavorable = _labels()
    groups = next(t for t in sections[0].tables if t.key.endswith("_groups"))
    assert [row[0] for row in groups.rows] == [favorable, unfavorable]
    figure = next(f for f in sections[0].figures if f.kind == "km")
    assert [c["label"] for c in figure.data["curves"]] == [favorable, unfavorable]
    assert favorable != "favorable"
