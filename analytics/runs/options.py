"""What a run is asked to do: the filters that pick its cases and the settings that shape its endpoints.

Plain frozen dataclasses, stored on the run as JSON (``as_dict`` / ``from_dict``), compared for idempotency.
No Django here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from analytics.derive import EndpointSettings
from analytics.reports.i18n import gettext as _
from analytics.reports.i18n import gettext_noop, label, ngettext, settings_items, yes_no

__all__ = ["CI_TRANSFORMS", "INDUCTION_FAILURE_DATINGS", "LINEAGES", "RunFilters", "RunSettings"]

CI_TRANSFORMS = ("log-log", "log", "plain")
INDUCTION_FAILURE_DATINGS = ("day0", "event_date")
LINEAGES = ("ALL", "AML", "MPAL", "unspecified")

BAD_YEARS = gettext_noop("The first diagnosis year must not be after the last.")
BAD_CI = "ci_transform must be one of " + ", ".join(CI_TRANSFORMS)
BAD_LINEAGE = "lineages must be among " + ", ".join(LINEAGES)
UNKNOWN_KEY = "unknown key"
BAD_PLANS = "each plan of a run needs its version_id and spec"


def _strings(values) -> tuple[str, ...]:
    return tuple(sorted({str(v) for v in values or ()}))


def _known(cls, data: dict[str, Any]) -> dict[str, Any]:
    names = {f.name for f in fields(cls)}
    unknown = sorted(set(data) - names)
    if unknown:
        raise ValueError(f"{cls.__name__}: {UNKNOWN_KEY} {', '.join(unknown)}")
    return data


@dataclass(frozen=True)
class RunFilters:
    """Which cases a run reads.

    Parameters
    ----------
    centers : codes of the centers to include; empty means every center the requester may read.
    lineages, protocols : lineage codes and protocol names; empty means all.
    year_from, year_to : diagnosis years, inclusive; None leaves that end open.
    cal_only : only congenital acute leukemia (diagnosed at <= 28 days of life).
    apply_exclusions : leave out the cases recorded as excluded from outcome analyses.
    """

    centers: tuple[str, ...] = ()
    lineages: tuple[str, ...] = ()
    protocols: tuple[str, ...] = ()
    year_from: int | None = None
    year_to: int | None = None
    cal_only: bool = False
    apply_exclusions: bool = True

    def __post_init__(self) -> None:
        for name in ("centers", "lineages", "protocols"):
            object.__setattr__(self, name, _strings(getattr(self, name)))
        if set(self.lineages) - set(LINEAGES):
            raise ValueError(BAD_LINEAGE)
        if self.year_from is not None and self.year_to is not None and self.year_from > self.year_to:
            raise ValueError(BAD_YEARS)

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        for name in ("centers", "lineages", "protocols"):
            data[name] = list(data[name])
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RunFilters:
        return cls(**_known(cls, dict(data or {})))

    def years_text(self) -> str:
        """The diagnosis years as a sentence: "Cases diagnosed 2015-2024", "All diagnosis years"."""
        first, last = self.year_from, self.year_to
        if first is not None and last is not None:
            return _("Cases diagnosed {first}-{last}").format(first=first, last=last)
        if first is not None:
            return _("Cases diagnosed from {first}").format(first=first)
        if last is not None:
            return _("Cases diagnosed up to {last}").format(last=last)
        return _("All diagnosis years")

    def items(self) -> list[tuple[str, str]]:
        """The filters as (label, sentence) pairs in the active language: what a run page shows."""
        return [
            (_("Centers"), ", ".join(self.centers) if self.centers else _("All centers")),
            (
                _("Lineages"),
                ", ".join(label("lineage", v) for v in self.lineages) if self.lineages else _("All lineages"),
            ),
            (_("Protocols"), ", ".join(self.protocols) if self.protocols else _("All protocols")),
            (_("Diagnosis years"), self.years_text()),
            (_("Congenital acute leukemia only (≤ 28 days)"), yes_no(self.cal_only)),
            (_("Recorded exclusions applied"), yes_no(self.apply_exclusions)),
        ]

    def describe(self) -> str:
        """One line in codes for the logs (the access log's detail of an export)."""
        parts = [
            f"centers {', '.join(self.centers)}" if self.centers else "all centers",
            f"lineage {', '.join(self.lineages)}" if self.lineages else "all lineages",
            f"protocol {', '.join(self.protocols)}" if self.protocols else "all protocols",
        ]
        if self.year_from is not None or self.year_to is not None:
            parts.append(f"diagnosed {self.year_from or '...'}-{self.year_to or '...'}")
        if self.cal_only:
            parts.append("CAL only")
        parts.append("exclusions applied" if self.apply_exclusions else "exclusions kept")
        return "; ".join(parts)

    def summary(self) -> str:
        """The filters as one sentence a reader understands, in the active language (the report's run facts)."""
        parts = [
            _("Centers: {codes}").format(codes=", ".join(self.centers)) if self.centers else _("All centers"),
            ngettext("Lineage: {labels}", "Lineages: {labels}", len(self.lineages)).format(
                labels=", ".join(label("lineage", v) for v in self.lineages)
            )
            if self.lineages
            else _("All lineages"),
            ngettext("Protocol: {names}", "Protocols: {names}", len(self.protocols)).format(
                names=", ".join(self.protocols)
            )
            if self.protocols
            else _("All protocols"),
            self.years_text(),
        ]
        if self.cal_only:
            parts.append(_("Congenital acute leukemia only"))
        parts.append(_("Recorded exclusions applied") if self.apply_exclusions else _("Excluded cases kept"))
        return "; ".join(parts)


@dataclass(frozen=True)
class RunSettings:
    """How a run derives its endpoints and draws its confidence intervals.

    ``rule_version`` is the cytogenetic risk rule set; a request without one is pinned to the default rule set's
    version before the run is stored, so the run always names the version it used.

    ``plans`` are the analysis plan versions the run executes, each a dict ``{"version_id", "plan_id", "number",
    "registered", "spec"}`` with the spec as that version held it when the run was asked for: the run carries
    what it executes, so a draft edited later cannot change what a run did, and the fingerprint covers it.
    """

    induction_failure_dating: str = "day0"
    induction_window_days: int = 14
    ci_transform: str = "log-log"
    rule_version: str | None = None
    plans: tuple[dict[str, Any], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "plans", tuple(dict(p) for p in self.plans or ()))
        if any(not {"version_id", "spec"} <= set(p) for p in self.plans):
            raise ValueError(BAD_PLANS)
        self.endpoint_settings()  # validates dating and window with the derivations' own messages
        if self.ci_transform not in CI_TRANSFORMS:
            raise ValueError(f"{BAD_CI}, not {self.ci_transform!r}")

    def endpoint_settings(self) -> EndpointSettings:
        return EndpointSettings(
            induction_failure_dating=self.induction_failure_dating,  # type: ignore[arg-type]
            induction_window_days=self.induction_window_days,
        )

    def items(self) -> list[tuple[str, str]]:
        """The endpoint settings as (label, sentence) pairs in the active language: what a run page shows."""
        endpoint = self.endpoint_settings().as_dict()
        # The first four of a report's settings are the run's own: dating, window, CI transform, rule set.
        return settings_items(
            {"endpoint": endpoint, "conf_type": self.ci_transform, "rule_version": self.rule_version}
        )[:4]

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["plans"] = [dict(p) for p in self.plans]
        if not data["plans"]:
            del data["plans"]  # runs without plans keep the settings (and fingerprints) they always had
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RunSettings:
        return cls(**_known(cls, dict(data or {})))
