"""E-mail about queries: to the center's users when a query is opened or reopened, to the data managers when
a center answers. Sent after the transaction commits, so a rolled-back change sends nothing."""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse

from registry.choices import CENTER_ROLES, Role
from registry.models import Membership

__all__ = ["notify_query"]

logger = logging.getLogger(__name__)

_TO_CENTER = {"opened", "reopened"}
_TO_DATA_MANAGERS = {"answered"}


def _recipients(query, event: str) -> list[str]:
    members = Membership.objects.filter(user__is_active=True).exclude(user__email="")
    if event in _TO_CENTER:
        members = members.filter(center_id=query.case.center_id, role__in=sorted(CENTER_ROLES))
    elif event in _TO_DATA_MANAGERS:
        members = members.filter(role=Role.DATA_MANAGER)
    else:
        return []
    return sorted(set(members.values_list("user__email", flat=True)))


def _send(query_pk: int, event: str, message_pk: int) -> None:
    from quality.models import Query, QueryMessage

    query = Query.objects.select_related("case__center").get(pk=query_pk)
    recipients = _recipients(query, event)
    if not recipients:
        return
    context = {
        "query": query,
        "event": event,
        "message": QueryMessage.objects.select_related("author").get(pk=message_pk),
        "url": getattr(settings, "SITE_URL", "") + reverse("quality:query_detail", args=[query.pk]),
        "site_name": getattr(settings, "SITE_NAME", "Registry"),
    }
    subject = " ".join(render_to_string("emails/quality/query_subject.txt", context).split())
    send_mail(
        subject,
        render_to_string("emails/quality/query_body.txt", context),
        None,
        recipients,
        html_message=render_to_string("emails/quality/query_body.html", context),
    )


def notify_query(query, event: str, message) -> None:
    """Queue the e-mail for `event` ("opened", "answered", "reopened") on commit."""

    def send() -> None:
        try:
            _send(query.pk, event, message.pk)
        except Exception:  # a mail server being down must not undo or hide the query change
            logger.exception("could not send the %s e-mail of query %s", event, query.pk)

    transaction.on_commit(send)
