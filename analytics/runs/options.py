"""What a run is asked to do: the filters that pick its cases and the settings that shape its endpoints.

Plain frozen dataclasses, stored on the run as JSON (``as_dict`` / ``from_dict``), compared for idempotency.
No Django here.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from typing import Any

from analytics.derive import EndpointSettings

__all__ = ["CI_TRANSFORMS", "INDUCTION_FAILURE_DATINGS", "LINEAGES", "RunFilters", "RunSettings"]

CI_TRANSFORMS = ("log-log", "log", "plain")
INDUCTION_FAILURE_DATINGS = ("day0", "event_date")
LINEAGES = ("ALL", "AML", "MPAL", "unspecified")

BAD_YEARS = "The first diagnosis year must not be after the last."
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

    def describe(self) -> str:
        """One line for lists and the methods section."""
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

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["plans"] = [dict(p) for p in self.plans]
        if not data["plans"]:
            del data["plans"]  # runs without plans keep the settings (and fingerprints) they always had
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> RunSettings:
        return cls(**_known(cls, dict(data or {})))
