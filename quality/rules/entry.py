"""The entry rules, read again over saved data.

A save through the services cannot break them, but data can get in another way (an import from an older
system, a record saved before a rule existed, a correction in the database), so each entry rule is also a
data-quality rule. Each entry rule is named here once; tests fail when one is added and not mapped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from quality.rules import wording
from quality.rules.base import Check, CheckContext, Hit
from registry.validation import RULES as ENTRY_RULES

__all__ = ["ENTRY_RULE_NAMES", "from_entry_rule"]

_BY_NAME = {check.__name__: check for check in ENTRY_RULES}
ENTRY_RULE_NAMES: set[str] = set()


def from_entry_rule(name: str, *, on: Callable[[object], bool] | None = None) -> Check:
    """A data-quality check that reports entry rule `name`'s violations on their first target.

    `on` keeps the violations whose first target record it accepts, to split one entry rule in two. A problem the
    entry rule reports twice on one record's field (one date checked against two others) is reported once: the
    finding names the record, and its message says the problem once.
    """
    entry_check = _BY_NAME[name]
    ENTRY_RULE_NAMES.add(name)

    def check(context: CheckContext) -> Iterator[Hit]:
        seen = set()
        for violation in entry_check(context.state):
            record, field = violation.targets[0]
            if on is not None and not on(record):
                continue
            message = str(violation.message)
            key = (type(record), getattr(record, "pk", None) or id(record), field, message)
            if key in seen:
                continue
            seen.add(key)
            parsed = wording.parse_entry(message)
            yield Hit(record, field, parsed["t"], parsed["p"], percent=parsed.get("pct", False))

    check.__name__ = f"entry{name}"
    return check
