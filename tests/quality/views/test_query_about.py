"""A query opened from any finding of any rule has a page that says, in words, what it is about; the case's
quality panel, the query list and the dashboards show it without error, to the data manager and the center."""

from __future__ import annotations

from datetime import date
from html import escape

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from quality.models import Finding, Query, describe_target
from quality.rules import RULES
from quality.services import case_check, query_from_finding
from registry import models as m
from registry.models import CASE_RECORD_MODELS
from tests.factories import make_case, make_full_case, save

pytestmark = pytest.mark.django_db

RECORD_MODELS = (m.Case, *CASE_RECORD_MODELS)


def _names(model) -> list[str]:
    """Every name the model answers to: its fields and the reverse relations of the records pointing at it."""
    return sorted({f.name for f in model._meta.get_fields()})


def _declared_targets(rule) -> set[tuple[str, str]]:
    """(record model, field) for each field the rule says it reads, wildcards expanded over the case's records."""
    targets = set()
    for spec in rule.fields:
        model_name, _, name = spec.partition(".")
        models = RECORD_MODELS if model_name == "*" else [apps.get_model("registry", model_name)]
        for model in models:
            if name == "*":
                names = _names(model)
            elif name == "dates":
                names = [f.name for f in model._meta.get_fields() if f.get_internal_type() == "DateField"]
            else:
                names = [name]
            targets |= {(model._meta.label_lower, n) for n in names}
    return targets


def _words_ok(text: str) -> bool:
    return bool(text) and "_" not in text and "registry." not in text and "<" not in text


@pytest.fixture
def cases(people, center_a):
    """Center A's cases that between them break many rules the way real data does: a full case, a case with
    nothing but the child, and a case with a diagnosis and nothing after it (no immunophenotype: DQ-COMP-005)."""
    full = make_full_case(people.entry_a, center_a)
    bare = make_case(people.entry_a, center_a, birth=date(2021, 3, 1))
    diagnosed = make_case(people.entry_a, center_a, birth=date(2021, 5, 1))
    save(people.entry_a, diagnosed, m.Diagnosis(case=diagnosed, diagnosis_date=date(2021, 6, 1), lineage="AML"))
    for case in (full, bare, diagnosed):
        case_check(case)
    return full, bare, diagnosed


def _open_queries(manager, cases) -> dict[str, list[Query]]:
    """For every rule: a query from each of its real findings, and from a finding on each field it declares."""
    full = cases[0]
    now = timezone.now()
    by_rule: dict[str, list[Query]] = {rule_id: [] for rule_id in RULES}
    for finding in Finding.objects.filter(case__in=cases, resolved_at__isnull=True):
        by_rule[finding.rule_id].append(query_from_finding(user=manager, finding=finding))
    seen = {(q.record_model, q.field) for queries in by_rule.values() for q in queries}
    for rule_id, rule in sorted(RULES.items()):
        for record_model, field in sorted(_declared_targets(rule)):
            if (record_model, field) in seen and by_rule[rule_id]:
                continue
            seen.add((record_model, field))
            model = apps.get_model(record_model)
            if model is m.Case:
                record = full
            elif model in CASE_RECORD_MODELS:
                record = model.objects.filter(case=full).first()
            else:  # a vocabulary the rule reads (the protocol's end-of-induction day)
                record = model.objects.first()
            finding = Finding.objects.create(
                case=full,
                rule_id=rule_id,
                severity=rule.severity,
                stage=rule.stage,
                record_model=record_model,
                record_pk=record.pk if record is not None else full.pk,
                field=field,
                message=f"{rule.description} ({field})",
                first_seen=now,
                last_seen=now,
            )
            by_rule[rule_id].append(query_from_finding(user=manager, finding=finding))
    return by_rule


def test_a_query_from_any_finding_of_any_rule_has_a_page_that_says_what_it_is_about(client, people, cases):
    by_rule = _open_queries(people.manager, cases)
    assert all(by_rule.values()), [rule_id for rule_id, queries in by_rule.items() if not queries]
    # The example found by hand: "no immunophenotype" sits on the case's reverse relation to its markers.
    [markers] = [q for q in by_rule["DQ-COMP-005"] if q.finding.case_id == cases[2].pk]
    assert markers.about == "the case's marker findings"

    queries = [q for qs in by_rule.values() for q in qs]
    for user in (people.manager, people.entry_a):
        client.force_login(user)
        for query in queries:
            response = client.get(reverse("quality:query_detail", args=[query.pk]))
            assert response.status_code == 200, (query.finding.rule_id, query.record_model, query.field)
            assert _words_ok(query.about), query.about
            assert escape(query.about) in response.content.decode()
            if user == people.manager:  # the form that turns the finding into a query
                assert client.get(reverse("quality:finding_query", args=[query.finding_id])).status_code == 200
        for case in cases:
            assert client.get(reverse("registry:case_detail", args=[case.pk])).status_code == 200
        listed = ""
        for page in range(1, len(queries) // 50 + 2):
            response = client.get(reverse("quality:query_list"), {"status": "all", "page": page})
            assert response.status_code == 200
            listed += response.content.decode()
        assert all(escape(query.about) in listed for query in queries)
        assert client.get(reverse("quality:dashboard")).status_code == 200
        assert client.get(reverse("registry:dashboard")).status_code == 200


@pytest.mark.parametrize("model", RECORD_MODELS, ids=lambda model: model._meta.model_name)
def test_every_name_of_every_record_reads_as_words(model):
    label = model._meta.label_lower
    for name in [*_names(model), "labs_post_induction", "derived_overall_survival", ""]:
        assert _words_ok(describe_target(label, name)), (label, name)
    assert describe_target("", "") == "the whole case"
    assert _words_ok(describe_target("registry.nosuchmodel", "some_field"))


def test_a_finding_of_a_rule_since_retired_still_becomes_a_query(client, people, cases):
    now = timezone.now()
    finding = Finding.objects.create(
        case=cases[0],
        rule_id="DQ-OLD-001",
        severity="warning",
        stage="any",
        record_model="registry.case",
        record_pk=cases[0].pk,
        field="birth_weight_g",
        message="A rule that no longer exists said so.",
        first_seen=now,
        last_seen=now,
    )
    client.force_login(people.manager)
    form = client.get(reverse("quality:finding_query", args=[finding.pk]))
    assert form.status_code == 200 and "A rule that no longer exists said so." in form.content.decode()
    query = query_from_finding(user=people.manager, finding=finding)
    page = client.get(reverse("quality:query_detail", args=[query.pk])).content.decode()
    assert escape(query.about) in page and "the case&#x27;s own data, field" in page
