"""Quality pages: thin views over quality.selectors and quality.services. Scoping is registry.access's."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from quality import selectors, services
from quality.forms import FindingFilterForm, MessageForm, QueryFilterForm, QueryOpenForm
from quality.models import AWAITING_CENTER, QueryStatus
from quality.presenters import finding_subject, present_findings, sort_findings
from quality.services.queries import DATA_MANAGER_ONLY, SUBJECT_LIMIT, query_actions
from registry.access import access_for, centers_for, get_case_for_user, get_case_for_user_rw
from registry.views.errors import apply_errors

PAGE_SIZE = 50


def _get_query_for_user(user, pk):
    """A query from the user's scope only: another center's query is a 404, like its case."""
    try:
        return selectors.queries_for(user).select_related("case__center", "opened_by", "finding").get(pk=pk)
    except (selectors.Query.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such query.")) from None


def _get_finding_for_user(user, pk):
    try:
        return selectors.findings_for(user).select_related("case__center").get(pk=pk)
    except (selectors.Finding.DoesNotExist, ValueError, TypeError):
        raise Http404(_("No such finding.")) from None


def _page(request, qs):
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return page, query.urlencode()


@login_required
def dashboard(request):
    user = request.user
    kept = selectors.kept_figures(user)
    rows = selectors.overview(user, kept)
    codes = [row.code for row in rows]
    queries = selectors.queries_for(user).select_related("case__center").exclude(status=QueryStatus.CLOSED)
    return render(
        request,
        "quality/dashboard.html",
        {
            "rows": rows,
            "counted_at": selectors.counted_at(rows),
            "codes": codes,
            "rules": selectors.rule_rows(user, codes, kept),
            "trend": selectors.trend(user),
            "queries": queries[:20],
            "access": access_for(user),
            "today_rules_hidden": not selectors.shows_today_rules_everywhere(user),
        },
    )


@login_required
def finding_list(request):
    user = request.user
    form = FindingFilterForm(request.GET or None, centers=centers_for(user))
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    qs = selectors.findings_listed(user, **filters)
    page, query = _page(request, qs)
    findings = present_findings(user, page.object_list)
    return render(
        request,
        "quality/finding_list.html",
        {"form": form, "page": page, "findings": findings, "query": query, "access": access_for(user)},
    )


@login_required
def case_list(request):
    """Drill-down: the cases behind a center's or a rule's open findings (same filters as the findings list)."""
    user = request.user
    form = FindingFilterForm(request.GET or None, centers=centers_for(user))
    filters = {k: v for k, v in form.cleaned_data.items() if v} if form.is_valid() else {}
    page, query = _page(request, selectors.cases_with_findings(user, **filters))
    return render(request, "quality/case_list.html", {"form": form, "page": page, "query": query})


@login_required
def query_list(request):
    user = request.user
    form = QueryFilterForm(request.GET or None, centers=centers_for(user))
    qs = selectors.queries_for(user).select_related("case__center", "opened_by").annotate(n_messages=Count("messages"))
    status = ""
    if form.is_valid():
        status = form.cleaned_data["status"]
        if form.cleaned_data["center"]:
            qs = qs.filter(case__center__code=form.cleaned_data["center"])
    if status == "":
        qs = qs.exclude(status=QueryStatus.CLOSED)
    elif status != "all":
        qs = qs.filter(status=status)
    page, query = _page(request, qs.order_by("-updated_at", "-pk"))
    return render(request, "quality/query_list.html", {"form": form, "page": page, "query": query})


@login_required
def query_detail(request, pk):
    return _render_detail(request, _get_query_for_user(request.user, pk))


def _render_detail(request, query, *, form=None, action: str = ""):
    """The query page. After a refused answer, close or reopen, `form` carries the typed text and its errors
    and `action` names the form they belong to."""
    return render(
        request,
        "quality/query_detail.html",
        {
            "query": query,
            "thread": query.messages.select_related("author"),
            "form": form or MessageForm(),
            "action": action,
            "actions": query_actions(request.user, query),
            "awaits_center": query.status in AWAITING_CENTER,
            "history": query.history.select_related("history_user").order_by("history_date"),
        },
    )


def _act(request, pk, service, action: str, done: str):
    query = _get_query_for_user(request.user, pk)
    form = MessageForm(request.POST)
    if form.is_valid():
        try:
            service(user=request.user, query=query, text=form.cleaned_data["text"])
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):  # the query changed status meanwhile: show it as it is now
                messages.error(request, " ".join(exc.messages))
                return redirect("quality:query_detail", pk=query.pk)
            apply_errors(form, exc)
        else:
            messages.success(request, done)
            return redirect("quality:query_detail", pk=query.pk)
    # The text is refused: show the page again with the text as typed and the reason next to it.
    return _render_detail(request, query, form=form, action=action)


@login_required
@require_POST
def query_answer(request, pk):
    return _act(request, pk, services.query_answer, "answer", _("Answer sent to the data manager."))


@login_required
@require_POST
def query_close(request, pk):
    return _act(request, pk, services.query_close, "close", _("Query closed."))


@login_required
@require_POST
def query_reopen(request, pk):
    return _act(request, pk, services.query_reopen, "reopen", _("Query reopened; the center has been told."))


@login_required
@require_http_methods(["GET", "POST"])
def query_new(request, pk):
    case, _can_write = get_case_for_user(request.user, pk)
    if not access_for(request.user).is_data_manager:
        raise PermissionDenied(_(DATA_MANAGER_ONLY))
    form = QueryOpenForm(request.POST or None, case=case)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            query = services.query_open(
                user=request.user,
                case=case,
                subject=data["subject"],
                text=data["text"],
                record=form.record(case),
                field=data["field"],
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Query opened; the center has been told."))
            return redirect("quality:query_detail", pk=query.pk)
    return render(request, "quality/query_form.html", {"form": form, "case": case})


@login_required
@require_http_methods(["GET", "POST"])
def finding_query(request, pk):
    finding = _get_finding_for_user(request.user, pk)
    if not access_for(request.user).is_data_manager:
        raise PermissionDenied(_(DATA_MANAGER_ONLY))
    [finding] = present_findings(request.user, [finding])
    # The problem found in this case and the record it sits on, in the data manager's language.
    initial = {"subject": finding_subject(finding, limit=SUBJECT_LIMIT), "text": finding.display_message}
    form = QueryOpenForm(request.POST or None, case=finding.case, finding=finding, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            query = services.query_from_finding(
                user=request.user, finding=finding, subject=form.cleaned_data["subject"], text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Query opened from the finding; the center has been told."))
            return redirect("quality:query_detail", pk=query.pk)
    return render(request, "quality/query_form.html", {"form": form, "case": finding.case, "finding": finding})


@login_required
@require_POST
def case_recheck(request, pk):
    """Run the rules on one case now (they also run after every save and nightly)."""
    case = get_case_for_user_rw(request.user, pk)
    services.case_check(case)
    messages.success(request, _("Data-quality checks run again for this case."))
    return redirect("registry:case_detail", pk=case.pk)


def case_panel_context(user, case) -> dict:
    """The case page's findings and queries panel (quality/case_panel.html)."""
    access = access_for(user)
    findings = sort_findings(present_findings(user, selectors.findings_for(user).filter(case=case), with_sections=True))
    queries = list(selectors.queries_for(user).filter(case=case).order_by("-updated_at", "-pk"))
    return {
        "case": case,
        "findings": findings,
        "queries": queries,
        "is_data_manager": access.is_data_manager,
        "can_edit": access.can_write_center(case.center_id) and not case.is_locked,
    }
