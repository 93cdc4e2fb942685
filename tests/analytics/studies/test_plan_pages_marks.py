"""The plan pages in Russian: a paper's quotation marked as English, the plan language's syntax as code, and the
check messages with each variable and group by its label (issue 12)."""

from __future__ import annotations

import pytest
from django.utils import translation

from analytics.plans.spec import Analysis, Claim, Outcome, Variable
from analytics.plans.validate import EMPTY_GROUP, TOO_FEW_GROUPS
from analytics.plans.words import text
from analytics.studies.forms import CONDITIONS_HELP, AnalysisForm
from analytics.studies.i18n import VariableWords, translated
from analytics.studies.presentation import describe_analysis

pytestmark = pytest.mark.django_db


def test_a_published_quotation_is_marked_as_english_on_a_russian_page():
    analysis = Analysis(
        "os", "OS", Outcome("os"), "km", exposure=Variable.of("risk_class"),
        claim=Claim(source="paper.txt", quote="OS was 83.3% <vs> 50.0%", values=(("p", 0.03),), effect="p"),
    )  # fmt: skip
    with translation.override("ru"):
        lines = dict(describe_analysis(analysis, VariableWords()))
    quoted = [str(v) for v in lines.values() if "83.3%" in str(v)]
    assert quoted == ['<q lang="en">OS was 83.3% &lt;vs&gt; 50.0%</q>']


def test_the_plan_syntax_in_the_help_is_code_in_russian():
    with translation.override("ru"):
        help_text = str(CONDITIONS_HELP)
        key_help = str(AnalysisForm().fields["key"].help_text)
    assert "<code>имя in a, b</code>" in help_text and "<code>is known</code>" in help_text
    assert "По одному в строке" in help_text
    assert key_help.endswith("<code>efs-risk</code>.") and key_help.startswith("Короткий")


def test_a_check_names_a_group_and_a_computed_variable_by_words():
    words = VariableWords()
    with translation.override("en"):
        group = translated(text(EMPTY_GROUP, label="favorable", variable="risk_class"), words)
        gene = translated(text(TOO_FEW_GROUPS, variable="finding_gene (genes ['NUTM1'])", n=1), words)
        risk, favorable = words.label("risk_class"), words.value("risk_class", "favorable")
    assert group == f"group '{favorable}' of {risk}: no case in the analysis"
    assert favorable != "favorable"
    assert gene.startswith("a finding names NUTM1: fewer than two groups"), gene
