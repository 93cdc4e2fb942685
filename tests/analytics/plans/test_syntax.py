"""The text syntax of the plan form: what a coordinator types, what it means, and a saved spec read back."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analytics.plans.spec import COMPOSITE_EVENTS, Condition, Group, Variable, check_spec
from analytics.plans.syntax import (
    KNOWN_VARIABLES,
    ParseError,
    format_condition,
    format_conditions,
    format_groups,
    format_value,
    format_variable,
    format_variables,
    parse_condition,
    parse_conditions,
    parse_groups,
    parse_value,
    parse_variable,
    parse_variables,
)


def _problems(parse, text) -> list[str]:
    with pytest.raises(ParseError) as caught:
        parse(text)
    return caught.value.problems


# ---------------------------------------------------------------------------------------------------------------
# What the examples of the issue mean
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("sex", Variable.of("sex")),
        ("lab_wbc_baseline >= 300", Variable.of("lab_wbc_baseline", cutoff=300.0)),
        ("lab_wbc_baseline>=300", Variable.of("lab_wbc_baseline", cutoff=300.0)),
        ("lab_wbc_baseline ≥ 0.5", Variable.of("lab_wbc_baseline", cutoff=0.5)),
        ("toxicity(min_grade=3)", Variable.of("toxicity", min_grade=3)),
        ("toxicity (min_grade=3, phase=induction)", Variable.of("toxicity", min_grade=3, phase="induction")),
        (
            "mrd_positive(method=flow, day_from=40, day_to=50)",
            Variable.of("mrd_positive", method="flow", day_from=40, day_to=50),
        ),
        (
            "mrd_positive(method=pcr, flow_threshold=0.01)",
            Variable.of("mrd_positive", method="pcr", flow_threshold=0.01),
        ),
        ("finding_gene(genes=NUTM1)", Variable.of("finding_gene", genes=["NUTM1"])),
        ("finding_gene(genes=NUTM1|PAX5)", Variable.of("finding_gene", genes=["NUTM1", "PAX5"])),
        ("composite(events=relapse|death)", Variable.of("composite", events=["relapse", "death"])),
        ("  risk_class  ", Variable.of("risk_class")),
    ],
)
def test_variables_read_as_the_spec_names_them(text, expected):
    assert parse_variable(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("kmt2a_status in rearranged", Condition(Variable.of("kmt2a_status"), "in", ("rearranged",))),
        ("kmt2a_partner in AFF1, MLLT3", Condition(Variable.of("kmt2a_partner"), "in", ("AFF1", "MLLT3"))),
        ("sex not in M, U", Condition(Variable.of("sex"), "not_in", ("M", "U"))),
        ("sex NOT  IN M", Condition(Variable.of("sex"), "not_in", ("M",))),
        ("age_days < 365", Condition(Variable.of("age_days"), "lt", 365)),
        ("age_days<=182.5", Condition(Variable.of("age_days"), "le", 182.5)),
        ("age_days ≤ 90", Condition(Variable.of("age_days"), "le", 90)),
        ("lab_wbc_baseline >= 300", Condition(Variable.of("lab_wbc_baseline"), "ge", 300)),
        ("lineage = ALL", Condition(Variable.of("lineage"), "eq", "ALL")),
        ("lineage == ALL", Condition(Variable.of("lineage"), "eq", "ALL")),
        ("lineage != AML", Condition(Variable.of("lineage"), "ne", "AML")),
        ('center = "11"', Condition(Variable.of("center"), "eq", "11")),
        ("hsct is true", Condition(Variable.of("hsct"), "is_true")),
        ("hsct IS FALSE", Condition(Variable.of("hsct"), "is_false")),
        ("steroid_response is known", Condition(Variable.of("steroid_response"), "is_known")),
        ("down_syndrome = false", Condition(Variable.of("down_syndrome"), "eq", False)),
        ("toxicity(min_grade=3) is true", Condition(Variable.of("toxicity", min_grade=3), "is_true")),
        (
            "lab_wbc_baseline >= 300 is true",
            Condition(Variable.of("lab_wbc_baseline", cutoff=300.0), "is_true"),
        ),
    ],
)
def test_conditions_read_as_the_spec_names_them(text, expected):
    assert parse_condition(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ()),
        ("  \n ", ()),
        ("favorable vs unfavorable", (Group("favorable", ("favorable",)), Group("unfavorable", ("unfavorable",)))),
        ("favorable VS. unfavorable", (Group("favorable", ("favorable",)), Group("unfavorable", ("unfavorable",)))),
        ("true vs false", (Group("true", (True,)), Group("false", (False,)))),
        (
            "non-CR: no_CR, induction_death\nCR: CR",
            (Group("non-CR", ("no_CR", "induction_death")), Group("CR", ("CR",))),
        ),
        ("AFF1\nother: MLLT3, MLLT1", (Group("AFF1", ("AFF1",)), Group("other", ("MLLT3", "MLLT1")))),
        ("young: 1, 2\nold: 3", (Group("young", (1, 2)), Group("old", (3,)))),
    ],
)
def test_groups_read_as_the_spec_names_them(text, expected):
    assert parse_groups(text) == expected


def test_what_the_syntax_reads_passes_the_specs_own_checks():
    from analytics.plans.spec import Analysis, Outcome, PlanSpec

    spec = PlanSpec(
        name="KMT2A-r infants",
        conditions=parse_conditions("kmt2a_status in rearranged\nage_days < 365\nlineage = ALL\nhsct is true"),
        analyses=(
            Analysis(
                key="efs-risk",
                title="EFS by risk",
                outcome=Outcome("efs"),
                method="cox",
                exposure=parse_variable("risk_class"),
                groups=parse_groups("favorable vs unfavorable"),
                covariates=parse_variables("age_lt_6m\nlab_wbc_baseline >= 300\nmrd_positive(method=flow)"),
            ),
        ),
    )
    check_spec(spec)


# ---------------------------------------------------------------------------------------------------------------
# Mistakes: the line and what is wrong
# ---------------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "Write a variable."),
        ("sexx", "Unknown variable 'sexx'. Did you mean 'sex'?"),
        ("lab_wbc_baselin >= 3", "Unknown variable 'lab_wbc_baselin'. Did you mean 'lab_wbc_baseline'?"),
        ("toxcity(min_grade=3)", "Unknown variable 'toxcity'. Did you mean 'toxicity'?"),
        ("zzzz", "Unknown variable 'zzzz'."),
        ("case_key", "Unknown variable 'case_key'."),
        ("3sex", "'3sex' is not a variable name (letters, digits and '_', starting with a letter)."),
        ("sex(min_grade=3)", "sex takes no parameters."),
        ("toxicity(grade=3)", "toxicity has no parameter 'grade'; it takes min_grade, phase."),
        ("toxicity(min_grade)", "Write a parameter as name=value, not 'min_grade'."),
        ("toxicity(min_grade=3, min_grade=4)", "The parameter 'min_grade' is given twice."),
        ("toxicity(min_grade=3", "A '(' is not closed."),
        ("lab_wbc_baseline > 300", "A cut-off is written '>= number', not '> 300'."),
        ("lab_wbc_baseline >= high", "A cut-off is written '>= number', not '>= high'."),
        ("sex male", "A cut-off is written '>= number', not 'male'."),
        ('finding_gene(genes="NUTM1)', "A '\"' is not closed."),
    ],
)
def test_a_bad_variable_is_refused_with_what_is_wrong(text, message):
    assert _problems(parse_variable, text) == [message]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("kmt2a_stats in rearranged", "Unknown variable 'kmt2a_stats'. Did you mean 'kmt2a_status'?"),
        ("sexx", "Unknown variable 'sexx'. Did you mean 'sex'?"),
        ("age_days < young", "The comparison < needs a number, not 'young'."),
        ("age_days >= true", "The comparison >= needs a number, not 'true'."),
        ("lineage =", "The condition needs a value after '='."),
        ("kmt2a_status in", "The condition needs a value after 'in'."),
        ("kmt2a_status in a,,b", "An empty value in the list 'a,,b'."),
        ("hsct is maybe", "Write a condition as 'variable in a, b', 'variable not in a, b', 'variable = value' "
         "(or !=, <, <=, >, >=) or 'variable is true' (is false, is known); not 'hsct is maybe'."),
        ("hsct", "Write a condition as 'variable in a, b', 'variable not in a, b', 'variable = value' "
         "(or !=, <, <=, >, >=) or 'variable is true' (is false, is known); not 'hsct'."),
    ],
)  # fmt: skip
def test_a_bad_condition_is_refused_with_what_is_wrong(text, message):
    assert _problems(parse_condition, text) == [message]


def test_every_bad_line_is_named_by_its_number_and_blank_lines_count():
    text = "sex = M\nagee_days < 365\n\nlineage = ALL\nhsct is maybe\n"
    problems = _problems(parse_conditions, text)
    assert problems[0] == "Line 2: Unknown variable 'agee_days'. Did you mean 'age_days'?"
    assert problems[1].startswith("Line 5: Write a condition as")
    assert len(problems) == 2


def test_covariates_name_their_bad_lines():
    assert _problems(parse_variables, "age_lt_6m\nsexe\nwbc >= x") == [
        "Line 2: Unknown variable 'sexe'. Did you mean 'sex'?",
        "Line 3: Unknown variable 'wbc'.",
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (": a, b", "Line 1: A group needs a label before ':'."),
        ("CR:", "Line 1: Group 'CR' names no level."),
        ("a: x\nb: y,,z", "Line 2: An empty value in the list 'y,,z'."),
        ("a vs b\nc: d", "Line 1: Write either one line 'a vs b' or one group a line 'label: levels', not both."),
        ("a: x\na: y", "Two groups are labelled 'a'."),
        ("a vs a", "Two groups are labelled 'a'."),
    ],
)
def test_bad_groups_are_refused_with_what_is_wrong(text, message):
    assert _problems(parse_groups, text) == [message]


# ---------------------------------------------------------------------------------------------------------------
# Round trips: a saved spec fills the form and reads back as itself
# ---------------------------------------------------------------------------------------------------------------
_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp"), blacklist_characters='"\n\r\x85'),
    min_size=0,
    max_size=12,
)
_values = st.one_of(
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=False, allow_infinity=False),
    _text,
)
_plain_names = [n for n in KNOWN_VARIABLES if n not in ("toxicity", "mrd_positive", "finding_gene", "composite")]


@given(_values)
def test_a_value_reads_back_as_itself(value):
    back = parse_value(format_value(value))
    assert back == value and type(back) is type(value)


_computed = st.one_of(
    st.builds(
        lambda g, p: Variable.of("toxicity", min_grade=g, **({"phase": p} if p else {})),
        st.integers(1, 5),
        st.sampled_from(["", "induction", "consolidation"]),
    ),
    st.builds(
        lambda m, a, b, t: Variable.of("mrd_positive", method=m, day_from=a, day_to=b, flow_threshold=t),
        st.sampled_from(["flow", "pcr"]),
        st.integers(0, 400),
        st.integers(0, 400),
        st.floats(min_value=1e-6, max_value=1.0),
    ),
    st.builds(
        lambda genes: Variable.of("finding_gene", genes=genes),
        st.lists(st.sampled_from(["NUTM1", "PAX5", "KMT2A", "ETV6", "11", "true"]), min_size=1, max_size=3),
    ),
    st.builds(
        lambda events: Variable.of("composite", events=events),
        st.lists(st.sampled_from(COMPOSITE_EVENTS), min_size=1, max_size=4, unique=True),
    ),
)
_variables = st.one_of(
    st.builds(Variable.of, st.sampled_from(_plain_names)),
    st.builds(
        lambda n, c: Variable.of(n, cutoff=c),
        st.sampled_from(_plain_names),
        st.floats(allow_nan=False, allow_infinity=False),
    ),
    _computed,
)


@given(_variables)
def test_a_variable_reads_back_as_itself(variable):
    assert parse_variable(format_variable(variable)) == variable


@given(st.lists(_variables, max_size=5))
def test_covariates_read_back_as_themselves(variables):
    assert parse_variables(format_variables(variables)) == tuple(variables)


_scalars = st.one_of(st.booleans(), st.integers(-(10**6), 10**6), _text.filter(lambda t: t.strip() == t and t))
_conditions = st.one_of(
    st.builds(
        lambda v, op, vals: Condition(v, op, tuple(vals)),
        _variables.map(lambda v: Variable(v.name, v.params)),
        st.sampled_from(["in", "not_in"]),
        st.lists(_scalars, min_size=1, max_size=4),
    ),
    st.builds(
        Condition,
        _variables.map(lambda v: Variable(v.name, v.params)),
        st.sampled_from(["eq", "ne"]),
        _scalars,
    ),
    st.builds(
        Condition,
        _variables.map(lambda v: Variable(v.name, v.params)),
        st.sampled_from(["lt", "le", "gt", "ge"]),
        st.one_of(st.integers(-(10**6), 10**6), st.floats(allow_nan=False, allow_infinity=False)),
    ),
    st.builds(Condition, _variables, st.sampled_from(["is_true", "is_false", "is_known"])),
)


@given(_conditions)
def test_a_condition_reads_back_as_itself(condition):
    assert parse_condition(format_condition(condition)) == condition


@given(st.lists(_conditions, max_size=5))
def test_the_conditions_textarea_reads_back_as_itself(conditions):
    assert parse_conditions(format_conditions(conditions)) == tuple(conditions)


_labels = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc", "Zl", "Zp", "Zs"), blacklist_characters='":,\n\r\x85'),
    min_size=1,
    max_size=10,
)


@st.composite
def _group_lists(draw):
    labels = draw(st.lists(_labels, min_size=1, max_size=4, unique=True))
    levels = draw(st.lists(_scalars, min_size=len(labels) * 3, max_size=len(labels) * 3, unique_by=repr))
    groups = []
    for i, label in enumerate(labels):
        one = draw(st.booleans())
        if one:  # a one-level group labelled by its level, as "a vs b" writes it
            level = levels[3 * i]
            text = format_value(level)
            groups.append(Group(text[1:-1] if text.startswith('"') else text, (level,)))
        else:
            groups.append(Group(label, tuple(levels[3 * i : 3 * i + draw(st.integers(1, 3))])))
    if len({g.label for g in groups}) < len(groups):
        return []
    return groups


@given(_group_lists())
def test_groups_read_back_as_themselves(groups):
    assert parse_groups(format_groups(groups)) == tuple(groups)


def test_one_level_groups_are_written_as_a_comparison():
    assert format_groups(parse_groups("favorable: favorable\nunfavorable: unfavorable")) == "favorable vs unfavorable"
    assert format_groups(()) == ""


def test_a_group_label_with_a_colon_is_quoted_and_reads_back():
    groups = (Group("KMT2A::AFF1", ("AFF1",)), Group("other partners", ("MLLT3", "MLLT1")))
    text = format_groups(groups)
    assert text.splitlines()[0] == '"KMT2A::AFF1": AFF1'
    assert parse_groups(text) == groups
