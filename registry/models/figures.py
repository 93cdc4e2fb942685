from django.db import models

from registry.models.centers import Center


class CenterFigures(models.Model):
    """The dashboard's figures of one center (cases, locked, excluded, needing attention, by lineage), as counted
    at `counted_at` (registry.figures). `generation` goes up after every committed change to the center's cases
    or their records; the figures are used only while `counted_generation` equals it and `counted_on` is today."""

    center = models.OneToOneField(Center, on_delete=models.CASCADE, related_name="+")
    generation = models.BigIntegerField(default=0)
    counted_generation = models.BigIntegerField(null=True, blank=True)
    counted_on = models.DateField(null=True, blank=True)
    counted_at = models.DateTimeField(null=True, blank=True)
    figures = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return f"figures of center {self.center_id} (generation {self.generation})"
