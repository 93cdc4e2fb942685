"""The query workflow: the data manager opens a query (or turns a finding into one), the center answers (and
corrects the data through the ordinary forms), the data manager closes it or reopens it. Every status change
and message is saved with its author in the history tables."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from quality.models import Finding, Query, QueryMessage, QueryStatus
from quality.presenters import finding_subject
from quality.services.notify import notify_query
from registry.access import access_for
from registry.models import Case
from registry.services.records import save_audited

__all__ = [
    "QueryActions",
    "query_actions",
    "query_answer",
    "query_close",
    "query_from_finding",
    "query_open",
    "query_reopen",
]

# Messages are English msgids (gettext_noop): raised in the active language, asserted on in English by tests.
DATA_MANAGER_ONLY = gettext_noop("Only the registry data manager opens, closes and reopens queries.")
CENTER_ONLY = gettext_noop("Only the users of the case's center answer its queries.")
NO_SUCH_CASE = gettext_noop("No such case.")
WRONG_STATUS = {
    "answered": gettext_noop("This query is {status}; it cannot be answered."),
    "closed": gettext_noop("This query is {status}; it cannot be closed."),
    "reopened": gettext_noop("This query is {status}; it cannot be reopened."),
}
TEXT_REQUIRED = gettext_noop("Write a message.")
SUBJECT_REQUIRED = gettext_noop("Give the query a subject.")
# A query message is a note between people, like the free text of case records (registry TEXT_LIMIT).
MESSAGE_LIMIT = 4000
SUBJECT_LIMIT = 200
MESSAGE_TOO_LONG = gettext_noop("At most {limit} characters, please ({length} were entered).")
MESSAGE_NUL = gettext_noop("The text contains a NUL character (often pasted from another program): retype it.")
FINDING_HAS_QUERY = gettext_noop("This finding already has a query that is not closed.")
FINDING_CLOSED = gettext_noop("This finding is resolved; open a query on the case instead.")

_ANSWERABLE = (QueryStatus.OPEN, QueryStatus.REOPENED, QueryStatus.ANSWERED)
_CLOSABLE = (QueryStatus.OPEN, QueryStatus.REOPENED, QueryStatus.ANSWERED)


@dataclass(frozen=True)
class QueryActions:
    can_answer: bool
    can_close: bool
    can_reopen: bool


def query_actions(user, query: Query) -> QueryActions:
    """What this user may do with the query now: the same rules the services below enforce, for the page."""
    access = access_for(user)
    return QueryActions(
        can_answer=query.case.center_id in access.write_center_ids and query.status in _ANSWERABLE,
        can_close=access.is_data_manager and query.status in _CLOSABLE,
        can_reopen=access.is_data_manager and query.status == QueryStatus.CLOSED,
    )


def _check_data_manager(user, case: Case) -> None:
    access = access_for(user)
    if not access.can_read_center(case.center_id) or case.is_archived:
        raise PermissionDenied(_(NO_SUCH_CASE))
    if not access.is_data_manager:
        raise PermissionDenied(_(DATA_MANAGER_ONLY))


def _locked(query: Query) -> Query:
    return Query.objects.select_for_update().select_related("case").get(pk=query.pk)


def _status(query: Query, allowed, action: str) -> None:
    if query.status not in allowed:
        raise ValidationError(_(WRONG_STATUS[action]).format(status=str(query.get_status_display()).lower()))


def _check_text(text: str, field: str = "text", limit: int = MESSAGE_LIMIT) -> None:
    if len(text.strip()) > limit:
        raise ValidationError({field: _(MESSAGE_TOO_LONG).format(limit=limit, length=len(text.strip()))})
    if "\x00" in text:
        raise ValidationError({field: _(MESSAGE_NUL)})


def _post(query: Query, *, user, kind: str, text: str) -> QueryMessage:
    # Every message goes through here, and every caller runs in one transaction: a refusal writes nothing.
    _check_text(text)
    message = QueryMessage(query=query, author=user, kind=kind, text=text.strip())
    message.full_clean()
    save_audited(message, user=user, reason=kind)
    return message


@transaction.atomic
def query_open(
    *, user, case: Case, subject: str, text: str, finding: Finding | None = None, record=None, field: str = ""
) -> Query:
    """Open a query on a case, on one of its records (and field), or on a finding. Data manager only."""
    _check_data_manager(user, case)
    _check_text(subject, "subject", SUBJECT_LIMIT)
    if not subject.strip():
        raise ValidationError({"subject": _(SUBJECT_REQUIRED)})
    _check_text(text)
    if not text.strip():
        raise ValidationError({"text": _(TEXT_REQUIRED)})
    query = Query(case=case, subject=subject.strip(), opened_by=user, field=field, finding=finding)
    if finding is not None:
        if finding.case_id != case.pk:
            raise PermissionDenied(_(NO_SUCH_CASE))
        query.record_model, query.record_pk, query.field = finding.record_model, finding.record_pk, finding.field
    elif record is not None:
        if getattr(record, "case_id", record.pk) != case.pk:
            raise PermissionDenied(_(NO_SUCH_CASE))
        query.record_model, query.record_pk = record._meta.label_lower, record.pk
    query.full_clean()
    save_audited(query, user=user, reason="opened")
    message = _post(query, user=user, kind=QueryMessage.Kind.OPENED, text=text)
    notify_query(query, "opened", message)
    return query


@transaction.atomic
def query_from_finding(*, user, finding: Finding, subject: str = "", text: str = "") -> Query:
    """Turn a finding into a query; the subject defaults to the problem found and the record it sits on, the
    message to the finding's message (both in the active language: the data manager's)."""
    finding = Finding.objects.select_for_update().select_related("case").get(pk=finding.pk)
    _check_data_manager(user, finding.case)
    if not finding.is_open:
        raise ValidationError(_(FINDING_CLOSED))
    if finding.queries.exclude(status=QueryStatus.CLOSED).exists():
        raise ValidationError(_(FINDING_HAS_QUERY))
    subject = subject or finding_subject(finding, limit=SUBJECT_LIMIT)
    text = text or finding.display_message
    return query_open(user=user, case=finding.case, subject=subject, text=text, finding=finding)


@transaction.atomic
def query_answer(*, user, query: Query, text: str) -> Query:
    """A center user answers (again, if need be). The data manager's own notes go with close and reopen."""
    query = _locked(query)
    access = access_for(user)
    if not access.can_read_center(query.case.center_id) or query.case.is_archived:
        raise PermissionDenied(_(NO_SUCH_CASE))
    if query.case.center_id not in access.write_center_ids:
        raise PermissionDenied(_(CENTER_ONLY))
    _status(query, _ANSWERABLE, "answered")
    _check_text(text)
    if not text.strip():
        raise ValidationError({"text": _(TEXT_REQUIRED)})
    query.status = QueryStatus.ANSWERED
    save_audited(query, user=user, reason="answered")
    message = _post(query, user=user, kind=QueryMessage.Kind.ANSWER, text=text)
    notify_query(query, "answered", message)
    return query


@transaction.atomic
def query_close(*, user, query: Query, text: str = "") -> Query:
    query = _locked(query)
    _check_data_manager(user, query.case)
    _status(query, _CLOSABLE, "closed")
    query.status, query.closed_at = QueryStatus.CLOSED, timezone.now()
    save_audited(query, user=user, reason="closed")
    _post(query, user=user, kind=QueryMessage.Kind.CLOSED, text=text)
    return query


@transaction.atomic
def query_reopen(*, user, query: Query, text: str) -> Query:
    query = _locked(query)
    _check_data_manager(user, query.case)
    _status(query, (QueryStatus.CLOSED,), "reopened")
    _check_text(text)
    if not text.strip():
        raise ValidationError({"text": _(TEXT_REQUIRED)})
    query.status, query.closed_at = QueryStatus.REOPENED, None
    save_audited(query, user=user, reason="reopened")
    message = _post(query, user=user, kind=QueryMessage.Kind.REOPENED, text=text)
    notify_query(query, "reopened", message)
    return query
