"""E-mail about queries: to the center's users when a query is opened or reopened, to the data managers when
a center answers. Sent after the transaction commits, so a rolled-back change sends nothing. Each recipient
gets the e-mail in their own language (their stored preference, else the site's language)."""

from __future__ import annotations

import logging
from collections import defaultdict

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from registry.choices import CENTER_ROLES, Role
from registry.models import Membership

__all__ = ["notify_query", "recipient_language"]

logger = logging.getLogger(__name__)

_TO_CENTER = {"opened", "reopened"}
_TO_DATA_MANAGERS = {"answered"}


def _supported(code: str | None) -> str | None:
    codes = {lang for lang, _ in settings.LANGUAGES}
    if code in codes:
        return code
    base = (code or "").split("-")[0]
    return base if base in codes else None


def recipient_language(user) -> str:
    """The language `user` reads e-mail in: their stored preference (registry's UserPreference.language, where
    that model exists), else the site's language."""
    try:
        from registry.models.preferences import UserPreference
    except ImportError:
        return settings.LANGUAGE_CODE
    code = UserPreference.objects.filter(user=user).values_list("language", flat=True).first()
    return _supported(code) or settings.LANGUAGE_CODE


def _recipients(query, event: str) -> dict[str, list[str]]:
    """The recipients' addresses by the language they read."""
    members = Membership.objects.filter(user__is_active=True).exclude(user__email="")
    if event in _TO_CENTER:
        members = members.filter(center_id=query.case.center_id, role__in=sorted(CENTER_ROLES))
    elif event in _TO_DATA_MANAGERS:
        members = members.filter(role=Role.DATA_MANAGER)
    else:
        return {}
    by_language: dict[str, set[str]] = defaultdict(set)
    for member in members.select_related("user"):
        by_language[recipient_language(member.user)].add(member.user.email)
    return {language: sorted(emails) for language, emails in sorted(by_language.items())}


def _send(query_pk: int, event: str, message_pk: int) -> None:
    from quality.models import Query, QueryMessage

    query = Query.objects.select_related("case__center", "finding").get(pk=query_pk)
    context = {
        "query": query,
        "event": event,
        "message": QueryMessage.objects.select_related("author").get(pk=message_pk),
        "url": getattr(settings, "SITE_URL", "") + reverse("quality:query_detail", args=[query.pk]),
        "site_name": getattr(settings, "SITE_NAME", "Registry"),
    }
    for language, recipients in _recipients(query, event).items():
        with translation.override(language):
            # The problem and the record, in the recipient's language (the subject is as the data manager wrote it).
            context["about"] = query.about
            context["problem"] = query.finding.display_message if query.finding else ""
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
