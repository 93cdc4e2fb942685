"""Template filters for a case's dates; the rule itself is registry.presentation's.

``{{ value|day_of:dates }}`` a clinical date, ``{{ value|stamp_of:dates }}`` a timestamp, ``{{ text|text_of:dates }}``
free text, where ``dates`` is the case's `CaseDates`. ``{% stamp value case %}`` for pages that have a case but no
`CaseDates` (timestamps need no anchor).
"""

from django import template

from registry.presentation import CaseDates, dates_policy

register = template.Library()


@register.filter
def day_of(value, dates: CaseDates) -> str:
    return dates.day(value)


@register.filter
def stamp_of(value, dates: CaseDates) -> str:
    return dates.stamp(value)


@register.filter
def text_of(value, dates: CaseDates) -> str:
    return dates.text(value)


@register.simple_tag(takes_context=True)
def stamp(context, value, case) -> str:
    return dates_policy(context["request"].user).for_case(case).stamp(value)
