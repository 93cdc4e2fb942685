"""Template filters for a case's dates; the rule itself is registry.presentation's, the format the page's language's
(config/formats: ISO in English, d.m.Y in Russian).

``{{ value|day_of:dates }}`` a clinical date, ``{{ value|stamp_of:dates }}`` a timestamp, ``{{ text|text_of:dates }}``
free text, ``{{ dates|diagnosis_of }}`` the diagnosis date (its month for a pseudonymized reader), where ``dates`` is
the case's `CaseDates`. ``{% stamp value case %}`` for pages that have a case but no `CaseDates` (timestamps need no
anchor).
"""

from datetime import date, datetime

from django import template
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import pgettext

from registry.presentation import CaseDates, dates_policy

register = template.Library()


def _localized_stamp(value, dates: CaseDates) -> str:
    if value is None:
        return ""
    if not dates.exact:
        return dates.stamp(value)  # to the month: the same digits in every language
    if timezone.is_aware(value):
        value = timezone.localtime(value)
    return date_format(value, "SHORT_DATETIME_FORMAT")


@register.filter
def day_of(value, dates: CaseDates) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return _localized_stamp(value, dates)
    if not isinstance(value, date):
        return dates.day(value)
    if dates.exact:
        return date_format(value, "SHORT_DATE_FORMAT")
    if dates.anchor is None:
        return dates.day(value)
    offset = (value - dates.anchor).days
    # Translators: a date shown as days from the diagnosis, e.g. "day +12", "day -3", "day 0".
    return pgettext("days from diagnosis", "day %(offset)s") % {"offset": f"{offset:+d}" if offset else "0"}


@register.filter
def stamp_of(value, dates: CaseDates) -> str:
    return _localized_stamp(value, dates)


@register.filter
def text_of(value, dates: CaseDates) -> str:
    return dates.text(value)


@register.filter
def diagnosis_of(dates: CaseDates) -> str:
    """The diagnosis date as the reader may see it: exact in the page's format, or its month."""
    if dates is None or dates.anchor is None:
        return ""
    return date_format(dates.anchor, "SHORT_DATE_FORMAT") if dates.exact else dates.diagnosis


@register.simple_tag(takes_context=True)
def stamp(context, value, case) -> str:
    return _localized_stamp(value, dates_policy(context["request"].user).for_case(case))
