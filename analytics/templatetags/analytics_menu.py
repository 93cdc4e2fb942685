from django import template
from django.urls import reverse
from django.utils.translation import gettext as _

from registry.access import access_for

register = template.Library()


@register.simple_tag(takes_context=True)
def analytics_menu_link(context):
    """The menu entry for the pooled analyses: "Analyses" for registry-wide roles, the center's own report for
    a center's users, nothing for anyone else."""
    access = access_for(context["request"].user)
    if access.read_all:
        return {"label": _("Analyses"), "url": reverse("analytics:run_list")}
    if access.write_center_ids:
        return {"label": _("My center's report"), "url": reverse("analytics:my_center")}
    return None


@register.simple_tag(takes_context=True)
def export_menu_link(context):
    """ "Export data" for everyone who may read cases (a center's users export their own centers' cases)."""
    if not access_for(context["request"].user).has_any_role:
        return None
    return {"label": _("Export data"), "url": reverse("analytics:export_page")}
