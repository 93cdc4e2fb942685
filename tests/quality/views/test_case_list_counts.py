"""The drill-down from a center or a rule to its cases (quality.selectors.cases_with_findings) shows the same rows,
in the same order and with the same counts as a case-by-case count made another way, for readers with and
without exact dates; and it takes as many queries with many cases and findings as with a few."""

from __future__ import annotations

import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from quality.models import Finding, Severity
from quality.rules import RULES
from quality.rules.registry import today_rule_ids
from quality.services import query_open
from registry.access import access_for
from registry.models import Case
from tests.factories import make_case

pytestmark = pytest.mark.django_db

TODAY_RULE = sorted(today_rule_ids())[0]  # dates a record: hidden where the reader has no exact dates
RULE_IDS = sorted(RULES)
SEVERITIES = (Severity.ERROR, Severity.WARNING, Severity.INFO)


def _finding(case, rule_id, *, severity, resolved=False):
    now = timezone.now()
    return Finding.objects.create(
        case=case, rule_id=rule_id, severity=severity, stage=RULES[rule_id].stage, record_model="registry.case",
        record_pk=case.pk, field=f"f{Finding.objects.count()}", message="m", first_seen=now, last_seen=now,
        resolved_at=now if resolved else None,
    )  # fmt: skip


def _world(people, center_a, center_b, n: int) -> None:
    """`n` cases alternating between the centers, with 0 to 3 open findings of several rules and severities (many
    cases alike: the order's last key, the registry id, decides), a resolved finding, a date-revealing one, an open
    query on some; and an archived case with open findings."""
    rules = itertools.cycle(RULE_IDS)
    for k in range(n):
        entry, center = (people.entry_a, center_a) if k % 2 == 0 else (people.entry_b, center_b)
        case = make_case(entry, center)
        for j in range(k % 4):
            _finding(case, next(rules), severity=SEVERITIES[(k + j) % 3])
        if k % 3 == 0:
            _finding(case, "DQ-FU-001", severity=Severity.ERROR, resolved=True)
        if k % 5 == 1:
            _finding(case, TODAY_RULE, severity=Severity.ERROR)
        if k % 4 == 2:
            query_open(user=people.manager, case=case, subject="s", text="t")
    archived = make_case(people.entry_a, center_a)
    _finding(archived, "DQ-COMP-001", severity=Severity.ERROR)
    Case.objects.filter(pk=archived.pk).update(archived_at=timezone.now())


def _expected(user, *, center: str = "", rule: str = "", severity: str = "") -> tuple[int, list[tuple]]:
    """Case by case, in Python: the user's live cases with a visible open finding matching the filters, their
    visible open findings by severity and open queries, most errors then most warnings first."""
    access = access_for(user)
    rows = []
    for case in Case.objects.select_related("center").order_by("pk"):
        if case.archived_at is not None or not (access.read_all or case.center_id in access.write_center_ids):
            continue
        if center and case.center.code != center:
            continue
        shown = [
            f
            for f in Finding.objects.filter(case=case, resolved_at__isnull=True)
            if f.rule_id not in today_rule_ids() or access.can_write_center(case.center_id)
        ]
        if not any((not rule or f.rule_id == rule) and (not severity or f.severity == severity) for f in shown):
            continue
        counts = [sum(f.severity == s for f in shown) for s in SEVERITIES]
        queries = case.quality_queries.exclude(status="closed").count()
        rows.append((case.registry_id, case.center.code, *counts, queries))
    rank = {rid: n for n, rid in enumerate(Case.objects.order_by("registry_id").values_list("registry_id", flat=True))}
    rows.sort(key=lambda row: (-row[2], -row[3], rank[row[0]]))  # registry ids in the database's collation
    return len(rows), rows


def _shown(client, url: str) -> tuple[int, list[tuple]]:
    page = client.get(url).context["page"]
    rows = [(c.registry_id, c.center.code, c.n_errors, c.n_warnings, c.n_info, c.n_queries) for c in page]
    return page.paginator.count, rows


@pytest.mark.parametrize("who", ["manager", "coordinator", "entry_a", "entry_b"])
def test_rows_order_and_counts_equal_a_case_by_case_count(client, people, center_a, center_b, who):
    _world(people, center_a, center_b, 24)
    user = getattr(people, who)
    client.force_login(user)
    url = reverse("quality:case_list")
    filters = [{}, {"center": "AAA"}, {"center": "B-CTR"}, {"rule": "DQ-COMP-001"}, {"rule": TODAY_RULE},
               {"severity": Severity.ERROR}]  # fmt: skip
    for f in filters:
        query = "&".join(f"{k}={v}" for k, v in f.items())
        expected = _expected(user, **f)
        if who.startswith("entry") and f.get("center"):
            expected = _expected(user)  # another center is no choice of theirs: the filter is ignored
        assert _shown(client, f"{url}?{query}") == expected, (who, f)
    total, rows = _shown(client, url)
    assert total > 4 and len({row[2:4] for row in rows}) > 2  # several counts, and ties the registry id decides
    if who == "coordinator":  # no exact dates anywhere: the date-revealing rule's cases are not listed
        assert _shown(client, f"{url}?rule={TODAY_RULE}") == (0, [])
    else:
        assert _shown(client, f"{url}?rule={TODAY_RULE}")[0] > 0
    if who.startswith("entry"):
        assert {row[1] for row in rows} == {"AAA" if who == "entry_a" else "B-CTR"}


def test_a_later_page_continues_the_order(client, people, center_a, center_b, monkeypatch):
    monkeypatch.setattr("quality.views.PAGE_SIZE", 5)
    _world(people, center_a, center_b, 16)
    client.force_login(people.manager)
    url = reverse("quality:case_list")
    total, expected = _expected(people.manager)
    assert total > 10
    pages = [_shown(client, f"{url}?page={n}") for n in range(1, (total + 4) // 5 + 1)]
    assert [row for _count, rows in pages for row in rows] == expected
    assert {count for count, _rows in pages} == {total}


def _queries(client, url: str) -> int:
    client.get(url)  # warm the per-request caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_number_of_queries_does_not_grow_with_cases_or_findings(client, people, center_a, center_b):
    urls = [reverse("quality:case_list") + q for q in ("", "?center=AAA", "?rule=DQ-COMP-001", "?severity=error")]
    _world(people, center_a, center_b, 4)
    counts = {}
    for who in ("manager", "coordinator", "entry_a"):
        client.force_login(getattr(people, who))
        counts[who] = [_queries(client, url) for url in urls]
    _world(people, center_a, center_b, 20)
    for who in ("manager", "coordinator", "entry_a"):
        client.force_login(getattr(people, who))
        assert [_queries(client, url) for url in urls] == counts[who], who


@pytest.mark.parametrize("who", ["manager", "coordinator", "entry_b"])
def test_the_findings_list_pages_through_the_centers_in_order(client, people, center_a, center_b, monkeypatch, who):
    """The findings list is read center by center (quality.selectors.FindingRows): its pages, one of them across
    the two centers, are those of one ordered list of the findings the user may see."""
    _world(people, center_a, center_b, 14)
    user = getattr(people, who)
    access = access_for(user)
    expected = [
        f.pk
        for f in Finding.objects.filter(resolved_at__isnull=True, case__archived_at__isnull=True)
        .select_related("case__center")
        .order_by("case__center__code", "case_id", "rule_id", "pk")
        if (access.read_all or f.case.center_id in access.write_center_ids)
        and (f.rule_id not in today_rule_ids() or access.can_write_center(f.case.center_id))
    ]
    first_center = Finding.objects.filter(pk__in=expected, case__center=center_a).count()
    size = next((p for p in (4, 5, 3) if first_center % p), 4)  # a page holds the end of AAA and the start of B-CTR
    monkeypatch.setattr("quality.views.PAGE_SIZE", size)
    client.force_login(user)
    url = reverse("quality:finding_list")
    shown, counts = [], set()
    for n in range(1, (len(expected) + size - 1) // size + 1):
        page = client.get(f"{url}?page={n}").context["page"]
        shown += [f.pk for f in page]
        counts.add(page.paginator.count)
    assert shown == expected and counts == {len(expected)} and len(expected) > 8
