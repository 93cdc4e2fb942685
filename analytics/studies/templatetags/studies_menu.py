from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from analytics.studies.selectors import may_use_plans

register = template.Library()


@register.simple_tag(takes_context=True)
def plans_menu_link(context):
    """ "Analysis plans" for coordinators and the data manager; nothing for anyone else."""
    if not may_use_plans(context["request"].user):
        return None
    return {"label": _("Analysis plans"), "url": reverse("studies:plan_list")}
