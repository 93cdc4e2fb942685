from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _

from quality.hooks import case_changed
from registry.access import access_for
from registry.models import Case, Center
from registry.pseudonyms import hospital_number_hash, new_registry_id, normalize_hospital_number
from registry.services.errors import DuplicateRegistration, RecordsInvalid
from registry.services.records import RecordChange, check_case_writable, records_save, save_audited
from registry.validation import CaseState, violations

__all__ = ["CASE_FIELDS", "case_archive", "case_create", "case_lock", "case_restore", "case_unlock", "case_update"]

CENTER_NOT_YOURS = gettext_noop("You cannot register cases for this center.")
HOSPITAL_NUMBER_REQUIRED = gettext_noop("Give the hospital's own number; only its keyed hash is stored.")
HOSPITAL_NUMBER_NO_CHARACTERS = gettext_noop(
    "This hospital number has no letters or digits (spaces, dashes and dots are ignored when numbers are "
    "compared). Type the number itself."
)
NOT_A_LEAD = gettext_noop("Only a lead of this center or the registry data manager can lock or unlock its cases.")
ALREADY_LOCKED = gettext_noop("This case is already locked.")
NOT_LOCKED = gettext_noop("This case is not locked.")
RESTORE_DATA_MANAGER_ONLY = gettext_noop("Only the registry data manager can restore an archived case.")
RESTORE_REASON_REQUIRED = gettext_noop("Say why the case is restored; the reason is kept in its history.")
NOT_ARCHIVED = gettext_noop("This case is not archived.")
ARCHIVE_REASON_REQUIRED = gettext_noop("Say why the case is archived; the reason is kept in its history.")
REASON_MAX_LENGTH = 200
REASON_TOO_LONG = format_lazy(
    _("Keep the reason to {limit} characters; it is kept in the case's history."), limit=REASON_MAX_LENGTH
)
REASON_NUL = gettext_noop("The reason contains a NUL character (often pasted from another program): retype it.")
REGISTERED_AT_CENTER = gettext_noop(
    "This hospital number is already registered at this center as {registry_id}. "
    "Open that case instead of registering the child again."
)

# The case's own fields a user edits, in the order a form shows them.
CASE_FIELDS = (
    "center_case_number",
    "sex",
    "birth_date",
    "gestational_age_weeks",
    "birth_weight_g",
    "down_syndrome",
    "family_history_cancer",
    "excluded",
    "exclusion_reason",
    "exclusion_note",
)


@transaction.atomic
def case_create(*, user, center: Center, hospital_number: str, registry_id: str | None = None, **fields) -> Case:
    """Register a child at a center the user enters data for. Returns the saved case.

    Raises PermissionDenied for a center outside the user's write scope, ValidationError for bad fields, and
    DuplicateRegistration (a ValidationError) when the hospital number is already registered at this center.
    """
    if not access_for(user).can_write_center(center.pk):
        raise PermissionDenied(gettext(CENTER_NOT_YOURS))
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"case_create() got unexpected fields: {sorted(unknown)}")
    if not hospital_number or not hospital_number.strip():
        raise ValidationError({"hospital_number": gettext(HOSPITAL_NUMBER_REQUIRED)})
    if not normalize_hospital_number(hospital_number):
        # Every such number would hash alike and "duplicate" every other one.
        raise ValidationError({"hospital_number": gettext(HOSPITAL_NUMBER_NO_CHARACTERS)})
    # Lock the center row: two registrations of one number at one center cannot both pass the check below.
    center = Center.objects.select_for_update().get(pk=center.pk)
    number_hash = hospital_number_hash(hospital_number)
    _check_not_registered(center_id=center.pk, number_hash=number_hash)
    case = Case(
        center=center,
        registry_id=registry_id or new_registry_id(),
        hospital_number_hash=number_hash,
        created_by=user,
        **fields,
    )
    case.full_clean(exclude=["registry_id"] if registry_id is None else None)
    errors: dict[str, list[str]] = {}
    for violation in violations(CaseState(case=case)):
        for record, field in violation.targets:
            if record is case:
                messages = errors.setdefault(field, [])
                if violation.message not in messages:  # one message once, however many rules found it
                    messages.append(violation.message)
    if errors:
        raise ValidationError(errors)
    for _attempt in range(5):
        try:
            with transaction.atomic():
                save_audited(case, user=user, reason="registered")
            case_changed(case)
            return case
        except IntegrityError:
            _check_not_registered(center_id=center.pk, number_hash=number_hash)  # a save that won a race
            if registry_id is not None:
                raise
            case.registry_id = new_registry_id()  # a collision of random IDs: draw again
    raise RuntimeError("Could not draw a free registry ID")


def case_update(*, user, case: Case, expected_version: int | None, **fields) -> Case:
    """Change the case's own fields (demographics, exclusion). Raises ValidationError (field errors),
    ConcurrentEditError inside it, or PermissionDenied. A missing `expected_version` is refused by records_save
    (VERSION_REQUIRED): a form that lost its version must not overwrite a newer save."""
    unknown = set(fields) - set(CASE_FIELDS)
    if unknown:
        raise TypeError(f"case_update() got unexpected fields: {sorted(unknown)}")
    for name, value in fields.items():
        setattr(case, name, value)
    try:
        records_save(user=user, case=case, changes=[RecordChange(case, expected_version)])
    except RecordsInvalid as exc:
        raise exc.errors[0] from None
    return case


@transaction.atomic
def case_archive(*, user, case: Case, reason: str) -> Case:
    """Take a case out of lists and analyses. Nothing is deleted; the data manager can see archived cases."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    check_case_writable(user, case)
    _check_reason(reason)
    if not reason.strip():
        raise ValidationError({"reason": gettext(ARCHIVE_REASON_REQUIRED)})
    case.archived_at, case.archived_by = timezone.now(), user
    case.version += 1
    save_audited(case, user=user, reason=f"archived: {reason.strip()}")
    case_changed(case)  # its findings close; its duplicates' findings are checked again
    return case


@transaction.atomic
def case_restore(*, user, case: Case, reason: str) -> Case:
    """Bring an archived case back into the lists and analyses. Only the registry data manager may."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    if not access_for(user).is_data_manager:
        raise PermissionDenied(gettext(RESTORE_DATA_MANAGER_ONLY))
    if not case.is_archived:
        raise ValidationError(gettext(NOT_ARCHIVED))
    _check_reason(reason)
    if not reason.strip():
        raise ValidationError({"reason": gettext(RESTORE_REASON_REQUIRED)})
    Center.objects.select_for_update().get(pk=case.center_id)
    _check_not_registered(center_id=case.center_id, number_hash=case.hospital_number_hash, other_than=case.pk)
    case.archived_at, case.archived_by = None, None
    case.version += 1
    save_audited(case, user=user, reason=f"restored: {reason.strip()}")
    case_changed(case)
    return case


@transaction.atomic
def case_lock(*, user, case: Case) -> Case:
    """Sign the case off: nobody can edit it until a lead or the data manager unlocks it."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_lead(user, case)
    if case.is_locked:
        raise ValidationError(gettext(ALREADY_LOCKED))
    case.locked_at, case.locked_by = timezone.now(), user
    case.version += 1
    save_audited(case, user=user, reason="locked (signed off)")
    return case


@transaction.atomic
def case_unlock(*, user, case: Case, reason: str = "") -> Case:
    """Open a locked case for edits again. A bad reason (too long, a NUL) refuses the unlock."""
    case = Case.objects.select_for_update().get(pk=case.pk)
    _check_lead(user, case)
    _check_reason(reason)
    if not case.is_locked:
        raise ValidationError(gettext(NOT_LOCKED))
    case.locked_at, case.locked_by = None, None
    case.version += 1
    save_audited(case, user=user, reason=f"unlocked: {reason}".strip().rstrip(":"))
    return case


def _check_reason(reason: str) -> None:
    """The reason goes into the case's history: refuse one that cannot be kept as typed."""
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError({"reason": REASON_TOO_LONG})
    if "\x00" in reason:
        raise ValidationError({"reason": gettext(REASON_NUL)})


def _check_not_registered(*, center_id: int, number_hash: str, other_than: int | None = None) -> None:
    """Refuse a second live registration of one hospital number at one center (across centers it stays a
    data-quality finding, so that no center learns about another's cases)."""
    existing = (
        Case.objects.filter(center_id=center_id, hospital_number_hash=number_hash, archived_at__isnull=True)
        .exclude(pk=other_than)
        .order_by("created_at")
        .first()
    )
    if existing is not None:
        raise DuplicateRegistration(
            gettext(REGISTERED_AT_CENTER).format(registry_id=existing.registry_id), existing=existing
        )


def _check_lead(user, case: Case) -> None:
    access = access_for(user)
    if not access.can_read_center(case.center_id) or case.is_archived:
        raise PermissionDenied("No such case.")
    if not access.can_lock_center(case.center_id):
        raise PermissionDenied(gettext(NOT_A_LEAD))
