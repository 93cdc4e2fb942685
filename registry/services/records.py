from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_noop

from quality.hooks import case_changed
from registry.access import CASE_LOCKED, CASE_READ_ONLY, access_for
from registry.models import Case, Diagnosis, LabPanel, Treatment
from registry.services.audit import changes_since
from registry.services.errors import ConcurrentEditError, RecordsInvalid
from registry.validation import CaseState, violations

__all__ = ["RecordChange", "check_case_writable", "records_save", "save_audited"]

CONCURRENT_EDIT = gettext_noop(
    "{who} saved this record at {when} while you were editing it. Your changes were not saved. "
    "What changed: {what}. Review the current values and save again."
)
WRONG_CASE = gettext_noop("This record belongs to another case.")
VERSION_REQUIRED = gettext_noop(
    "This form did not say which version of the record it was edited from, so it could overwrite a newer save. "
    "Nothing was saved: reload the page and enter your changes again."
)
NO_SUCH_RECORD = gettext_noop(
    "A row of this form is not a record of this case (the page may be out of date or was altered). "
    "Nothing was saved: reload the page and enter your changes again."
)
SAME_RECORD_TWICE = gettext_noop("The same record appears twice in this form. Nothing was saved: reload the page.")
RETIRED_CHOICE = gettext_noop(
    "'{entry}' has been retired from the registry's list and cannot be chosen for a new or changed record. "
    "Choose a current entry."
)
NOT_ARCHIVABLE = gettext_noop(
    "A {what} is corrected, not archived: each case has one, and its history keeps every earlier value."
)


_ONE_PER_CASE = (Case, Diagnosis, Treatment, LabPanel)


@dataclass
class RecordChange:
    """One record to save (new or edited, with the version the form was rendered with) or to archive."""

    instance: object
    expected_version: int | None = None
    archive: bool = False


def check_case_writable(user, case: Case) -> None:
    access = access_for(user)
    if not access.can_read_center(case.center_id) or case.is_archived:
        # Same answer as a case that does not exist: nobody learns about another center's cases.
        raise PermissionDenied("No such case.")
    if not access.can_write_center(case.center_id):
        raise PermissionDenied(gettext(CASE_READ_ONLY))
    if case.is_locked:
        raise PermissionDenied(gettext(CASE_LOCKED))


def save_audited(instance, *, user, reason: str = "") -> None:
    """Save with the author and reason on the history row (simple_history writes it in the same transaction).

    It does not bump ``version``: the calling service does, so that a form rendered before the change is
    refused as stale.
    """
    instance._history_user = user
    if reason:
        instance._change_reason = reason
    instance.save()


def _stored(instance, case: Case):
    """The stored, locked copy of an existing record of `case`; None when there is no such record of this case
    (missing, or another case's: both get the same answer, so nobody learns which ids exist elsewhere)."""
    current = type(instance).objects.select_for_update().filter(pk=instance.pk).first()
    if current is None or (not isinstance(current, Case) and current.case_id != case.pk):
        return None
    return current


def _stale(current, expected_version: int | None) -> ValidationError | None:
    """Refuse a change made from another version than the stored one, or to a record archived meanwhile."""
    if expected_version is None:
        # Without a version the check below cannot run, and a stale form would silently win: refuse instead.
        return ValidationError(gettext(VERSION_REQUIRED), code="version_required")
    archived = not isinstance(current, Case) and current.archived_at is not None
    if current.version == expected_version and not archived:
        return None
    changes, who, when = changes_since(current, expected_version)
    what = "; ".join(f"{c.label}: {c.old} -> {c.new}" for c in changes)
    if archived:
        what = "; ".join(filter(None, ["the record was archived", what]))
    what = what or "the record was re-saved"
    when_text = timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else "an unknown time"
    return ConcurrentEditError(
        gettext(CONCURRENT_EDIT).format(who=who, when=when_text, what=what), code="concurrent_edit"
    )


def _retired_choices(instance, current) -> dict[str, list[str]]:
    """A deactivated vocabulary entry (any related model with an `active` flag) may stay on a record that
    already uses it, but is never newly chosen: the same rule for forms, import and API."""
    errors: dict[str, list[str]] = {}
    for field in instance._meta.concrete_fields:
        if not field.many_to_one or "active" not in {f.name for f in field.related_model._meta.concrete_fields}:
            continue
        value = getattr(instance, field.attname)
        if value is None or (current is not None and getattr(current, field.attname) == value):
            continue
        entry = field.related_model._default_manager.filter(pk=value, active=False).first()
        if entry is not None:
            errors[field.name] = [gettext(RETIRED_CHOICE).format(entry=entry)]
    return errors


def _field_errors(violations_found, instance) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for violation in violations_found:
        for record, field in violation.targets:
            if record is instance:
                messages = errors.setdefault(field, [])
                if violation.message not in messages:  # one message once, however many rules found it
                    messages.append(violation.message)
                break
    return errors


@transaction.atomic
def records_save(*, user, case: Case, changes: Sequence[RecordChange], reason: str = "") -> list:
    """Save and archive a case's records together, or nothing at all.

    Refuses (PermissionDenied) a user outside the case's center or read-only, and a locked case. A change
    whose pk is not a record of this case (missing, or another case's) is refused with NO_SUCH_RECORD, never
    turned into a new record. Each change of an existing record (edit or archive) must carry the version it was
    made from (VERSION_REQUIRED) and is checked for a concurrent edit (an archived record is never edited),
    against its fields' validators, and, with every other change applied, against the entry rules of the whole
    case. A deactivated vocabulary entry is refused unless the stored record already uses it (RETIRED_CHOICE).
    An archive archives the stored record: values changed on the instance are ignored. Any error raises
    RecordsInvalid keyed by the change's index and nothing is written. Returns the saved instances.
    """
    case = Case.objects.select_for_update().get(pk=case.pk)
    check_case_writable(user, case)

    errors: dict[int, ValidationError] = {}
    state = CaseState.load(case)
    instances = [change.instance for change in changes]
    seen: set[tuple[type, int]] = set()
    for index, change in enumerate(changes):
        instance = change.instance
        current = None
        if isinstance(instance, Case):
            if instance.pk != case.pk:
                raise PermissionDenied(gettext(WRONG_CASE))
        elif instance.case_id != case.pk:
            raise PermissionDenied(gettext(WRONG_CASE))
        if instance.pk is not None:
            if (type(instance), instance.pk) in seen:
                errors[index] = ValidationError(gettext(SAME_RECORD_TWICE), code="same_record_twice")
                continue
            seen.add((type(instance), instance.pk))
            current = _stored(instance, case)
            if current is None:
                # A pk that is not a live record of this case is never turned into a new record or an edit.
                errors[index] = ValidationError(gettext(NO_SUCH_RECORD), code="no_such_record")
                continue
            stale = _stale(current, change.expected_version)
            if stale is not None:
                errors[index] = stale
                continue
            if change.archive:
                # Archive the record as it was stored: values posted with the archive are never written.
                instance = instances[index] = current
        if change.archive and type(instance) in _ONE_PER_CASE:
            # The database allows one per case (per time point for labs), archived or not.
            errors[index] = ValidationError(gettext(NOT_ARCHIVABLE).format(what=instance._meta.verbose_name))
            continue
        if change.archive and instance.pk is None:
            errors[index] = ValidationError(gettext(NO_SUCH_RECORD), code="no_such_record")
            continue
        if not change.archive:
            try:
                instance.full_clean(exclude=["case"] if not isinstance(instance, Case) else None)
            except ValidationError as exc:
                errors[index] = exc
                continue
            retired = _retired_choices(instance, current)
            if retired:
                errors[index] = ValidationError(retired)
                continue
        state = state.with_record(instance, archived=change.archive)

    if not errors:
        found = violations(state)
        for index, change in enumerate(changes):
            if change.archive:
                continue
            field_errors = _field_errors(found, instances[index])
            if field_errors:
                errors[index] = ValidationError(field_errors)
    if errors:
        raise RecordsInvalid(errors)

    now = timezone.now()
    saved = []
    for change, instance in zip(changes, instances, strict=True):
        if instance.pk is not None:
            instance.version = type(instance).objects.get(pk=instance.pk).version + 1
        if change.archive:
            instance.archived_at, instance.archived_by = now, user
        save_audited(instance, user=user, reason=reason or ("archived" if change.archive else ""))
        saved.append(instance)
    case_changed(case)  # data-quality rules run again once this commits
    return saved
