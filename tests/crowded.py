"""A small registry in which every case has several records of each kind (cytogenetic findings, adverse events,
lab panels, follow-ups, markers, events), several findings and several queries, with archived cases and archived
records among them: data on which a count that joins two of these tables multiplies, and one that forgets the
archive counts too much. Built through the services, as users build it.

And the same figures counted the slow way: case by case, in plain Python loops over each case's own records.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from html.parser import HTMLParser

from django.utils import timezone

from quality.models import Finding, QueryStatus
from quality.rules import RULES
from quality.rules.follow_up import FOLLOW_UP_DUE_DAYS
from quality.selectors import COMPLETENESS_RULES
from quality.services import case_check, query_answer, query_close, query_open, registry_sweep
from registry import models as m
from registry.access import access_for, cases_for, centers_for
from registry.choices import DEATH_KINDS
from registry.selectors import FOLLOW_UP_OVERDUE_DAYS
from registry.services.cases import case_archive, case_lock
from registry.services.records import RecordChange, records_save
from tests.factories import make_case, make_full_case, save, vocab


def _crowd(user, case, *, recent_contact: bool = True) -> None:
    """More of everything on a full case: a second and third cytogenetic finding, more adverse events, the
    post-induction labs, more markers and follow-ups (one recent unless told otherwise), an archived one of each."""
    dx = case.diagnosis.diagnosis_date
    today = timezone.localdate()
    saved = save(
        user,
        case,
        m.CytogeneticFinding(case=case, method="fish", sample_date=dx, abnormality=vocab(m.Abnormality, "t(4;11)")),
        m.CytogeneticFinding(
            case=case, method="rt_pcr", sample_date=dx + timedelta(days=1), abnormality=vocab(m.Abnormality, "t(4;11)")
        ),
        m.AdverseEvent(
            case=case,
            event_type=vocab(m.AdverseEventType, "mucositis"),
            grade=2,
            onset_date=dx + timedelta(days=12),
            phase="induction",
        ),
        m.AdverseEvent(
            case=case,
            event_type=vocab(m.AdverseEventType, "toxic_hepatitis"),
            grade=3,
            onset_date=dx + timedelta(20),
            phase="induction",
        ),
        m.LabPanel(case=case, timepoint="post_induction", sample_date=dx + timedelta(days=34), wbc=5.0),
        m.MarkerFinding(case=case, marker=vocab(m.ImmunoMarker, "CD10"), result="negative"),
        m.MarkerFinding(case=case, marker=vocab(m.ImmunoMarker, "CD34"), result="positive"),
        m.FollowUp(case=case, contact_date=dx + timedelta(days=200), vital_status="alive"),
        *([m.FollowUp(case=case, contact_date=today - timedelta(days=30), vital_status="alive")] * recent_contact),
        # Archived below: a recent contact and an adverse event that no count may see.
        m.FollowUp(case=case, contact_date=today - timedelta(days=3), vital_status="alive"),
        m.AdverseEvent(
            case=case,
            event_type=vocab(m.AdverseEventType, "mucositis"),
            grade=1,
            onset_date=dx + timedelta(days=5),
            phase="induction",
        ),
    )
    records_save(
        user=user, case=case, changes=[RecordChange(r, expected_version=r.version, archive=True) for r in saved[-2:]]
    )


def _archive_every(user, case, model) -> None:
    records = list(model.objects.filter(case=case, archived_at__isnull=True))
    records_save(
        user=user, case=case, changes=[RecordChange(r, expected_version=r.version, archive=True) for r in records]
    )


@dataclass
class Crowd:
    cases: list = field(default_factory=list)
    archived: list = field(default_factory=list)


def make_crowded_registry(people, center_a, center_b) -> Crowd:
    crowd = Crowd()
    a, b = people.entry_a, people.entry_b

    a1 = make_full_case(a, center_a)  # complete, seen recently, locked: needs no attention
    _crowd(a, a1)
    a2 = make_full_case(a, center_a, birth=date(2021, 2, 1))  # only an archived recent contact: overdue
    _crowd(a, a2, recent_contact=False)
    a3 = make_full_case(a, center_a, birth=date(2021, 6, 1))  # died: no follow-up owed
    _crowd(a, a3, recent_contact=False)
    save(
        a,
        a3,
        m.OutcomeEvent(
            case=a3, kind="death", event_date=timezone.localdate() - timedelta(days=2), death_cause="infection"
        ),
    )
    a4 = make_full_case(a, center_a, birth=date(2022, 1, 1))  # its cytogenetics all archived
    _crowd(a, a4)
    _archive_every(a, a4, m.CytogeneticFinding)
    a5 = make_case(a, center_a, birth=date(2023, 1, 1))  # the child only: no diagnosis yet
    a6 = make_case(a, center_a, birth=date(2023, 2, 1), excluded=True, exclusion_reason="chemo_refused")
    save(a, a6, m.Diagnosis(case=a6, diagnosis_date=date(2023, 2, 20), lineage="AML"))
    a_gone = make_full_case(a, center_a, birth=date(2020, 6, 1))  # archived with all its records
    _crowd(a, a_gone)

    b1 = make_full_case(b, center_b)
    _crowd(b, b1)
    b2 = make_full_case(b, center_b, birth=date(2022, 3, 1))
    _crowd(b, b2, recent_contact=False)
    b_gone = make_full_case(b, center_b, birth=date(2021, 9, 1))
    _crowd(b, b_gone)

    case_lock(user=people.lead_a, case=a1)
    every = [a1, a2, a3, a4, a5, a6, a_gone, b1, b2, b_gone]
    for case in every:
        case_check(case)
    # Queries: three on most cases, in every status; the center answers some and the data manager closes some.
    for n, case in enumerate(every):
        for k in range(1 + n % 3):
            query = query_open(user=people.manager, case=case, subject=f"Question {k}", text="Please check.")
            if k == 1:
                query_answer(user=people.entry_a if case.center == center_a else b, query=query, text="Checked.")
            if k == 2:
                query_close(user=people.manager, query=query, text="Fine.")
    registry_sweep(now=timezone.now() - timedelta(days=1))
    case_archive(user=a, case=a_gone, reason="Registered twice.")
    case_archive(user=b, case=b_gone, reason="Registered twice.")
    registry_sweep()
    # An archived case's finding left open (between two sweeps): no count may see it.
    now = timezone.now()
    Finding.objects.create(
        case=a_gone,
        rule_id="DQ-COMP-003",
        severity="warning",
        stage="diagnosis",
        record_model="registry.case",
        record_pk=a_gone.pk,
        field="cns_status",
        message="left open",
        first_seen=now,
        last_seen=now,
    )
    crowd.cases = [a1, a2, a3, a4, a5, a6, b1, b2]
    crowd.archived = [a_gone, b_gone]
    return crowd


# ---- The same figures, counted case by case ----------------------------------------------------------------


def _live(records):
    return [r for r in records if r.archived_at is None]


def _diagnosis(case):
    return m.Diagnosis.objects.filter(case=case).first()


def _is_dead(case) -> bool:
    return any(e.kind in DEATH_KINDS for e in _live(case.events.all()))


def _last_contact(case):
    dates = [f.contact_date for f in _live(case.follow_ups.all())]
    return max(dates) if dates else None


def registry_counts(user) -> dict:
    """The registry dashboard's figures for `user`, from one case at a time."""
    today = timezone.localdate()
    overdue = today - timedelta(days=FOLLOW_UP_OVERDUE_DAYS)
    out = {"total": 0, "locked": 0, "excluded": 0, "attention": set()}
    by_center: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    by_lineage: Counter = Counter()
    for case in cases_for(user).select_related("center"):
        out["total"] += 1
        out["locked"] += case.locked_at is not None
        out["excluded"] += case.excluded
        by_center[case.center.code][0] += 1
        by_center[case.center.code][1] += case.locked_at is not None
        diagnosis = _diagnosis(case)
        by_lineage[diagnosis.lineage if diagnosis else None] += 1
        no_cytogenetics = not _live(case.findings.all())
        no_treatment = not m.Treatment.objects.filter(case=case).exists()
        last = _last_contact(case)
        not_seen = not _is_dead(case) and (last is None or last < overdue)
        if diagnosis is None or (not case.excluded and (no_cytogenetics or no_treatment)) or not_seen:
            out["attention"].add(case.registry_id)
    out["by_center"] = {code: tuple(v) for code, v in by_center.items()}
    out["by_lineage"] = dict(by_lineage)
    return out


@dataclass
class CenterCount:
    cases: int = 0
    cases_with_errors: int = 0
    open_errors: int = 0
    open_warnings: int = 0
    open_info: int = 0
    open_queries: int = 0
    living: int = 0
    living_seen_12m: int = 0
    follow_up_shown: bool = True
    incomplete_by_stage: Counter = field(default_factory=Counter)


def quality_counts(user) -> dict:
    """The quality dashboard's figures for `user`, from one case at a time: per center, per rule (open findings,
    cases, per center), per case (the drill-down), and the totals of the panel.

    Where the user has no exact dates (registry.presentation: not the case's own center, not the data manager),
    the findings of rules that read today's date are not counted and follow-up completeness is not shown."""
    access = access_for(user)
    today = timezone.localdate()
    cutoff = today - timedelta(days=FOLLOW_UP_DUE_DAYS)
    centers = {c.code: CenterCount() for c in centers_for(user)}
    rules: dict[str, list] = defaultdict(lambda: [0, set(), Counter()])
    per_case = {}
    for case in cases_for(user).select_related("center"):
        row = centers[case.center.code]
        row.cases += 1
        exact = access.can_write_center(case.center_id)
        findings = [
            f
            for f in case.quality_findings.all()
            if f.resolved_at is None and (exact or not RULES[f.rule_id].reads_today)
        ]
        severities = Counter(f.severity for f in findings)
        row.open_errors += severities["error"]
        row.open_warnings += severities["warning"]
        row.open_info += severities["info"]
        row.cases_with_errors += severities["error"] > 0
        queries = sum(q.status != QueryStatus.CLOSED for q in case.quality_queries.all())
        row.open_queries += queries
        for stage in {f.stage for f in findings if f.rule_id in COMPLETENESS_RULES}:
            row.incomplete_by_stage[stage] += 1
        if not exact:
            row.follow_up_shown = False
        elif not _is_dead(case):
            row.living += 1
            last = _last_contact(case)
            row.living_seen_12m += last is not None and last >= cutoff
        for f in findings:
            rules[f.rule_id][0] += 1
            rules[f.rule_id][1].add(case.pk)
            rules[f.rule_id][2][case.center.code] += 1
        if findings:
            per_case[case.registry_id] = (
                case.center.code,
                severities["error"],
                severities["warning"],
                severities["info"],
                queries,
            )
    return {"centers": centers, "rules": dict(rules), "per_case": per_case}


# ---- Reading the numbers back from a rendered page ----------------------------------------------------------


class _Tables(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self.heading = ""
        self._in_heading = False
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self._in_heading, self.heading = True, ""
        elif tag == "table":
            self.tables.append((self.heading.strip(), []))
        elif tag == "tr":
            self._row = []
            self.tables[-1][1].append(self._row)
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "h2":
            self._in_heading = False
        elif tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None

    def handle_data(self, data):
        if self._in_heading:
            self.heading += data
        if self._cell is not None:
            self._cell.append(data)


def tables(html: str) -> dict[str, list[list[str]]]:
    """{the h2 above a table: its rows of cell texts (header row first)}."""
    parser = _Tables()
    parser.feed(html)
    return {heading: rows for heading, rows in parser.tables}


def stats(html: str) -> dict[str, int]:
    """{label: number} of the headline figures (`<div class="stat"><b>N</b>label</div>`)."""
    return {
        " ".join(re.sub(r"<[^>]+>", "", label).split()): int(number)
        for number, label in re.findall(r'<div class="stat"><b>\s*(\d+)\s*</b>(.*?)</div>', html, re.S)
    }
