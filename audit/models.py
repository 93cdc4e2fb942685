"""Who tried to reach what and was refused, who signed in, who downloaded what. Rows are only ever added: on
PostgreSQL a trigger refuses UPDATE and DELETE (audit.protection), like on the history tables."""

from django.conf import settings
from django.db import models


class AccessEvent(models.Model):
    class Kind(models.TextChoices):
        REFUSED = "refused", "Access refused"
        SIGN_IN = "sign_in", "Signed in"
        SIGN_IN_FAILED = "sign_in_failed", "Sign-in failed"
        SIGN_OUT = "sign_out", "Signed out"
        DOWNLOAD = "download", "Download"
        TWO_FACTOR_REPLACED = "two_factor_replaced", "Authenticator replaced"
        PASSWORD_CHANGE_FAILED = "password_change_failed", "Wrong current password"

    kind = models.CharField(max_length=32, choices=Kind.choices)
    occurred_at = models.DateTimeField(db_index=True)
    # Users are never deleted (audit.signals refuses it), so PROTECT only states the rule again.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="access_events"
    )
    # The username as typed for a failed sign-in (there is no user then); the user's name otherwise.
    username = models.CharField(max_length=150, blank=True)
    method = models.CharField(max_length=10, blank=True)
    path = models.CharField(max_length=2000, blank=True)
    status = models.PositiveSmallIntegerField(null=True, blank=True)
    # The resolved route ("registry:case_detail") and the object it names: what was asked for.
    route = models.CharField(max_length=200, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    # For a download, the file as the user received it.
    file_name = models.CharField(max_length=255, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["kind", "-occurred_at"]), models.Index(fields=["user", "-occurred_at"])]

    def __str__(self) -> str:
        who = self.username or "anonymous"
        return f"{self.get_kind_display()}: {who} {self.method} {self.path} ({self.status or '-'})"
