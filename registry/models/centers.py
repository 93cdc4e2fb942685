import simple_history
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from registry.choices import CENTER_ROLES, Role
from registry.clock import default_time_zone, validate_time_zone


class Center(models.Model):
    code = models.SlugField(_("code"), max_length=16, unique=True, help_text=_("Short code, e.g. ALA for Almaty."))
    name = models.CharField(_("name"), max_length=200)
    city = models.CharField(_("city"), max_length=100)
    country = models.CharField(_("country"), max_length=100)
    active = models.BooleanField(_("active"), default=True)
    time_zone = models.CharField(
        _("time zone"),
        max_length=63,
        default=default_time_zone,
        validators=[validate_time_zone],
        help_text=_("IANA name, e.g. Asia/Almaty. Dates entered at this center may not be later than its today."),
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["code"]
        verbose_name = _("center")
        verbose_name_plural = _("centers")

    def __str__(self) -> str:
        return f"{self.code} - {self.name}"


class Membership(models.Model):
    """A user's role, at one center (data entry, lead) or registry-wide (coordinator, data manager)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    center = models.ForeignKey(
        Center,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("center"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "center", "role"], name="unique_membership"),
            models.CheckConstraint(
                condition=(
                    models.Q(role__in=sorted(CENTER_ROLES), center__isnull=False)
                    | (~models.Q(role__in=sorted(CENTER_ROLES)) & models.Q(center__isnull=True))
                ),
                name="membership_center_matches_role",
            ),
        ]

    def __str__(self) -> str:
        where = self.center.code if self.center_id else _("registry")
        return f"{self.user} - {self.get_role_display()} ({where})"


# Users are audited like case data: who created, renamed, deactivated or reactivated whom, when and why. The
# password hash and the sign-in time are left out of the history (a hash is a secret; sign-ins are not edits).
simple_history.register(get_user_model(), app="registry", excluded_fields=["password", "last_login"])
