"""Who may see and change which cases. Every read of case data goes through `cases_for`; every object lookup
through `get_case_for_user` / `get_record_for_user`. Nothing else filters by center."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext, gettext_noop

from registry.choices import Role
from registry.models import Case, Center, Membership

__all__ = [
    "Access",
    "access_for",
    "cases_for",
    "cases_for_system",
    "centers_for",
    "get_case_for_user",
    "get_case_for_user_rw",
    "get_record_for_user",
    "records_for",
]

CASE_READ_ONLY = gettext_noop("Your role can read this case but not change it.")
CASE_LOCKED = gettext_noop("This case is locked (signed off). A center lead or the data manager must unlock it first.")


@dataclass(frozen=True)
class Access:
    """What one user may do, derived once per request from their memberships."""

    write_center_ids: frozenset[int]
    lead_center_ids: frozenset[int]
    read_all: bool
    write_all: bool
    is_data_manager: bool
    is_coordinator: bool

    @property
    def has_any_role(self) -> bool:
        return self.read_all or bool(self.write_center_ids)

    def can_read_center(self, center_id: int) -> bool:
        return self.read_all or center_id in self.write_center_ids

    def can_write_center(self, center_id: int) -> bool:
        return self.write_all or center_id in self.write_center_ids

    def can_lock_center(self, center_id: int) -> bool:
        return self.is_data_manager or center_id in self.lead_center_ids


_NO_ACCESS = Access(frozenset(), frozenset(), False, False, False, False)


def access_for(user) -> Access:
    if user is None or not user.is_authenticated or not user.is_active:
        return _NO_ACCESS
    cached = getattr(user, "_registry_access", None)
    if cached is not None:
        return cached
    write, lead = set(), set()
    coordinator = data_manager = False
    for center_id, role in Membership.objects.filter(user=user).values_list("center_id", "role"):
        if role in (Role.DATA_ENTRY, Role.CENTER_LEAD):
            write.add(center_id)
            if role == Role.CENTER_LEAD:
                lead.add(center_id)
        elif role == Role.COORDINATOR:
            coordinator = True
        elif role == Role.DATA_MANAGER:
            data_manager = True
    access = Access(
        write_center_ids=frozenset(write),
        lead_center_ids=frozenset(lead),
        read_all=coordinator or data_manager,
        write_all=data_manager,
        is_data_manager=data_manager,
        is_coordinator=coordinator,
    )
    user._registry_access = access
    return access


def centers_for(user, *, writable: bool = False) -> QuerySet[Center]:
    access = access_for(user)
    if access.write_all or (access.read_all and not writable):
        return Center.objects.all()
    return Center.objects.filter(pk__in=access.write_center_ids)


def cases_for(user, *, include_archived: bool = False) -> QuerySet[Case]:
    """The one scoping function: the cases this user may read."""
    access = access_for(user)
    qs = Case.objects.all()
    if not access.read_all:
        qs = qs.filter(center_id__in=access.write_center_ids)
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs


def cases_for_system(*, include_archived: bool = False) -> QuerySet[Case]:
    """Every case, for work the registry does itself with no user behind it: the nightly pooled analysis and
    the pooled comparison behind a center's own report (whose output names no other center). Never for a page."""
    qs = Case.objects.all()
    if not include_archived:
        qs = qs.filter(archived_at__isnull=True)
    return qs


def records_for(user, model) -> QuerySet:
    """Per-case records (findings, events...) of the cases this user may read, archived records left out."""
    return model.objects.filter(case__in=cases_for(user), archived_at__isnull=True)


def get_case_for_user(user, pk) -> tuple[Case, bool]:
    """Load a case only from the user's scope: (case, can_write). Outside the scope is a 404, never a 403,
    so that nobody learns that a case exists at another center."""
    try:
        case = cases_for(user).select_related("center").get(pk=pk)
    except (Case.DoesNotExist, ValueError, TypeError):
        raise Http404("No such case.") from None
    return case, access_for(user).can_write_center(case.center_id)


def get_case_for_user_rw(user, pk) -> Case:
    case, can_write = get_case_for_user(user, pk)
    if not can_write:
        raise PermissionDenied(gettext(CASE_READ_ONLY))
    return case


def get_record_for_user(user, model, pk) -> tuple[object, bool]:
    try:
        record = records_for(user, model).select_related("case").get(pk=pk)
    except (model.DoesNotExist, ValueError, TypeError):
        raise Http404("No such record.") from None
    return record, access_for(user).can_write_center(record.case.center_id)
