"""The small-cell rule: counts 1-4 hidden in center-level cells, plus one more where a total would reveal them."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from analytics.reports.suppress import COMPLEMENTARY, PRIMARY, mask_count, suppress_grid


def _hidden(cells):
    return [[isinstance(v, str) for v in row] for row in cells]


def test_it_hides_counts_from_one_to_four_and_shows_zero_and_five():
    assert [mask_count(n) for n in (0, 1, 4, 5, 12)] == [0, PRIMARY, PRIMARY, 5, 12]


def test_a_row_with_one_small_cell_gets_a_second_hidden_cell():
    cells, _, _ = suppress_grid([[10, 3, 20]], protect_cols=False)
    assert cells == [[COMPLEMENTARY, PRIMARY, 20]]


def test_a_column_with_one_small_cell_gets_a_second_hidden_cell():
    cells, _, _ = suppress_grid([[10], [2], [30]], protect_rows=False)
    assert cells == [[COMPLEMENTARY], [PRIMARY], [30]]


def test_no_protected_line_holds_exactly_one_hidden_cell():
    grid = [[12, 3, 40, 0], [7, 9, 2, 11], [25, 1, 6, 30], [8, 8, 8, 8]]
    cells, _, _ = suppress_grid(grid)
    hidden = _hidden(cells)
    assert all(sum(row) != 1 for row in hidden)
    assert all(sum(col) != 1 for col in zip(*hidden, strict=True))
    for r, row in enumerate(grid):
        for c, n in enumerate(row):
            if 1 <= n <= 4:
                assert cells[r][c] == PRIMARY
            if n == 0:
                assert cells[r][c] == 0


def test_a_line_of_one_cell_asks_the_caller_to_hide_its_total():
    _, row_total_hidden, _ = suppress_grid([[3], [8]], protect_cols=False)
    assert row_total_hidden == [True, False]


def test_center_level_tables_of_the_pooled_report_show_no_count_from_one_to_four(report):
    for table in report.tables():
        if not table.center_level:
            continue
        for row in table.rows:
            if row[0] in ("All centers",) or str(row[0]).startswith("Pooled"):
                continue
            for value in row[1:]:
                assert not (isinstance(value, int) and 1 <= value <= 4), (table.key, row)


def test_pooled_counts_are_not_suppressed(report, dataset):
    pooled = next(r for r in report.table("cohort_center_lineage").rows if r[0] == "All centers")
    assert all(isinstance(v, int) for v in pooled[1:])
    assert pooled[-1] == len(dataset.cases)


def test_the_methods_section_states_the_rule(report):
    assert any("<5" in note and "suppr." in note for note in report.section("methods").notes)


def test_zeros_beside_a_lone_small_count_do_not_give_it_away():
    # 3 cases registry-wide, all at one center: with the total published, the zeros would reveal the 3.
    cells, _, _ = suppress_grid([[3, 0, 0]], protect_cols=False)
    assert cells == [[PRIMARY, COMPLEMENTARY, 0]]


def test_registry_wide_row_totals_stay_shown_in_tables_by_center(report, dataset):
    table = report.table("cytogenetics_center")
    findings = dataset.findings
    for row in table.rows:
        assert row[-1] == findings.loc[findings["abnormality_label"] == row[0], "case_key"].nunique()
        hidden = [v for v in row[1:-1] if isinstance(v, str)]
        assert len(hidden) != 1


@given(
    st.lists(st.lists(st.integers(0, 12), min_size=1, max_size=6), min_size=1, max_size=6).filter(
        lambda g: len({len(r) for r in g}) == 1
    )
)
@settings(max_examples=200, deadline=None)
def test_any_grid_keeps_small_counts_hidden_and_no_line_with_a_single_hidden_cell(grid):
    cells, row_total_hidden, col_total_hidden = suppress_grid(grid)
    hidden = _hidden(cells)
    for r, row in enumerate(grid):
        for c, n in enumerate(row):
            expected = PRIMARY if 1 <= n <= 4 else (COMPLEMENTARY if hidden[r][c] else n)
            assert cells[r][c] == expected
    for r, row in enumerate(hidden):
        assert sum(row) != 1 or (len(row) == 1 and row_total_hidden[r])
    for c, col in enumerate(zip(*hidden, strict=True)):
        assert sum(col) != 1 or (len(col) == 1 and col_total_hidden[c])
