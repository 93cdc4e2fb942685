"""What a report is built with: endpoint settings, CI transform, rule version, times, small-cell threshold, scope."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any

from analytics.core.km import CONF_TYPES
from analytics.derive.settings import EndpointSettings

__all__ = ["BAD_SETTING", "ReportSettings"]

BAD_SETTING = "report setting {name!r}: {problem}"


@dataclass(frozen=True)
class ReportSettings:
    """Choices behind one report; all are printed in its Methods section.

    Parameters
    ----------
    endpoint : dict
        :class:`analytics.derive.EndpointSettings` as a dict (induction failure dating, induction window). The
        dataset's derived columns were made with some settings; the report says if they differ from these.
    conf_type : {"log-log", "log", "plain"}
        Transform of the pointwise CIs of Kaplan-Meier and cumulative incidence estimates.
    rule_version : str or None
        The cytogenetic risk rule version the report expects; cases derived under another version are noted.
    times : tuple of int
        Days at which survival and incidence are estimated (2 and 5 years by default).
    suppress_below : int
        Center-level counts from 1 to ``suppress_below - 1`` are shown as "<5" (with complementary suppression).
    center_scope : str or None
        None for the pooled report, or a center code for that center's report against the pool.
    apply_exclusions : bool
        Leave excluded cases out of the outcome sections (4 to 7); they are always counted in section 1.
    toxicity_min_grade : int
        A case counts as "with toxicity" if it had an adverse event of at least this CTCAE grade.
    suppress_own_center : bool
        In a center's own report, apply the small-cell rule to that center's counts too (its readers may see
        those cases anyway, so the default is False; other centers are always protected).
    """

    endpoint: dict[str, Any] = field(default_factory=lambda: EndpointSettings().as_dict())
    conf_type: str = "log-log"
    rule_version: str | None = None
    times: tuple[int, ...] = (730, 1825)
    suppress_below: int = 5
    center_scope: str | None = None
    apply_exclusions: bool = True
    toxicity_min_grade: int = 3
    suppress_own_center: bool = False

    def __post_init__(self) -> None:
        EndpointSettings(**self.endpoint)  # fails loudly on a bad dating or window
        if self.conf_type not in CONF_TYPES:
            raise ValueError(BAD_SETTING.format(name="conf_type", problem=f"one of {CONF_TYPES}"))
        if not self.times or any(int(t) <= 0 for t in self.times):
            raise ValueError(BAD_SETTING.format(name="times", problem="positive days"))
        if int(self.suppress_below) < 1:
            raise ValueError(BAD_SETTING.format(name="suppress_below", problem="a whole number >= 1"))
        object.__setattr__(self, "times", tuple(int(t) for t in self.times))

    @classmethod
    def coerce(cls, value: ReportSettings | dict[str, Any] | None) -> ReportSettings:
        """Accept settings as this class, a plain dict (unknown keys refused) or None (defaults)."""
        if value is None:
            return cls()
        if isinstance(value, cls):
            return value
        known = {f.name for f in fields(cls)}
        unknown = set(value) - known
        if unknown:
            raise ValueError(BAD_SETTING.format(name=sorted(unknown)[0], problem="unknown setting"))
        data = dict(value)
        if isinstance(data.get("endpoint"), EndpointSettings):
            data["endpoint"] = data["endpoint"].as_dict()
        if "times" in data:
            data["times"] = tuple(data["times"])
        return cls(**data)

    def as_dict(self) -> dict[str, Any]:
        """Plain dict (JSON-ready)."""
        out = asdict(self)
        out["times"] = list(self.times)
        return out
