"""The dashboard's per-center figures, counted once and kept until the center's data changes.

Counting the cases that need attention reads every case with its diagnosis, treatment, cytogenetics, deaths and
follow-ups: about a second at 100 000 cases, on every dashboard. Each center's figures are kept in
`CenterFigures` with the `generation` they were counted at; every committed save, archive or import of a case or
one of its records moves its center's generation on (`changed`, wired to the models' signals and called by the
bulk writes), and figures of an older generation, or of another day (the overdue cut moves with the date), are
counted again. The reader's generation is read before counting, so figures counted while a change commits are
stored under the old generation and never used. The dashboard says when its figures were counted.

The data-quality dashboard reads its per-center cases, living children and those seen in the last 12 months, and
its open findings (quality.figures, whose writes move the generation on too), from the same kept figures
(`kept_for`); its open queries are counted live.

Every count goes through `registry.access.cases_for`: a user's dashboard counts only the centers they may read,
and the cases counted for a center are that center's live cases whoever counts them.
"""

from __future__ import annotations

import operator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import reduce

from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, F, OuterRef, Q, Subquery
from django.utils import timezone

from registry import models as m
from registry.choices import DEATH_KINDS

__all__ = ["Figures", "changed", "changed_cases", "figures_for", "kept_for"]

ATTENTION_LISTED = 15
NEWEST_LOOKED_AT = 300
EXACT, MONTH = "exact", "month"  # the overdue cut of readers with exact dates, and of pseudonymized readers
# What the kept figures hold; kept figures of another format (counted by an older version) are counted again.
# 2: the data-quality dashboard's living children and those seen within FOLLOW_UP_DUE_DAYS; 3: its open findings.
FORMAT = 3


@dataclass(frozen=True)
class Figures:
    total: int
    locked: int
    excluded: int
    attention_count: int
    attention_ids: list[int]  # the newest ATTENTION_LISTED cases needing attention, newest first
    by_center: list[dict]
    by_lineage: list[dict]
    counted_at: datetime | None  # the oldest count among the centers shown


def changed(center_ids) -> None:
    """After the current transaction commits: the figures of these centers are out of date."""
    ids = sorted({pk for pk in center_ids if pk is not None})
    if ids:
        transaction.on_commit(
            lambda: m.CenterFigures.objects.filter(center_id__in=ids).update(generation=F("generation") + 1)
        )


def changed_cases(case_ids) -> None:
    """`changed` for the centers of these cases."""
    ids = sorted({pk for pk in case_ids if pk is not None})
    if ids:
        transaction.on_commit(
            lambda: m.CenterFigures.objects.filter(
                center_id__in=Subquery(m.Case.objects.filter(pk__in=ids).values("center_id"))
            ).update(generation=F("generation") + 1)
        )


def _count_centers(user, center_ids: list[int], today: date, variants: list[str]) -> dict[int, dict]:
    """Count the figures of these centers afresh, with the attention counts of `variants` (the overdue cuts of
    the readers asking): a fixed number of queries, whatever the number of cases."""
    from quality.figures import count_findings
    from quality.rules.follow_up import FOLLOW_UP_DUE_DAYS
    from registry.access import cases_for
    from registry.selectors import _needs_attention_cut, _no_contact_since, _with_flags

    cuts = {v: _needs_attention_cut(today, exact=v == EXACT) for v in variants}
    # The data-quality dashboard's follow-up completeness: living children, and those with a contact since
    # `seen_since` (shown only to readers with exact dates at the center: quality.selectors.center_rows).
    seen_since = today - timedelta(days=FOLLOW_UP_DUE_DAYS)
    qs = _with_flags(cases_for(user).filter(center_id__in=center_ids)).order_by()
    out = {
        pk: {
            "format": FORMAT,
            "total": 0,
            "locked": 0,
            "excluded": 0,
            "living": 0,
            "seen": 0,
            "attention": dict.fromkeys(cuts, 0),
            "ids": {},
            "lineage": {},
        }
        for pk in center_ids
    }
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # The planner's cost for 100 000 cases' subqueries passes jit_above_cost: compiling took 1.2 s of 1.8.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        rows = qs.values("center_id").annotate(
            n_total=Count("pk"),
            n_locked=Count("pk", filter=Q(locked_at__isnull=False)),
            n_excluded=Count("pk", filter=Q(excluded=True)),  # (not named "excluded": the field is)
            **{f"n_{v}": Count("pk", filter=cut) for v, cut in cuts.items()},
        )
        for row in rows:
            fig = out[row["center_id"]]
            fig.update(total=row["n_total"], locked=row["n_locked"], excluded=row["n_excluded"])
            fig["attention"] = {v: row[f"n_{v}"] for v in cuts}
        # Apart from the flags above: as filtered counts there, PostgreSQL ran their subqueries once more per case
        # (+0.45 s at 100 000 cases); as filters here, each is one hashed (anti-)join.
        dead = m.OutcomeEvent.objects.filter(
            case=OuterRef("pk"), archived_at__isnull=True, kind__in=sorted(DEATH_KINDS)
        )
        living = cases_for(user).filter(center_id__in=center_ids).filter(~Exists(dead)).order_by()
        for pk, n in living.values_list("center_id").annotate(n=Count("pk")):
            out[pk]["living"] = n
        for pk, n in living.filter(~_no_contact_since(seen_since)).values_list("center_id").annotate(n=Count("pk")):
            out[pk]["seen"] = n
        for row in qs.values("center_id", "diagnosis__lineage").annotate(n=Count("pk")):
            out[row["center_id"]]["lineage"][row["diagnosis__lineage"] or ""] = row["n"]
        for pk in center_ids:
            out[pk]["ids"] = _newest_needing_attention(qs.filter(center_id=pk), cuts, out[pk])
        for pk, findings in count_findings(cases_for(user).filter(center_id__in=center_ids), center_ids).items():
            out[pk]["findings"] = findings
    return out


def _newest_needing_attention(qs, cuts: dict[str, Q], fig: dict) -> dict[str, list]:
    """The center's newest cases needing attention, for each cut. They are looked for among the center's
    `NEWEST_LOOKED_AT` newest cases first (their flags read case by case: asked for the newest 15 of 100 000,
    PostgreSQL reads the whole of every record table instead); only a center with fewer among those than it has
    in all is searched whole."""
    newest = qs.order_by("-created_at", "-pk")
    window = qs.filter(pk__in=list(newest.values_list("pk", flat=True)[:NEWEST_LOOKED_AT]))
    flagged = window.annotate(
        **{f"needs_{v}": ExpressionWrapper(cut, output_field=BooleanField()) for v, cut in cuts.items()}
    ).filter(reduce(operator.or_, cuts.values()))
    found = {v: [] for v in cuts}
    for pk, stamp, *needs in flagged.order_by("-created_at", "-pk").values_list(
        "pk", "created_at", *(f"needs_{v}" for v in cuts)
    ):
        for variant, need in zip(cuts, needs, strict=True):
            if need:
                found[variant].append([stamp.isoformat(), pk])
    for variant, cut in cuts.items():
        if len(found[variant]) < min(ATTENTION_LISTED, fig["attention"][variant]):
            found[variant] = [
                [stamp.isoformat(), pk]
                for pk, stamp in newest.filter(cut).values_list("pk", "created_at")[:ATTENTION_LISTED]
            ]
        found[variant] = found[variant][:ATTENTION_LISTED]
    return found


def kept_for(user, centers) -> dict[int, m.CenterFigures]:
    """The kept figures of `centers` (among those `user` may read), each counted again first if out of date."""
    from registry.access import access_for

    access = access_for(user)
    today = timezone.localdate()
    centers = list(centers)
    kept = {f.center_id: f for f in m.CenterFigures.objects.filter(center_id__in=centers)}
    missing = [pk for pk in centers if pk not in kept]
    if missing:
        m.CenterFigures.objects.bulk_create([m.CenterFigures(center_id=pk) for pk in missing], ignore_conflicts=True)
        kept = {f.center_id: f for f in m.CenterFigures.objects.filter(center_id__in=centers)}
    variant_of = {pk: EXACT if access.can_write_center(pk) else MONTH for pk in centers}

    def current(row) -> bool:
        return (
            row.counted_generation == row.generation and row.counted_on == today and row.figures.get("format") == FORMAT
        )

    todo = [pk for pk in centers if not (current(kept[pk]) and variant_of[pk] in kept[pk].figures["attention"])]
    if todo:
        counted = _count_centers(user, todo, today, sorted({variant_of[pk] for pk in todo}))
        now = timezone.now()
        for pk in todo:
            row, figures = kept[pk], counted[pk]
            if current(row):  # counted for readers with the other cut: that cut's figures stay
                figures["attention"] = {**row.figures["attention"], **figures["attention"]}
                figures["ids"] = {**row.figures["ids"], **figures["ids"]}
            # Stored under the generation read before counting: a change committed meanwhile moved it on.
            m.CenterFigures.objects.filter(pk=row.pk).update(
                counted_generation=row.generation, counted_on=today, counted_at=now, figures=figures
            )
            row.figures, row.counted_at = figures, now
    return kept


def figures_for(user) -> Figures:
    """The dashboard's figures over the centers `user` may read, each from its kept count or counted now."""
    from registry.access import access_for, centers_for

    access = access_for(user)
    centers = {c.pk: c for c in centers_for(user).order_by("code")}
    kept = kept_for(user, centers)
    total = locked = excluded = attention = 0
    newest: list[tuple[str, int]] = []
    by_center, lineage = [], {}
    for pk, center in centers.items():
        fig = kept[pk].figures
        variant = EXACT if access.can_write_center(pk) else MONTH
        total, locked, excluded = total + fig["total"], locked + fig["locked"], excluded + fig["excluded"]
        attention += fig["attention"][variant]
        newest += [tuple(x) for x in fig["ids"][variant]]
        if fig["total"]:
            by_center.append(
                {
                    "center__code": center.code,
                    "center__name": center.name,
                    "total": fig["total"],
                    "locked": fig["locked"],
                    "excluded": fig["excluded"],
                }
            )
        for code, n in fig["lineage"].items():
            lineage[code] = lineage.get(code, 0) + n
    newest.sort(reverse=True)
    by_lineage = [
        {"diagnosis__lineage": code or None, "n": n}
        for code, n in sorted(lineage.items(), key=lambda x: (not x[0], x[0]))
    ]
    stamps = [kept[pk].counted_at for pk in centers if kept[pk].counted_at]
    return Figures(
        total=total,
        locked=locked,
        excluded=excluded,
        attention_count=attention,
        attention_ids=[pk for _stamp, pk in newest[:ATTENTION_LISTED]],
        by_center=by_center,
        by_lineage=by_lineage,
        counted_at=min(stamps) if stamps else None,
    )


def _case_saved(sender, instance, **kwargs) -> None:
    changed([instance.center_id])


def _record_saved(sender, instance, **kwargs) -> None:
    changed_cases([instance.case_id])


def connect() -> None:
    """Every save or delete of a case or one of its records moves its center's figures on (apps.ready)."""
    from django.db.models.signals import post_delete, post_save

    for signal in (post_save, post_delete):
        signal.connect(_case_saved, sender=m.Case, dispatch_uid=f"figures_case_{signal is post_save}")
        for model in m.CASE_RECORD_MODELS:
            signal.connect(
                _record_saved, sender=model, dispatch_uid=f"figures_{model._meta.model_name}_{signal is post_save}"
            )
