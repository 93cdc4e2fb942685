"""The demo centers and logins, created once: a second run finds them by center code and username and leaves
them (and any password changed since) as they are."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from registry.choices import Role
from registry.demo.catalog import CENTERS, PEOPLE, PersonSpec, demo_password
from registry.models import Center, Membership

__all__ = ["DemoPeople", "ensure_people"]


@dataclass
class DemoPeople:
    centers: dict[str, Center]
    users: dict[str, object]  # username -> user
    entry_users: dict[str, object]  # center code -> its data-entry user
    lead_users: dict[str, object]  # center code -> its lead
    created_centers: int = 0
    created_users: int = 0

    def login_rows(self) -> list[tuple[str, str, str, str]]:
        """(username, role, center, password) for every demo login, in catalog order."""
        return [
            (spec.username, Role(spec.role).label, spec.center or "all centers", demo_password(spec.username))
            for spec in PEOPLE
        ]


def _ensure_user(spec: PersonSpec, centers: dict[str, Center]) -> tuple[object, bool]:
    user_model = get_user_model()
    user = user_model.objects.filter(username=spec.username).first()
    created = user is None
    if created:
        user = user_model(
            username=spec.username, first_name=spec.first_name, last_name=spec.last_name, is_staff=spec.is_staff
        )
        user.set_password(demo_password(spec.username))
        # No Django permissions for anyone: the admin decides from the registry role (registry/admin.py), and
        # auth permissions would open Django's user admin (superuser, passwords) to the data manager.
        user.save()
    center = centers[spec.center] if spec.center else None
    Membership.objects.get_or_create(user=user, center=center, role=spec.role)
    return user, created


@transaction.atomic
def ensure_people() -> DemoPeople:
    """Create the demo centers, users and memberships that are missing; return all of them."""
    centers: dict[str, Center] = {}
    created_centers = 0
    for spec in CENTERS:
        center, created = Center.objects.get_or_create(
            code=spec.code, defaults={"name": spec.name, "city": spec.city, "country": spec.country}
        )
        centers[spec.code] = center
        created_centers += created
    people = DemoPeople(centers=centers, users={}, entry_users={}, lead_users={}, created_centers=created_centers)
    for spec in PEOPLE:
        user, created = _ensure_user(spec, centers)
        people.users[spec.username] = user
        people.created_users += created
        if spec.role == Role.DATA_ENTRY:
            people.entry_users[spec.center] = user
        elif spec.role == Role.CENTER_LEAD:
            people.lead_users[spec.center] = user
    return people
