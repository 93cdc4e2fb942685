"""Who tried to reach what and was refused, who signed in (password, then second factor), who downloaded or read
what, who released a sign-in lockout. Rows are only ever added: on
PostgreSQL a trigger refuses UPDATE and DELETE (audit.protection), like on the history tables."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessEvent(models.Model):
    class Kind(models.TextChoices):
        REFUSED = "refused", _("Access refused")
        # The password was right but a second factor is still due: not signed in yet.
        PASSWORD_ACCEPTED = "password_accepted", _("Password accepted, second factor due")
        # Fully signed in: after the second factor (detail: totp or recovery), or by password when none is due.
        SIGN_IN = "sign_in", _("Signed in")
        SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
        # A wrong authenticator or recovery code (detail: totp or recovery).
        TWO_FACTOR_FAILED = "two_factor_failed", _("Second-factor code refused")
        SIGN_OUT = "sign_out", _("Signed out")
        DOWNLOAD = "download", _("Download")
        # A data export or an import template (detail: what was exported, with the filters, in words).
        EXPORT = "export", _("Data export")
        # An import file uploaded, checked or committed (object_id: the import job; detail: the step).
        IMPORT = "import", _("Data import")
        # A run's report page, which shows its figures inline (those are not logged one by one).
        REPORT_VIEWED = "report_viewed", _("Report viewed")
        # The data manager let a throttled username sign in again (detail: the username and address released).
        LOCKOUT_RELEASED = "lockout_released", _("Sign-in lockout released")
        TWO_FACTOR_REPLACED = "two_factor_replaced", _("Authenticator replaced")
        PASSWORD_CHANGE_FAILED = "password_change_failed", _("Wrong current password")
        # An API token made by its user, or revoked by its user or the data manager (object_id: the token;
        # detail: its name and prefix, whose it is, and the reason given for a revocation).
        TOKEN_CREATED = "token_created", _("API token created")
        TOKEN_REVOKED = "token_revoked", _("API token revoked")

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
    # What the kind needs besides: the second factor used or tried, the lockout released.
    detail = models.CharField(max_length=200, blank=True)
    client_address = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-occurred_at", "-id"]
        indexes = [models.Index(fields=["kind", "-occurred_at"]), models.Index(fields=["user", "-occurred_at"])]

    def __str__(self) -> str:
        who = self.username or "anonymous"
        return f"{self.get_kind_display()}: {who} {self.method} {self.path} ({self.status or '-'})"
