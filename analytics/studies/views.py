"""Pages of the analysis plans. Thin: plans are loaded through analytics.studies.selectors (a 404 for anyone but
coordinators and the data manager) and every change goes through analytics.studies.services."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from analytics.plans.spec import Claim
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.sending import run_queue_notice
from analytics.runs.services import run_request
from analytics.studies import services
from analytics.studies.forms import (
    MAX_ANALYSES,
    AnalysisFormSet,
    PlanForm,
    analysis_initial,
    plan_initial,
    spec_from_forms,
)
from analytics.studies.i18n import VariableWords, translated
from analytics.studies.models import AnalysisPlan, PlanVersion
from analytics.studies.presentation import describe_spec, plan_history
from analytics.studies.selectors import (
    get_plan_for_user,
    get_version_for_user,
    latest_versions,
    may_use_plans,
    plan_check,
    plan_ref,
    plan_runs,
    plans_for,
)

PREFIX = "analyses"
CREATED = _("Plan “{name}” saved as a draft (version 1). Register it when it is final.")
SAVED_DRAFT = _("Version {number} saved (a draft).")
SAVED_NEW = _("Version {number} saved as a draft; the registered version {old} stays as it was.")
UNCHANGED = _("Nothing changed: nothing was saved.")
REGISTERED = _("Version {number} is registered: it is now the pre-specified plan and never changes.")
ARCHIVED = _("Plan archived. It stays readable, with its versions and history.")
RUN_STARTED = _("Run {run} was started with version {number} of this plan; this page follows it.")
RUN_WAITING = _("Run {run}, asked for already with version {number} of this plan, is waiting for a worker: here it is.")
ARCHIVED_NO_EDIT = _("This plan is archived: it can be read, not changed.")
CONDITION = _("Condition {n}: {message}")
ANALYSES = _("Analyses: {message}")
ANALYSIS_WHERE = _("Analysis “{title}”")
CONDITION_WHERE = _("Condition {n}")
PLAN_WHERE = _("The plan")
PLACED = _("{where}: {message}")
WHERE_WORDS = {"filters": _("Population"), "conditions": _("Conditions"), "population": _("Population")}


def plan_roles_only(view):
    """A 404 for anyone but coordinators and the data manager, before anything else (the method included), so
    that every plan address answers them alike."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not may_use_plans(request.user):
            raise Http404("No analysis plans here.")
        return view(request, *args, **kwargs)

    return wrapped


def _more(request) -> int | None:
    """How many empty analysis forms to add, when the "add" button was pressed."""
    if "more" not in request.POST:
        return None
    try:
        return max(1, min(int(request.POST.get("add_analyses") or 1), 10))
    except ValueError:
        return 1


def _apply_errors(exc: ValidationError, form: PlanForm, formset) -> None:
    """Show a service's refusal where it belongs: a plan field, a condition, or the analysis with that key."""
    if not hasattr(exc, "error_dict"):
        for message in exc.messages:
            form.add_error(None, message)
        return
    by_key: dict[str, list] = {}
    for f in formset.forms:
        key = getattr(f, "cleaned_data", {}).get("key")
        if key:
            by_key.setdefault(key, []).append(f)
    for where, messages_ in exc.message_dict.items():
        if where in ("name", "question"):
            form.add_error(where, messages_)
        elif where.startswith("condition "):
            n = where.removeprefix("condition ")
            form.add_error("conditions", [CONDITION.format(n=n, message=m) for m in messages_])
        elif where.startswith("analysis ") and where.removeprefix("analysis ") in by_key:
            for f in by_key[where.removeprefix("analysis ")]:
                f.add_error(None, messages_)
        elif where == "analyses":
            form.add_error(None, [ANALYSES.format(message=m) for m in messages_])
        else:
            if where == "__all__":
                form.add_error(None, messages_)
            else:
                place = WHERE_WORDS.get(where, where)
                form.add_error(None, [PLACED.format(where=place, message=m) for m in messages_])


def _form_page(request, form, formset, *, plan=None, latest=None):
    return render(
        request,
        "studies/plan_form.html",
        {"form": form, "formset": formset, "plan": plan, "latest": latest, "max_analyses": MAX_ANALYSES},
    )


def _save(request, form, formset, save, *, plan=None, latest=None):
    """Validate both forms, build the spec and call ``save(spec)``; re-render with every error otherwise."""
    more = _more(request)
    if more is not None:
        formset = AnalysisFormSet.with_more_forms(request.POST, more, prefix=PREFIX)
        return _form_page(request, form, formset, plan=plan, latest=latest)
    if form.is_valid() and formset.is_valid():
        claims: dict[str, Claim] = {}
        if latest is not None:
            claims = {a.key: a.claim for a in latest.spec_obj().analyses if a.claim is not None}
        try:
            return save(spec_from_forms(form, formset, claims))
        except ValidationError as exc:
            _apply_errors(exc, form, formset)
    return _form_page(request, form, formset, plan=plan, latest=latest)


@login_required
@plan_roles_only
@require_GET
def plan_list(request):
    archived = request.GET.get("archived") == "1"
    plans = list(plans_for(request.user, include_archived=archived))
    latest = latest_versions(plans)
    rows = [{"plan": p, "latest": latest.get(p.pk)} for p in plans]
    return render(request, "studies/plan_list.html", {"rows": rows, "archived": archived})


@login_required
@plan_roles_only
@require_http_methods(["GET", "POST"])
def plan_new(request):
    form = PlanForm(request.POST or None, user=request.user)
    formset = AnalysisFormSet(request.POST or None, prefix=PREFIX)
    if request.method != "POST":
        return _form_page(request, form, formset)

    def save(spec):
        version = services.plan_create(user=request.user, spec=spec, note=form.cleaned_data.get("note") or "")
        messages.success(request, CREATED.format(name=translated(spec.name)))
        return redirect("studies:plan_detail", pk=version.plan_id)

    return _save(request, form, formset, save)


@login_required
@plan_roles_only
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = get_plan_for_user(request.user, pk)
    if plan.is_archived:
        messages.error(request, ARCHIVED_NO_EDIT)
        return redirect("studies:plan_detail", pk=plan.pk)
    latest = plan.latest_version()
    spec = latest.spec_obj()
    initial = plan_initial(spec, revision=plan.revision)
    initial["note"] = "" if latest.is_registered else latest.note
    form = PlanForm(request.POST or None, user=request.user, initial=initial)
    formset = AnalysisFormSet(request.POST or None, prefix=PREFIX, initial=[analysis_initial(a) for a in spec.analyses])
    if request.method != "POST":
        return _form_page(request, form, formset, plan=plan, latest=latest)

    def save(new_spec):
        version = services.plan_update(
            user=request.user,
            plan=plan,
            spec=new_spec,
            expected_version=form.cleaned_data.get("revision"),
            note=form.cleaned_data.get("note") or "",
        )
        if version.pk == latest.pk and version.spec == latest.spec and version.note == latest.note:
            messages.info(request, UNCHANGED)
        elif version.pk == latest.pk:
            messages.success(request, SAVED_DRAFT.format(number=version.number))
        else:
            messages.success(request, SAVED_NEW.format(number=version.number, old=latest.number))
        return redirect("studies:plan_detail", pk=plan.pk)

    return _save(request, form, formset, save, plan=plan, latest=latest)


@login_required
@plan_roles_only
@require_GET
def plan_detail(request, pk):
    plan = get_plan_for_user(request.user, pk)
    versions = list(plan.versions.select_related("created_by", "changed_by", "registered_by").order_by("-number"))
    latest = versions[0] if versions else None
    return render(
        request,
        "studies/plan_detail.html",
        {
            "plan": plan,
            "versions": versions,
            "latest": latest,
            "described": describe_spec(latest.spec) if latest else None,
            "runs": plan_runs(plan),
        },
    )


@login_required
@plan_roles_only
@require_GET
def version_check(request, pk, number):
    """A version checked against today's data, before it is registered or run."""
    version = get_version_for_user(request.user, pk, number)
    checked = plan_check(request.user, version)
    words = VariableWords()
    problems = [
        {**p, "where": _where(p["where"], version), "message": translated(p["message"], words)}
        for p in checked["problems"]
    ]
    return render(
        request,
        "studies/version_check.html",
        {"plan": version.plan, "version": version, "n_cases": checked["n_cases"], "problems": problems},
    )


def _where(where: str, version: PlanVersion) -> str:
    """Where a problem is, as the plan's page names it: an analysis by its title, a condition by its number."""
    if where.startswith("analysis "):
        key = where.removeprefix("analysis ")
        titles = {a.get("key"): a.get("title") or key for a in version.spec.get("analyses") or ()}
        return str(ANALYSIS_WHERE).format(title=translated(titles.get(key, key)))
    if where.startswith("condition "):
        return str(CONDITION_WHERE).format(n=where.removeprefix("condition "))
    return str(WHERE_WORDS.get(where, PLAN_WHERE))


@login_required
@plan_roles_only
@require_http_methods(["POST"])
def plan_run(request, pk):
    """Run the plan's latest version now, on the pooled rows the user may read (the run's own page follows it)."""
    plan = get_plan_for_user(request.user, pk)
    latest: PlanVersion | None = plan.latest_version()
    if latest is None or plan.is_archived:
        raise Http404("Nothing to run.")
    settings = RunSettings(plans=(plan_ref(latest),))
    asked_at = timezone.now()
    try:
        run = run_request(user=request.user, filters=RunFilters(), settings=settings)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("studies:plan_detail", pk=plan.pk)
    notice = run_queue_notice(run)
    if notice:
        messages.warning(request, notice)
    else:
        message = RUN_WAITING if run.created_at < asked_at else RUN_STARTED
        messages.info(request, message.format(run=run.pk, number=latest.number))
    return redirect("analytics:run_detail", pk=run.pk)


@login_required
@plan_roles_only
@require_GET
def version_detail(request, pk, number):
    version = get_version_for_user(request.user, pk, number)
    latest = version.plan.versions.order_by("-number").values_list("number", flat=True).first()
    return render(
        request,
        "studies/version_detail.html",
        {"plan": version.plan, "version": version, "latest": latest, "described": describe_spec(version.spec)},
    )


@login_required
@plan_roles_only
@require_GET
def plan_history_page(request, pk):
    plan = get_plan_for_user(request.user, pk)
    return render(request, "studies/plan_history.html", {"plan": plan, "entries": plan_history(plan)})


def _posted_revision(request) -> int | None:
    try:
        return int(request.POST.get("revision", ""))
    except ValueError:
        return None


@login_required
@plan_roles_only
@require_http_methods(["GET", "POST"])
def plan_register(request, pk):
    plan = get_plan_for_user(request.user, pk)
    latest: PlanVersion | None = plan.latest_version()
    if latest is None:
        raise Http404("No version to register.")
    if request.method == "POST":
        try:
            number = int(request.POST.get("number", ""))
        except ValueError:
            number = latest.number
        version = get_version_for_user(request.user, pk, number)
        try:
            services.plan_register(user=request.user, version=version, expected_version=_posted_revision(request))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
            return redirect("studies:plan_detail", pk=plan.pk)
        messages.success(request, REGISTERED.format(number=version.number))
        return redirect("studies:version_detail", pk=plan.pk, number=version.number)
    return render(
        request,
        "studies/plan_register.html",
        {"plan": plan, "version": latest, "described": describe_spec(latest.spec)},
    )


@login_required
@plan_roles_only
@require_http_methods(["GET", "POST"])
def plan_archive(request, pk):
    plan: AnalysisPlan = get_plan_for_user(request.user, pk)
    if request.method == "POST":
        try:
            services.plan_archive(user=request.user, plan=plan, expected_version=_posted_revision(request))
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, ARCHIVED)
        return redirect("studies:plan_detail", pk=plan.pk)
    return render(request, "studies/plan_archive.html", {"plan": plan})
