"""The plans' sentences stay plain English for JSON, logs and the CLI, and keep what a page needs to translate
them; the plans package imports no Django."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from analytics.plans.spec import BAD_KEY, Analysis, Outcome, PlanSpec, SpecError, check_spec
from analytics.plans.syntax import LINE, UNKNOWN_GUESS, ParseError, parse_conditions
from analytics.plans.words import Text, gettext_noop, text


def test_a_text_is_the_english_sentence_and_keeps_its_template_and_values():
    sentence = text("Version {number} of {name}", number=2, name="a plan")
    assert sentence == "Version 2 of a plan" and isinstance(sentence, str)
    assert (sentence.template, sentence.params) == ("Version {number} of {name}", {"number": 2, "name": "a plan"})
    assert json.dumps({"message": sentence}) == '{"message": "Version 2 of a plan"}'
    assert gettext_noop("as it is") == "as it is"


def test_a_spec_problem_is_english_with_its_template():
    with pytest.raises(SpecError) as exc:
        check_spec(PlanSpec(name="p", analyses=(Analysis("Bad Key", "t", Outcome("os"), "km"),)))
    message = exc.value.problems[0][1]
    assert isinstance(message, Text) and message.template == BAD_KEY
    assert message == BAD_KEY.format(key="Bad Key")


def test_a_parse_problem_nests_its_line_and_its_message():
    with pytest.raises(ParseError) as exc:
        parse_conditions("kmt2a_stats in rearranged")
    problem = exc.value.problems[0]
    assert problem == "Line 1: Unknown variable 'kmt2a_stats'. Did you mean 'kmt2a_status'?"
    assert problem.template == LINE and problem.params["message"].template == UNKNOWN_GUESS


def test_the_plans_package_imports_no_django():
    code = (
        "import sys, analytics.plans.execute, analytics.plans.claims, analytics.plans.syntax, analytics.plans.cli;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_a_stored_sentence_is_translated_through_the_templates_it_was_made_from():
    from analytics.plans.execute import FAILED
    from analytics.plans.methods.cox_data import GROUP_EMPTY, NOT_ESTIMABLE
    from analytics.plans.words import translate

    catalog = {
        FAILED: "NICHT: {reason}!",
        NOT_ESTIMABLE: "COX NEIN: {reason}",
        GROUP_EMPTY: "GRUPPE {label!r} LEER",
    }
    stored = FAILED.format(reason=NOT_ESTIMABLE.format(reason=GROUP_EMPTY.format(label="x")))
    assert translate(stored, lambda s: catalog.get(s, s)) == "NICHT: COX NEIN: GRUPPE 'x' LEER!"
    assert translate("typed by a user", lambda s: catalog.get(s, s)) == "typed by a user"
