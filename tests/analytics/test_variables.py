"""analytics.variables: every dataset column has a labelled variable, and its codes cover what the data holds."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest
from django.core.management import call_command

from analytics import derive as d
from analytics.dataset import build_dataset
from analytics.schema import ADVERSE_EVENT_COLUMNS, ASSESSMENT_COLUMNS, CASE_COLUMNS, FINDING_COLUMNS
from analytics.variables import NO_LABEL, _labelled, dataset_variables, variables_by_table
from registry.access import cases_for_system
from registry.choices import Lineage, Marrow, PCRResult, Sex
from registry.derivation import risk_ruleset
from registry.dictionary import DERIVED, ENTERED
from registry.models import AdverseEventType

pytestmark = pytest.mark.django_db

TABLE_COLUMNS = {
    "cases": CASE_COLUMNS,
    "findings": FINDING_COLUMNS,
    "adverse_events": ADVERSE_EVENT_COLUMNS,
    "assessments": ASSESSMENT_COLUMNS,
}


def test_every_dataset_column_has_a_labelled_variable_in_schema_order():
    variables = dataset_variables()
    assert [(v.table, v.name) for v in variables] == [
        (table, name) for table, columns in TABLE_COLUMNS.items() for name in columns
    ]
    assert all(v.label.strip() for v in variables)
    assert all(v.derived_from for v in variables if v.source == DERIVED)


def test_entered_columns_take_the_registry_choices():
    cases = variables_by_table()["cases"]
    assert cases["sex"].codes == tuple((str(c), str(t)) for c, t in Sex.choices)
    assert cases["lineage"].code_map["MPAL"] == Lineage.MPAL.label
    assert cases["sex"].source == ENTERED and cases["age_class"].source == DERIVED
    assert cases["lab_wbc_baseline"].unit == "x10^9/L" and "at diagnosis" in cases["lab_wbc_baseline"].label


def test_vocabulary_columns_read_the_table_now():
    AdverseEventType.objects.create(code="new_ae", label="A new adverse event", active=False)
    event_type = variables_by_table()["adverse_events"]["event_type"]
    assert event_type.code_map["new_ae"] == "A new adverse event"
    assert "new_ae" in event_type.retired


def test_a_derived_code_without_a_label_is_refused():
    with pytest.raises(ValueError) as error:
        _labelled("x", ("a", "b"), {"a": "A"})
    assert str(error.value) == NO_LABEL.format(codes=["b"], name="x")


def _present(values: pd.Series) -> set[str]:
    return {
        str(int(v)) if isinstance(v, float) and v.is_integer() else str(v) for v in values if pd.notna(v) and v != ""
    }


def test_codes_cover_every_value_of_the_demo_dataset():
    call_command("seed_demo", cases=60, quiet=True, stdout=io.StringIO())
    dataset = build_dataset(
        cases_for_system(), rules=risk_ruleset(), settings=d.EndpointSettings(), data_cut=date(2026, 1, 1)
    )
    frames = {name: dataset.table(name) for name in TABLE_COLUMNS}
    assert len(dataset.assessments) > 0
    checked = 0
    for table, variables in variables_by_table().items():
        for name, variable in variables.items():
            if not variable.codes or name == "kmt2a_partner":  # a gene symbol or one of the codes
                continue
            missing = _present(frames[table][name]) - set(variable.code_map)
            assert not missing, f"{table}.{name}: {missing}"
            checked += 1
    assert checked > 20


def test_the_event_times_and_the_assessments_are_described_with_units_and_codes():
    tables = variables_by_table()
    for kind in ("relapse", "death", "second_malignancy", "induction_failure", "hsct"):
        days, reason = tables["cases"][f"{kind}_days"], tables["cases"][f"{kind}_days_reason"]
        assert (days.kind, days.unit, days.source) == ("integer", "days", DERIVED), kind
        assert "from the diagnosis date" in days.derived_from and reason.label.startswith("Reason: ")
    assessments = tables["assessments"]
    assert assessments["days"].unit == "days" and assessments["days"].source == DERIVED
    assert assessments["mrd_pcr"].codes == tuple((str(c), str(t)) for c, t in PCRResult.choices)
    assert assessments["marrow"].codes == tuple((str(c), str(t)) for c, t in Marrow.choices)
    assert assessments["mrd_flow_pct"].unit and assessments["day"].source == ENTERED
