"""A coordinator (pseudonymized reader) cannot recover a child's date of birth from anything they can open.

The attack of issue 8 (defect 3): date of birth = diagnosis date - age at diagnosis in days. The test plays the
attacker for every route: it walks the URL resolvers (registry, quality, analyses; every section slug), the
case list with each filter and a search, the admin, every file of a pooled analysis run, and collects every
visible date (ISO, Django's "Feb. 10, 2020", "10.02.2020", "10/02/2020", "10 February 2020", 20200210) and every
integer. A case's date of birth must be neither a visible date, nor a visible date plus or minus a visible
integer number of days.

Dates count from every page and file (a data-cut date is everyone's anchor). Integers count where they are
about the case: its own pages, and its row (the table row, the CSV or workbook line naming its registry ID)
on the pages and files that list many cases. An integer about another case, or a file size, says nothing
about this child, and counting those would only make the check a lottery over numbers.
"""

from __future__ import annotations

import io
import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from registry import models as m
from registry.sections import SECTIONS
from registry.services.cases import case_lock
from registry.services.records import RecordChange, records_save
from tests.factories import make_full_case
from tests.registry.test_presentation import TYPED_DATES

pytestmark = pytest.mark.django_db

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}
_MONTH_NAME = "|".join(sorted(_MONTHS, key=len, reverse=True))
_ISO = re.compile(r"(?<!\d)(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?!\d)")
_NUMERIC = re.compile(r"(?<!\d)(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?!\d)")
_COMPACT = re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)")
_NAME_FIRST = re.compile(rf"\b({_MONTH_NAME})\.?\s+(\d{{1,2}})(?:st|nd|rd|th)?,?\s+(\d{{4}})\b", re.IGNORECASE)
_DAY_FIRST = re.compile(rf"\b(\d{{1,2}})\s+({_MONTH_NAME})\.?,?\s+(\d{{4}})\b", re.IGNORECASE)
_INTEGER = re.compile(r"\d+")
MAX_DAYS = 40_000  # over a century: no integer beyond it is an age or an interval


def _date(year, month, day) -> date | None:
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None


def visible_dates(text: str) -> set[date]:
    found = set()
    for y, mo, d in _ISO.findall(text) + _COMPACT.findall(text):
        found.add(_date(y, mo, d))
    for a, b, y in _NUMERIC.findall(text):  # day-month and month-day alike
        found |= {_date(y, b, a), _date(y, a, b)}
    for name, d, y in _NAME_FIRST.findall(text):
        found.add(_date(y, _MONTHS[name.lower()], d))
    for d, name, y in _DAY_FIRST.findall(text):
        found.add(_date(y, _MONTHS[name.lower()], d))
    return found - {None}


def visible_integers(text: str) -> set[int]:
    return {n for n in map(int, _INTEGER.findall(text)) if n <= MAX_DAYS}


def recoverable(birth: date, dates: set[date], integers: set[int]) -> list[str]:
    """The ways `birth` follows from the visible dates and integers (empty: it does not)."""
    ways = []
    for seen in dates:
        delta = abs((seen - birth).days)
        if delta == 0:
            ways.append(f"{seen} shown")
        elif delta in integers:
            ways.append(f"{seen} {'-' if seen > birth else '+'} {delta} days")
    return sorted(ways)


# --- what the coordinator can open ------------------------------------------------------------------------


@dataclass
class Seen:
    """What one reader saw: every date anywhere, and for each case the text that is about it."""

    dates: set[date] = field(default_factory=set)
    about: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, int] = field(default_factory=dict)
    pages: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))

    def add(self, url: str, text: str, *, case_ids: list[str], whole_page_of: str | None = None):
        self.pages[url].append(text)
        self.dates |= visible_dates(text)
        if whole_page_of:
            self.about[whole_page_of].append(text)
            return
        # A page or file about many cases: each case's row (table row, line) is about that case.
        for chunk in re.split(r"<tr|\n", text):
            for registry_id in case_ids:
                if registry_id in chunk:
                    self.about[registry_id].append(chunk)


def _routes(namespace: str) -> list[tuple[str, list[str]]]:
    found = []

    def walk(patterns, current):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns, pattern.namespace or current)
            elif isinstance(pattern, URLPattern) and current == namespace and pattern.name:
                found.append((f"{namespace}:{pattern.name}", list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, None)
    return found


def _text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        from openpyxl import load_workbook

        workbook = load_workbook(io.BytesIO(body), read_only=True)
        lines = []
        for sheet in workbook.worksheets:
            for row in sheet.iter_rows(values_only=True):
                lines.append(" ".join("" if v is None else str(v) for v in row))
        return "\n".join(lines)
    if "pdf" in kind:
        from pypdf import PdfReader

        return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(body)).pages)
    if kind.startswith("image/png"):
        return ""  # pixels; the same figure's SVG carries its text
    return body.decode("utf-8", errors="replace")


def _case_urls(case) -> list[str]:
    urls = []
    for name, params in _routes("registry"):
        if params == ["pk"]:
            urls.append(reverse(name, kwargs={"pk": case.pk}))
        elif params == ["pk", "section"]:
            urls += [reverse(name, kwargs={"pk": case.pk, "section": slug}) for slug in SECTIONS]
    for name, params in _routes("quality"):
        if params == ["pk"] and "/cases/" in reverse(name, kwargs={"pk": case.pk}):
            urls.append(reverse(name, kwargs={"pk": case.pk}))
    urls += [
        reverse("admin:registry_case_change", args=[case.pk]),
        reverse("admin:registry_case_history", args=[case.pk]),
    ]
    return urls


def _shared_urls(cases) -> list[str]:
    from quality.models import Finding, Query
    from quality.rules.registry import today_rule_ids

    urls = [
        reverse(name) for namespace in ("registry", "quality", "analytics") for name, p in _routes(namespace) if not p
    ]
    case_list = reverse("registry:case_list")
    urls += [f"{case_list}?status={status}" for status in ("open", "locked", "excluded", "attention")]
    urls += [f"{case_list}?q={case.registry_id}" for case in cases]
    urls += [f"{reverse('quality:finding_list')}?center={case.center.code}" for case in cases]
    urls += [reverse("quality:case_list") + f"?center={case.center.code}" for case in cases]
    for rule_id in sorted(today_rule_ids()):  # the drill-downs of the rules whose first day dates a record
        urls += [f"{reverse(name)}?rule={rule_id}" for name in ("quality:finding_list", "quality:case_list")]
    for name, params in _routes("quality"):
        if params == ["pk"] and "/cases/" not in reverse(name, kwargs={"pk": 1}):
            pks = (
                Finding.objects.values_list("pk", flat=True)
                if "finding" in name
                else Query.objects.values_list("pk", flat=True)
            )
            urls += [reverse(name, kwargs={"pk": pk}) for pk in pks]
    urls += ["/admin/", reverse("admin:registry_case_changelist")]
    return urls


def _analysis_urls() -> list[str]:
    from analytics.runs.models import AnalysisRun

    urls = []
    for run in AnalysisRun.objects.all():
        urls += [reverse("analytics:run_detail", args=[run.pk]), reverse("analytics:run_report", args=[run.pk])]
        urls += [reverse("analytics:artifact_download", args=[run.pk, a.pk]) for a in run.artifacts.all()]
    return urls


def look_at_everything(client, user, cases) -> Seen:
    client.force_login(user)
    seen = Seen()
    ids = [case.registry_id for case in cases]
    for case in cases:
        for url in _case_urls(case):
            response = client.get(url)
            seen.statuses[url] = response.status_code
            seen.add(url, _text(response), case_ids=ids, whole_page_of=case.registry_id)
    for url in _shared_urls(cases) + _analysis_urls():
        response = client.get(url)
        seen.statuses[url] = response.status_code
        seen.add(url, _text(response), case_ids=ids)
    return seen


def merged(*looks: Seen) -> Seen:
    """What one reader saw over several looks (e.g. before and after a correction)."""
    both = Seen()
    for look in looks:
        both.dates |= look.dates
        for key, texts in look.about.items():
            both.about[key] += texts
        for url, texts in look.pages.items():
            both.pages[url] += texts
        both.statuses.update(look.statuses)
    return both


def assert_no_birth_date_recoverable(seen: Seen, cases):
    leaks = {}
    for case in cases:
        integers = set().union(*(visible_integers(t) for t in seen.about[case.registry_id]))
        ways = recoverable(case.birth_date, seen.dates, integers)
        if ways:
            leaks[case.registry_id] = ways[:5]
    assert not leaks, f"date of birth recoverable: {leaks}"


# --- the cases -----------------------------------------------------------------------------------------------

BIRTHS = (date(2020, 1, 1), date(2021, 5, 17), date(2022, 11, 3))
# Dates written in ways no pattern is sure to find, with a name and a hospital number: free text a person typed.
TYPED = "also " + ", ".join(TYPED_DATES) + "; mother Ivanova, chart H-998877"


@pytest.fixture
def cases(people, center_a, center_b):
    from quality.services import case_check

    made = [
        make_full_case(people.entry_a, center_a, birth=BIRTHS[0]),
        make_full_case(people.entry_a, center_a, birth=BIRTHS[1]),
        make_full_case(people.entry_b, center_b, birth=BIRTHS[2]),
    ]
    # The audit trail holds an old and a new diagnosis date; a note has a date typed into it; one case is locked.
    first = made[0]
    diagnosis = first.diagnosis
    diagnosis.diagnosis_date -= timedelta(days=1)
    follow_up = first.follow_ups.get()
    follow_up.note = f"born {first.birth_date:%d.%m.%Y}, seen on {follow_up.contact_date:%B %d, %Y}; {TYPED}"
    records_save(
        user=people.entry_a,
        case=first,
        changes=[RecordChange(diagnosis, diagnosis.version), RecordChange(follow_up, follow_up.version)],
        reason=f"diagnosis was on {diagnosis.diagnosis_date}, {TYPED_DATES[5]}",
    )
    case_lock(user=people.lead_a, case=made[1])
    for case in made:
        case_check(case)
    return [m.Case.objects.get(pk=case.pk) for case in made]


@pytest.fixture
def pooled_run(people, cases, settings, tmp_path):
    from analytics.runs.models import AnalysisRun
    from analytics.runs.options import RunFilters, RunSettings
    from analytics.runs.services import run_request
    from tests.canvas import run_canvas

    settings.MEDIA_ROOT = tmp_path
    run = run_request(user=people.coordinator, filters=RunFilters(), settings=RunSettings())
    run_canvas(run.pk)
    run.refresh_from_db()
    assert run.status == AnalysisRun.Status.DONE, run.error
    return run


# --- the tests -----------------------------------------------------------------------------------------------


def test_the_date_finder_reads_the_formats_pages_print():
    text = "2020-01-01 · Jan. 2, 2020 · 03.01.2020 · 4 January 2020 · 20200105 · Sept. 6, 2020 · day +41, 7 days"
    assert visible_dates(text) == {
        date(2020, 1, 1),
        date(2020, 1, 2),
        date(2020, 1, 3),
        date(2020, 3, 1),  # 03.01.2020 read month-first too
        date(2020, 1, 4),
        date(2020, 1, 5),
        date(2020, 9, 6),
    }
    assert recoverable(date(2020, 1, 1), {date(2020, 2, 10)}, {40}) == ["2020-02-10 - 40 days"]
    assert recoverable(date(2020, 1, 1), {date(2020, 2, 10)}, {41}) == []


def test_a_coordinator_cannot_recover_any_date_of_birth_from_every_page_and_download(client, people, cases, pooled_run):
    seen = look_at_everything(client, people.coordinator, cases)

    assert_no_birth_date_recoverable(seen, cases)
    # No narrative free text at all: dates written any way, names and hospital numbers never reach the page.
    for url, texts in seen.pages.items():
        for typed in (*TYPED_DATES, "Ivanova", "H-998877"):
            assert not any(typed in text for text in texts), (url, typed)
    # The walk read the pages that matter (not only refusals): the case pages, the list, the run's files.
    for case in cases:
        assert seen.statuses[reverse("registry:case_detail", args=[case.pk])] == 200
        assert seen.statuses[reverse("registry:case_history", args=[case.pk])] == 200
    assert seen.statuses[reverse("registry:case_list")] == 200
    downloads = [url for url in seen.statuses if "/files/" in url]
    assert downloads and all(seen.statuses[url] == 200 for url in downloads)
    # And the coordinator still sees what analyses need: the diagnosis month, ages and times in days.
    page = client.get(reverse("registry:case_detail", args=[cases[1].pk])).content.decode()
    assert "40 days" in page and f"{cases[1].diagnosis.diagnosis_date:%Y-%m}" in page and "day +33" in page
    # and structured text analyses read, such as the karyotype, with the note shown only as hidden.
    page = client.get(reverse("registry:case_detail", args=[cases[0].pk])).content.decode()
    assert "46,XY,t(4;11)(q21;q23)" in page and "(note hidden in the pseudonymized view)" in page


def test_a_coordinator_cannot_recover_a_date_of_birth_of_the_demo_registry(client):
    call_command("seed_demo", cases=6, quiet=True, stdout=io.StringIO())
    from django.contrib.auth import get_user_model

    cases = list(m.Case.objects.select_related("center"))
    seen = look_at_everything(client, get_user_model().objects.get(username="coordinator"), cases)

    assert_no_birth_date_recoverable(seen, cases)


@pytest.mark.parametrize("who", ["entry_a", "lead_a", "manager"])
def test_the_centers_own_users_and_the_data_manager_see_exact_dates(client, people, cases, who):
    client.force_login(getattr(people, who))
    case = cases[1]
    page = client.get(reverse("registry:case_detail", args=[case.pk])).content.decode()
    assert case.birth_date.isoformat() in page
    assert case.diagnosis.diagnosis_date.isoformat() in page
    assert case.follow_ups.get().contact_date.isoformat() in page
    listing = client.get(reverse("registry:case_list")).content.decode()
    assert case.diagnosis.diagnosis_date.isoformat() in listing


def test_a_center_user_sees_another_centers_case_only_as_before_and_a_coordinator_with_a_center_only_there(
    client, people, cases, center_b
):
    from registry.choices import Role

    m.Membership.objects.create(user=people.coordinator, center=center_b, role=Role.DATA_ENTRY)
    client.force_login(people.coordinator)
    own = client.get(reverse("registry:case_detail", args=[cases[2].pk])).content.decode()
    other = client.get(reverse("registry:case_detail", args=[cases[1].pk])).content.decode()
    assert cases[2].birth_date.isoformat() in own
    assert cases[1].birth_date.isoformat() not in other
    assert cases[1].diagnosis.diagnosis_date.isoformat() not in other


def test_a_coordinator_cannot_find_a_case_by_its_hospital_number(client, people, center_a):
    make_full_case(people.entry_a, center_a, birth=BIRTHS[0])
    number = f"H-{center_a.code}-1"
    url = f"{reverse('registry:case_list')}?q={number}"

    client.force_login(people.entry_a)
    assert "1 case" in client.get(url).content.decode()
    client.force_login(people.coordinator)
    assert "0 cases" in client.get(url).content.decode()


def test_a_coordinator_who_also_enters_data_at_one_center_reads_finding_messages_only_there(people, cases, center_b):
    from django.utils import timezone

    from quality.models import Finding
    from quality.presenters import present_findings
    from quality.rules import RULES
    from quality.selectors import findings_for
    from registry.choices import Role

    m.Membership.objects.create(user=people.coordinator, center=center_b, role=Role.DATA_ENTRY)
    # A finding of a rule that does not read today's date at the center where the coordinator only reads.
    now = timezone.now()
    Finding.objects.create(
        case=cases[0], rule_id="DQ-FU-002", record_model="registry.case", record_pk=cases[0].pk, field="follow_ups",
        severity="warning", stage="follow_up", message="contact on 2021-03-16", first_seen=now, last_seen=now,
    )  # fmt: skip
    findings = present_findings(people.coordinator, findings_for(people.coordinator).select_related("case"))

    assert {f.case.center_id for f in findings} == {cases[0].center_id, center_b.pk}
    # There the findings of rules that read today's date are left out; at their own center they are not.
    assert {f.rule_id for f in findings if f.case.center_id != center_b.pk} == {"DQ-FU-002"}
    assert any(RULES[f.rule_id].reads_today for f in findings if f.case.center_id == center_b.pk)
    for finding in findings:
        own = finding.case.center_id == center_b.pk
        assert finding.text == (finding.message if own else finding.rule.description), finding.rule_id


def test_a_case_turns_overdue_for_a_coordinator_only_from_one_month_to_the_next(people, case_a):
    # Watching a case enter "needs attention" on an exact day would date its last contact, and with the contact's
    # day offset, its diagnosis.
    from registry.access import cases_for
    from registry.selectors import _needs_attention, _with_flags

    def overdue(user, today):
        return _with_flags(cases_for(user)).filter(_needs_attention(today, user)).exists()

    last_contact = case_a.follow_ups.get().contact_date
    assert last_contact == date(2021, 3, 16)
    assert not overdue(people.entry_a, date(2022, 3, 16)) and overdue(people.entry_a, date(2022, 3, 17))
    assert not overdue(people.coordinator, date(2022, 3, 17)) and not overdue(people.coordinator, date(2022, 3, 31))
    assert overdue(people.coordinator, date(2022, 4, 1))


_CASE_MONTH = re.compile(r"<label>Diagnosis</label>(\d{4})-(\d{2})")
_DIAGNOSIS_SHIFT = re.compile(r"diagnosis date: day ([+-]?\d+) &rarr; day ([+-]?\d+)")


def diagnosis_dates_consistent_with(seen: Seen, case) -> set[date]:
    """The attacker of a month-boundary correction: the diagnosis month the case page showed at the first and at
    the last look, and any shift of the diagnosis date the audit trail shows (old and new as day offsets). The
    exact diagnosis dates consistent with all of it; one date left is a leak."""
    page = reverse("registry:case_detail", args=[case.pk])
    [first] = {(int(y), int(mo)) for y, mo in _CASE_MONTH.findall(seen.pages[page][0])}
    shifts = {
        int(old) - int(new)
        for url in (page, reverse("registry:case_history", args=[case.pk]))
        for text in seen.pages[url]
        for old, new in _DIAGNOSIS_SHIFT.findall(text)
    }
    [(year, month)] = {(int(y), int(mo)) for y, mo in _CASE_MONTH.findall(seen.pages[page][-1])}  # the last look
    candidates = set()
    for day in range(1, 32):
        now = _date(year, month, day)
        if now is None:
            continue
        before = {now + timedelta(days=shift) for shift in shifts}
        if all((d.year, d.month) == first for d in before):
            candidates.add(now)
    return candidates


def test_a_diagnosis_date_corrected_across_a_month_boundary_is_not_given_away_by_the_audit_trail(
    client, people, center_a
):
    from quality.services import case_check

    case = make_full_case(people.entry_a, center_a, birth=date(2024, 3, 22))
    assert case.diagnosis.diagnosis_date == date(2024, 5, 1)
    case_check(case)
    before = look_at_everything(client, people.coordinator, [case])

    diagnosis = case.diagnosis
    diagnosis.diagnosis_date = date(2024, 4, 30)
    records_save(user=people.entry_a, case=case, changes=[RecordChange(diagnosis, diagnosis.version)], reason="typo")
    case = m.Case.objects.get(pk=case.pk)
    case_check(case)
    after = look_at_everything(client, people.coordinator, [case])
    seen = merged(before, after)

    assert_no_birth_date_recoverable(seen, [case])
    # Both months were seen (2024-05, then 2024-04); the audit trail says the date changed but not by how much,
    # so every day of April is still possible. (The age in days changing with the month is a residual risk:
    # registry.presentation.)
    assert len(diagnosis_dates_consistent_with(seen, case)) == 30
    history = client.get(reverse("registry:case_history", args=[case.pk])).content.decode()
    assert "diagnosis date: (changed; not shown in the pseudonymized view)" in history


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def test_the_day_a_reminder_starts_firing_changes_nothing_a_coordinator_sees(client, people, center_a):
    # An overdue follow-up (DQ-FU-001) starts firing on the 366th day after the last contact: a coordinator who
    # saw it appear would know that contact's exact date, and from its day offset the diagnosis date.
    from datetime import datetime, time

    from django.utils import timezone

    from quality.services import case_check

    case = make_full_case(people.entry_a, center_a, birth=BIRTHS[0])
    last_contact = case.follow_ups.get().contact_date

    def look_on(day: date, user) -> dict[str, list[str]]:
        case_check(case, now=timezone.make_aware(datetime.combine(day, time(12))))
        seen = look_at_everything(client, user, [case])
        return {url: [_CSRF.sub("", text) for text in texts] for url, texts in seen.pages.items()}

    quiet, firing = last_contact + timedelta(days=365), last_contact + timedelta(days=366)
    before, after = look_on(quiet, people.coordinator), look_on(firing, people.coordinator)
    assert {url: after[url] for url in before} == before
    # The new finding's own address answers as an address that does not exist.
    client.force_login(people.coordinator)
    for url in set(after) - set(before):
        assert client.get(url).status_code == 404, url
    # The center still gets the reminder on its day.
    findings = f"{reverse('quality:finding_list')}?rule=DQ-FU-001"
    assert look_on(quiet, people.entry_a)[findings] != look_on(firing, people.entry_a)[findings]
