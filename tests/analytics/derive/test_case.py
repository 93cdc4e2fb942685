import ast
import subprocess
import sys
from datetime import date
from pathlib import Path

import analytics.derive
from analytics.derive import ROW_COLUMNS, SEED000_RULES_V1, EndpointSettings, derive_case

from .builders import DIAGNOSIS, assessment, case, days_after, event

PACKAGE_DIR = Path(analytics.derive.__file__).parent
SCALARS = (type(None), bool, int, float, str, date)


def test_the_row_has_every_documented_column_and_only_scalars():
    row = derive_case(case(), rules=SEED000_RULES_V1).as_row()
    assert tuple(row) == ROW_COLUMNS
    assert all(isinstance(value, SCALARS) for value in row.values())


def test_a_complete_case_derives_every_quantity():
    record = case(
        wbc_baseline=320.0,
        events=(event("relapse", days_after(DIAGNOSIS, 400), "marrow"),),
        last_contact_date=days_after(DIAGNOSIS, 900),
    )
    row = derive_case(record, rules=SEED000_RULES_V1).as_row()
    assert row["age_days"] == 60
    assert (row["age_class"], row["age_lt_6m"]) == ("early_infant", True)
    assert (row["kmt2a_status"], row["kmt2a_partner"]) == ("rearranged", "AFF1")
    assert (row["risk_class"], row["risk_rule_version"]) == ("unfavorable", SEED000_RULES_V1.version)
    assert row["interfant_risk"] == "high"
    assert (row["cr_status"], row["cr"]) == ("CR", True)
    assert (row["os_time"], row["os_event"]) == (900, 0)
    assert (row["efs_time"], row["efs_event"], row["efs_first_event"]) == (400, 1, "relapse")
    assert (row["cir_time"], row["cir_event"], row["cir_status"]) == (400, 1, "included")


def test_the_settings_used_are_printed_in_the_row():
    settings = EndpointSettings(induction_failure_dating="event_date", induction_window_days=10)
    row = derive_case(case(), rules=SEED000_RULES_V1, settings=settings).as_row()
    assert (row["efs_induction_failure_dating"], row["induction_window_days"]) == ("event_date", 10)
    assert derive_case(case(), rules=SEED000_RULES_V1).as_row()["efs_induction_failure_dating"] == "day0"


def test_an_excluded_case_is_flagged_not_dropped():
    row = derive_case(case(excluded=True), rules=SEED000_RULES_V1).as_row()
    assert row["excluded"] is True
    assert row["os_time"] is not None


def test_an_empty_record_is_unknown_everywhere_with_reasons():
    row = derive_case(type(case())(), rules=SEED000_RULES_V1).as_row()
    for prefix in ("age", "kmt2a", "risk", "interfant", "cr", "os", "efs", "cir"):
        assert row[f"{prefix}_reason"], prefix
    assert row["risk_rule_version"] == SEED000_RULES_V1.version


def test_the_failure_of_induction_flows_through_to_efs_and_cir():
    row = derive_case(case(assessments=(assessment(33, "M2"),)), rules=SEED000_RULES_V1).as_row()
    assert (row["cr_status"], row["efs_time"], row["efs_first_event"], row["cir_status"]) == (
        "no_CR",
        0,
        "induction_failure",
        "excluded",
    )


def _imported_top_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text())
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def test_the_package_imports_only_the_standard_library_and_dateutil():
    allowed = set(sys.stdlib_module_names) | {"dateutil"}
    for path in PACKAGE_DIR.glob("*.py"):
        assert _imported_top_modules(path) <= allowed, path.name


def test_importing_the_package_loads_no_django():
    code = "import sys, analytics.derive; sys.exit('django' in sys.modules)"
    root = PACKAGE_DIR.parents[1]
    assert subprocess.run([sys.executable, "-c", code], cwd=root, check=False).returncode == 0
