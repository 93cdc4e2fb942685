from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("entered"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed"), auto_now=True)

    class Meta:
        abstract = True


class CaseRecord(TimeStamped):
    """Anything recorded about a case: versioned for concurrent edits, archived instead of deleted."""

    # Bumped by every save through a service; a form posts the version it was rendered with, and a stale one
    # is refused instead of overwriting someone else's change.
    version = models.PositiveIntegerField(_("version"), default=1)
    archived_at = models.DateTimeField(_("archived"), null=True, blank=True, editable=False)
    archived_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("archived by"),
    )

    class Meta:
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None

    def case_id_for_scope(self) -> int:
        return self.case_id  # type: ignore[attr-defined]


class NumberedRecord(CaseRecord):
    """A record of which a case may have several: numbered 1, 2, 3... within its case and kind, so that a file
    can name it (the import's `record` column) the same way in every registry it is exported to and from."""

    number = models.PositiveIntegerField(_("record number"), null=True, blank=True, editable=False)

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.number is None and self.case_id is not None:  # type: ignore[attr-defined]
            self.number = next_number(type(self), self.case_id)  # type: ignore[attr-defined]
        super().save(*args, **kwargs)


def next_number(model, case_id: int) -> int:
    """The next free record number of this kind in a case (callers hold the case's row lock)."""
    top = model.objects.filter(case_id=case_id).aggregate(top=models.Max("number"))["top"]
    return (top or 0) + 1
