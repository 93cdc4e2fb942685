"""Reads for the quality pages. Every one starts from registry.access (cases_for / centers_for): a center's
user sees only their centers' findings and queries; the data manager sees every center."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from django.db import connection
from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from quality.models import Finding, QualitySnapshot, Query, QueryStatus, Severity, Stage
from quality.rules import RULES
from quality.rules.follow_up import FOLLOW_UP_DUE_DAYS
from quality.rules.registry import today_rule_ids
from registry.access import access_for, cases_for, centers_for
from registry.choices import DEATH_KINDS
from registry.figures import kept_for
from registry.models import Case, Center, FollowUp, OutcomeEvent

__all__ = [
    "COMPLETENESS_RULES",
    "CaseRows",
    "CenterRow",
    "cases_with_findings",
    "center_rows",
    "counted_at",
    "findings_for",
    "findings_listed",
    "kept_figures",
    "open_counts_by_case",
    "quality_counts_for_cases",
    "queries_for",
    "rule_rows",
    "trend",
]

# Rules that say "something is missing" (the rest say "something is wrong"): completeness is the share of
# cases with none of these open, per stage.
COMPLETENESS_RULES = frozenset(
    rule_id for rule_id in RULES if rule_id.startswith("DQ-COMP") and rule_id not in {"DQ-COMP-022", "DQ-COMP-023"}
) | {"DQ-CYTO-001", "DQ-FU-001"}
COMPLETENESS_STAGES = (Stage.DIAGNOSIS, Stage.CYTOGENETICS, Stage.TREATMENT, Stage.END_OF_INDUCTION, Stage.FOLLOW_UP)


def _today_hidden(user) -> Q | None:
    """The findings `user` may not see: those of rules that read today's date (``reads_today``), at centers
    where the user has no exact dates (registry.presentation's rule). The day such a rule starts firing dates
    a record exactly; None when the user sees exact dates everywhere."""
    access = access_for(user)
    if access.write_all:
        return None
    return Q(rule_id__in=sorted(today_rule_ids())) & ~Q(case__center_id__in=sorted(access.write_center_ids))


def shows_today_rules_everywhere(user) -> bool:
    """False when some of the user's findings are left out (the dashboard says so)."""
    access = access_for(user)
    return access.write_all or centers_for(user).exclude(pk__in=access.write_center_ids).count() == 0


def findings_for(user, *, open_only: bool = True) -> QuerySet[Finding]:
    """The findings of the user's cases that the user may see (no date-revealing ones: `_today_hidden`).

    The user's cases are `cases_for`'s: live ones of their centers. For a reader of every center that is "on
    no archived case", a filter on the few archived cases: a semi-join with every live case made counting
    120 000 open findings by case three times slower (270 -> 90 ms)."""
    if access_for(user).read_all:
        qs = Finding.objects.exclude(case__in=Case.objects.filter(archived_at__isnull=False).values("pk"))
    else:
        qs = Finding.objects.filter(case__in=cases_for(user))
    hidden = _today_hidden(user)
    if hidden is not None:
        qs = qs.exclude(hidden)
    return qs.filter(resolved_at__isnull=True) if open_only else qs


def cases_with_findings(user, *, center: str = "", rule: str = "", severity: str = "", stage: str = "") -> CaseRows:
    """The user's cases that have open findings (matching the filters), with their open errors, warnings and
    info and open queries counted, most errors first: the drill-down from a center or a rule to its cases.

    One aggregate over the open findings the user may see (`findings_for`), grouped by case, counts them by
    severity, orders the cases and is cut to the page; the page's cases are read by id. Correlated counts per
    case counted every matching case before the page was cut: 3.0 s for every case, 0.6 s for a center (120 000
    open findings on 100 000 cases)."""
    visible = findings_for(user).order_by()  # only the findings the user may see (`_today_hidden`)
    if center:
        visible = visible.filter(case__center__code=center)
    matching = {lookup: value for lookup, value in (("rule_id", rule), ("severity", severity), ("stage", stage))}
    matching = {lookup: value for lookup, value in matching.items() if value}
    if matching:  # the cases with a matching finding, with all their findings counted
        visible = visible.filter(case__in=visible.filter(**matching).values("case"))
    by_case = visible.values("case").annotate(
        n_errors=Count("case", filter=Q(severity=Severity.ERROR)),
        n_warnings=Count("case", filter=Q(severity=Severity.WARNING)),
        n_info=Count("case", filter=Q(severity=Severity.INFO)),
    )
    return CaseRows(user, by_case)


class CaseRows:
    """`cases_with_findings`' rows as a Paginator reads them: `count()` counts the aggregate's rows; a slice
    orders them (most errors, then most warnings, then registry id), cuts the page and then reads its cases
    (with their center and open queries) by id.

    The order needs each case's registry id: the findings are grouped by case first and the cases joined to the
    groups after (SQL around the aggregate's own: Django has no subquery in FROM). Grouped together with the
    case's columns, the whole join is hashed and spills to disk: 0.6 s at 120 000 open findings."""

    COUNTS = ("n_errors", "n_warnings", "n_info")

    def __init__(self, user, by_case: QuerySet):
        self._user, self._by_case = user, by_case

    def count(self) -> int:
        return self._by_case.count()

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, index.stop
        sql, params = self._by_case.order_by().query.sql_with_params()
        quote = connection.ops.quote_name
        page_sql = (
            f"SELECT f.{quote('case')}, {', '.join(f'f.{name}' for name in self.COUNTS)} FROM ({sql}) f "
            f"JOIN {quote(Case._meta.db_table)} c ON c.id = f.{quote('case')} "
            f"ORDER BY f.n_errors DESC, f.n_warnings DESC, c.registry_id "
            f"LIMIT {'ALL' if stop is None else int(stop - start)} OFFSET {int(start)}"
        )
        with connection.cursor() as cursor:
            cursor.execute(page_sql, params)
            rows = cursor.fetchall()
        open_queries = Query.objects.filter(case=OuterRef("pk")).exclude(status=QueryStatus.CLOSED).order_by()
        cases = cases_for(self._user).filter(pk__in=[row[0] for row in rows]).select_related("center")
        cases = cases.annotate(
            n_queries=Coalesce(Subquery(open_queries.values("case").annotate(n=Count("pk")).values("n")), 0)
        ).in_bulk()
        page = []
        for case_id, *counts in rows:
            case = cases.get(case_id)
            if case is None:  # archived between the two reads: left out rather than failing the page
                continue
            for name, n in zip(self.COUNTS, counts, strict=True):
                setattr(case, name, n)
            page.append(case)
        return page


def findings_listed(user, *, center: str = "", rule: str = "", severity: str = "", stage: str = "") -> FindingRows:
    """The open findings the user may see (`findings_for`) matching the filters, by center code, case and rule:
    the findings list."""
    qs = findings_for(user)
    if center:
        qs = qs.filter(case__center__code=center)
    for value, lookup in ((rule, "rule_id"), (severity, "severity"), (stage, "stage")):
        if value:
            qs = qs.filter(**{lookup: value})
    return FindingRows(qs)


class FindingRows:
    """`findings_listed`' rows as a Paginator reads them, center by center: `count()` counts them by center (in
    the centers' code order), a slice reads each center's part of the page in case and rule order, walking the
    open findings' index by case. Ordered by center code over every center, the page was cut from all the open
    findings joined to their cases and sorted: 0.4 s at 120 000. At most one query a center."""

    def __init__(self, qs: QuerySet[Finding]):
        self._qs = qs
        self._by_center: list[tuple[str, int]] | None = None

    def by_center(self) -> list[tuple[str, int]]:
        if self._by_center is None:
            counts = self._qs.order_by("case__center__code").values_list("case__center__code").annotate(n=Count("pk"))
            self._by_center = list(counts)
        return self._by_center

    def count(self) -> int:
        return sum(n for _code, n in self.by_center())

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            return self[index : index + 1][0]
        start, stop = index.start or 0, self.count() if index.stop is None else index.stop
        page, first = [], 0  # first: the position of the center's first finding in the whole list
        for code, n in self.by_center():
            lo, hi = max(start - first, 0), min(stop - first, n)
            if lo < hi:
                rows = self._qs.filter(case__center__code=code).select_related("case__center")
                page += rows.order_by("case_id", "rule_id", "pk")[lo:hi]
            first += n
        return page


def queries_for(user) -> QuerySet[Query]:
    """Queries of the user's cases. Coordinators read pooled data, not the correspondence about it."""
    access = access_for(user)
    if not (access.is_data_manager or access.write_center_ids):
        return Query.objects.none()
    return Query.objects.filter(case__in=cases_for(user))


def _pct(part: int, whole: int) -> float | None:
    return round(100.0 * part / whole, 1) if whole else None


@dataclass
class CenterRow:
    center_id: int
    code: str
    name: str
    cases: int = 0
    cases_with_errors: int = 0
    open_errors: int = 0
    open_warnings: int = 0
    open_info: int = 0
    open_queries: int = 0
    living: int = 0
    living_seen_12m: int = 0
    follow_up_shown: bool = True  # False: the reader has no exact dates at this center (center_rows)
    counted_at: datetime | None = None  # when cases and follow-up were counted (kept figures), else None
    incomplete_by_stage: dict[str, int] = field(default_factory=dict)

    @property
    def follow_up_pct(self) -> float | None:
        return _pct(self.living_seen_12m, self.living)

    @property
    def completeness(self) -> list[tuple[str, float | None]]:
        return [(stage.label, _pct(self.cases - self.incomplete_by_stage.get(stage, 0), self.cases))
                for stage in COMPLETENESS_STAGES]  # fmt: skip

    @property
    def clean_pct(self) -> float | None:
        return _pct(self.cases - self.cases_with_errors, self.cases)


def _living(cases: QuerySet[Case]) -> QuerySet[Case]:
    live = {"case": OuterRef("pk"), "archived_at__isnull": True}
    return cases.annotate(dead=Exists(OutcomeEvent.objects.filter(kind__in=sorted(DEATH_KINDS), **live))).filter(
        dead=False
    )


def _seen_since(day: date) -> QuerySet[FollowUp]:
    """The cases with a live follow-up on or after `day` (their last contact is on or after it), as a semi-join:
    PostgreSQL reads the follow-ups once instead of taking a MAX per case (100 000 cases)."""
    return FollowUp.objects.filter(archived_at__isnull=True, contact_date__gte=day).values("case")


def center_rows(
    cases: QuerySet[Case], centers, *, today: date | None = None, user=None, kept: dict | None = None
) -> list[CenterRow]:
    """Per center: cases, open findings by severity, cases with errors, open queries, completeness by stage,
    and follow-up completeness (living children seen in the last 12 months). A fixed number of queries.

    For `user`, findings they may not see are left out, and follow-up completeness too where they have no
    exact dates: a living child drops out of "seen in 12 months" on an exact day. With `kept` (registry.figures'
    kept figures of these centers, counted today, and `user`), cases, follow-up and findings are read from there
    instead of counted: three passes over every case and five over every open finding."""
    today = today or timezone.localdate()
    rows = {c.pk: CenterRow(c.pk, c.code, c.name) for c in centers}
    if kept is not None:
        _from_kept(rows, kept, access_for(user))
    else:
        for pk, n in cases.values_list("center").annotate(n=Count("pk")).order_by():
            if pk in rows:
                rows[pk].cases = n
        _count_findings(rows, cases, user)
    queries = Query.objects.filter(case__in=cases).exclude(status=QueryStatus.CLOSED).values_list("case__center")
    for pk, n in queries.annotate(n=Count("pk")).order_by():
        if pk in rows:
            rows[pk].open_queries = n
    if kept is None:
        cutoff = today - timedelta(days=FOLLOW_UP_DUE_DAYS)
        living = _living(cases).values_list("center").annotate(n=Count("pk")).order_by()
        seen = dict(
            _living(cases).filter(pk__in=_seen_since(cutoff)).values_list("center").annotate(n=Count("pk")).order_by()
        )
        for pk, n in living:
            if pk in rows:
                rows[pk].living, rows[pk].living_seen_12m = n, seen.get(pk, 0)
    exact = None if user is None else access_for(user)
    if exact is not None:
        for pk, row in rows.items():
            if not exact.can_write_center(pk):
                row.living = row.living_seen_12m = 0
                row.follow_up_shown = False
    return list(rows.values())


def _visible_rules(kept_row, access) -> dict[str, list[int]]:
    """The kept {rule: [findings, cases]} of a center that `access`'s reader may see: without the rules that
    read today's date where the reader has no exact dates (`_today_hidden`)."""
    rules = kept_row.figures["findings"]["rules"]
    if access.can_write_center(kept_row.center_id):
        return rules
    today_rules = today_rule_ids()
    return {rule_id: counts for rule_id, counts in rules.items() if rule_id not in today_rules}


def _from_kept(rows: dict[int, CenterRow], kept: dict, access) -> None:
    attr = {Severity.ERROR: "open_errors", Severity.WARNING: "open_warnings", Severity.INFO: "open_info"}
    for pk, row in rows.items():
        figures, findings = kept[pk].figures, kept[pk].figures["findings"]
        row.cases, row.living, row.living_seen_12m = figures["total"], figures["living"], figures["seen"]
        row.counted_at = kept[pk].counted_at
        variant = "all" if access.can_write_center(pk) else "shown"  # (`_today_hidden`)
        for severity, n in findings["severity"][variant].items():
            setattr(row, attr[severity], n)
        row.cases_with_errors = findings["errors"][variant]
        row.incomplete_by_stage = dict(findings["missing"][variant])


def _count_findings(rows: dict[int, CenterRow], cases, user) -> None:
    findings = Finding.objects.filter(case__in=cases, resolved_at__isnull=True)
    hidden = None if user is None else _today_hidden(user)
    if hidden is not None:
        findings = findings.exclude(hidden)
    attr = {Severity.ERROR: "open_errors", Severity.WARNING: "open_warnings", Severity.INFO: "open_info"}
    for pk, severity, n in findings.values_list("case__center", "severity").annotate(n=Count("pk")).order_by():
        if pk in rows:
            setattr(rows[pk], attr[severity], n)
    errors = findings.filter(severity=Severity.ERROR).values_list("case__center")
    for pk, n in errors.annotate(n=Count("case", distinct=True)).order_by():
        if pk in rows:
            rows[pk].cases_with_errors = n
    missing = findings.filter(rule_id__in=COMPLETENESS_RULES).values_list("case__center", "stage")
    for pk, stage, n in missing.annotate(n=Count("case", distinct=True)).order_by():
        if pk in rows:
            rows[pk].incomplete_by_stage[stage] = n


def kept_figures(user) -> dict:
    """The kept figures of the user's centers (registry.figures), counted again first where out of date."""
    return kept_for(user, list(centers_for(user).values_list("pk", flat=True)))


def overview(user, kept: dict | None = None) -> list[CenterRow]:
    """The dashboard's rows: cases, follow-up and findings from the kept figures (`kept_figures`), open
    queries counted."""
    kept = kept_figures(user) if kept is None else kept
    return center_rows(cases_for(user), centers_for(user), user=user, kept=kept)


def counted_at(rows: list[CenterRow]):
    """When the oldest of the kept figures behind `rows` was counted (the dashboard says so)."""
    return min((row.counted_at for row in rows if row.counted_at), default=None)


@dataclass(frozen=True)
class RuleRow:
    rule: object
    findings: int
    cases: int
    by_center: list[int]


def rule_rows(user, center_codes: list[str], kept: dict | None = None) -> list[RuleRow]:
    """Every rule with its open findings and cases, and open findings per center (in `center_codes` order);
    from registry.figures' kept figures of the user's centers (`kept`, read if not given)."""
    access = access_for(user)
    kept = kept_figures(user) if kept is None else kept
    code_of = dict(Center.objects.filter(pk__in=list(kept)).values_list("pk", "code"))
    totals: dict[str, list[int]] = {}
    per_center: dict[tuple[str, str], int] = {}
    for pk, row in kept.items():
        for rule_id, (n, cases) in _visible_rules(row, access).items():
            total = totals.setdefault(rule_id, [0, 0])
            total[0], total[1] = total[0] + n, total[1] + cases  # a case is at one center: its cases add up
            per_center[rule_id, code_of[pk]] = per_center.get((rule_id, code_of[pk]), 0) + n
    return [
        RuleRow(
            rule,
            *totals.get(rule_id, (0, 0)),
            by_center=[per_center.get((rule_id, code), 0) for code in center_codes],
        )
        for rule_id, rule in sorted(RULES.items())
    ]


def trend(user, *, days: int = 90) -> list[dict]:
    """Open findings, queries and follow-up over the last `days` days, summed over the user's centers."""
    if not shows_today_rules_everywhere(user):
        # Snapshots count every finding and every living child: a day's change would date a record.
        return []
    since = timezone.localdate() - timedelta(days=days)
    rows = (
        QualitySnapshot.objects.filter(center__in=centers_for(user), day__gte=since)
        .values("day")
        .annotate(
            cases=Sum("cases"),
            errors=Sum("open_errors"),
            warnings=Sum("open_warnings"),
            info=Sum("open_info"),
            queries=Sum("open_queries"),
            living=Sum("living"),
            seen=Sum("living_seen_12m"),
        )
        .order_by("day")
    )
    return [{**row, "follow_up_pct": _pct(row["seen"] or 0, row["living"] or 0)} for row in rows]


def open_counts_by_case(cases) -> dict[int, tuple[int, int]]:
    """{case pk: (open queries, open error-level findings)} for a case queryset, in two queries. The analysis
    dataset carries these per case, so every run can say how many included cases had open problems. Findings of
    rules that read today's date are not counted: a pooled run's reader has no exact dates."""
    counts: dict[int, list[int]] = {}
    queries = Query.objects.filter(case__in=cases).exclude(status=QueryStatus.CLOSED)
    for pk, n in queries.values_list("case").annotate(n=Count("pk")).order_by():
        counts.setdefault(pk, [0, 0])[0] = n
    errors = Finding.objects.filter(case__in=cases, resolved_at__isnull=True, severity=Severity.ERROR).exclude(
        rule_id__in=sorted(today_rule_ids())
    )
    for pk, n in errors.values_list("case").annotate(n=Count("pk")).order_by():
        counts.setdefault(pk, [0, 0])[1] = n
    return {pk: (q, e) for pk, (q, e) in counts.items()}


def quality_counts_for_cases(case_ids) -> dict[str, int]:
    """For an analysis run: how many of its included cases have open queries or open error-level findings."""
    ids = list(case_ids)
    return {
        "cases": len(ids),
        "with_open_queries": Query.objects.filter(case_id__in=ids)
        .exclude(status=QueryStatus.CLOSED)
        .values("case")
        .distinct()
        .count(),
        "with_error_findings": Finding.objects.filter(
            case_id__in=ids, resolved_at__isnull=True, severity=Severity.ERROR
        )
        .exclude(rule_id__in=sorted(today_rule_ids()))
        .values("case")
        .distinct()
        .count(),
    }
