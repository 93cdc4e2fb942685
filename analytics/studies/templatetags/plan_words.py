"""``{{ text|plan_text }}``: a plan's sentence (a shipped plan's name or title, a verdict's word, a stored note of
the registry's) in the reader's language; text a user typed comes back as it is."""

from django import template

from analytics.studies.i18n import translated

register = template.Library()


@register.filter
def plan_text(value) -> str:
    return "" if value is None else translated(value)
