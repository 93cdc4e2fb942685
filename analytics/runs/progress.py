"""Where a run stands, in words a page can show: from its status, how many centers' parts it reads and how many
are built. No Django here (the counts come from the run and its RunPart rows)."""

from __future__ import annotations

from dataclasses import dataclass

from analytics.reports.i18n import gettext, gettext_noop, ngettext

__all__ = [
    "STAGE_COMPUTING",
    "STAGE_DONE",
    "STAGE_FAILED",
    "STAGE_NOT_SENT",
    "STAGE_READING",
    "STAGE_WAITING",
    "RunProgress",
    "run_progress",
]

STAGE_WAITING = gettext_noop("Waiting for a worker")
STAGE_NOT_SENT = gettext_noop(
    "Waiting for the queue: it is unavailable just now, and the run starts by itself once it is back"
)
STAGE_READING = gettext_noop("Reading the centers' records")
STAGE_COMPUTING = gettext_noop("Computing the statistics and drawing the report")
STAGE_DONE = gettext_noop("Done")
STAGE_FAILED = gettext_noop("Failed")


@dataclass(frozen=True)
class RunProgress:
    """``stage`` is one of the STAGE_* texts (in the active language); ``parts_done`` of ``parts_expected``
    centers' records are read (``parts_expected`` is None until a worker has taken the run)."""

    stage: str
    parts_done: int
    parts_expected: int | None

    @property
    def centers(self) -> str:
        """'k of n centers' once n is known, else ''."""
        if self.parts_expected is None:
            return ""
        return ngettext("{done} of {n} center", "{done} of {n} centers", self.parts_expected).format(
            done=self.parts_done, n=self.parts_expected
        )

    @property
    def label(self) -> str:
        if self.stage == gettext(STAGE_READING) and self.centers:
            return f"{self.stage}: {self.centers}"
        return self.stage


def run_progress(*, status: str, parts_expected: int | None, parts_done: int, sent: bool = True) -> RunProgress:
    """The stage of a run with this status (queued, running, done, failed) and these part counts; ``sent``
    False: a queued run the queue (the broker) could not take yet."""
    if status == "queued":
        stage = STAGE_WAITING if sent else STAGE_NOT_SENT
    elif status == "running":
        all_read = parts_expected is not None and parts_done >= parts_expected
        stage = STAGE_COMPUTING if all_read else STAGE_READING
    elif status == "done":
        stage = STAGE_DONE
    else:
        stage = STAGE_FAILED
    return RunProgress(stage=gettext(stage), parts_done=parts_done, parts_expected=parts_expected)
