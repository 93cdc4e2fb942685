"""Panels the registry's pages include: a case's findings and queries, and a user's quality summary."""

from django import template

from quality import selectors
from quality.models import AWAITING_CENTER, QueryStatus, Severity
from registry.access import access_for
from registry.presentation import dates_for

register = template.Library()


@register.inclusion_tag("quality/_case_panel.html", takes_context=True)
def quality_case_panel(context, case):
    from quality.views import case_panel_context

    user = context["request"].user
    return {**case_panel_context(user, case), "dates": dates_for(user, case)}


@register.inclusion_tag("quality/_dashboard_panel.html", takes_context=True)
def quality_dashboard_panel(context):
    user = context["request"].user
    access = access_for(user)
    findings = selectors.findings_for(user)
    queries = selectors.queries_for(user).select_related("case")
    # The center owes answers to open and reopened queries; the data manager reviews answered ones.
    waiting = (
        queries.filter(status=QueryStatus.ANSWERED)
        if access.is_data_manager
        else queries.filter(status__in=AWAITING_CENTER)
    )
    return {
        "errors": findings.filter(severity=Severity.ERROR).count(),
        "warnings": findings.filter(severity=Severity.WARNING).count(),
        "open_queries": queries.exclude(status=QueryStatus.CLOSED).count(),
        "waiting": list(waiting.order_by("-updated_at")[:10]),
        "is_data_manager": access.is_data_manager,
        "shows_queries": access.is_data_manager or bool(access.write_center_ids),
    }
