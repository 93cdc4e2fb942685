"""Pages of the pooled analyses. Thin: every run is loaded through analytics.runs.selectors (scoped like case
data, 404 outside the reader's scope) and every change goes through analytics.runs.services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from analytics.exports import EXPORT_FORMATS, NO_EXPORT, dataset_export, export_detail, may_export
from analytics.forms import DatasetExportForm, RunRequestForm
from analytics.runs.models import AnalysisRun, RunArtifact
from analytics.runs.options import RunFilters, RunSettings
from analytics.runs.reporting import figure_file_name, html_context
from analytics.runs.selectors import (
    can_request_pooled,
    get_artifact_for_user,
    get_figure_for_user,
    get_run_for_user,
    may_run_again,
    own_centers,
    runs_for,
    runs_with_progress,
)
from analytics.runs.sending import run_queue_notice
from analytics.runs.services import USER_FACING_ERRORS, run_again, run_request
from audit.models import AccessEvent
from audit.selectors import report_viewed_recently
from audit.services import access_event_record
from registry.access import access_for
from registry.views.errors import apply_errors

REFRESH_SECONDS = 3
REUSED_MESSAGE = gettext_noop(
    "The same analysis was asked for already and is waiting for a worker (run {pk}): this page follows it."
)
QUEUED_MESSAGE = gettext_noop("Run {pk} was started; this page follows it.")
NO_ROLE = gettext_noop("Your role cannot start analyses.")
FIGURE_KINDS = (RunArtifact.Kind.PNG, RunArtifact.Kind.SVG)


def _may_request(user) -> bool:
    return can_request_pooled(user) or own_centers(user).exists()


@login_required
@require_GET
def run_list(request):
    if not access_for(request.user).has_any_role:
        raise Http404(_("No analyses here."))
    page = Paginator(runs_with_progress(request.user), 25).get_page(request.GET.get("page"))
    return render(
        request,
        "analytics/run_list.html",
        {
            "page": page,
            "access": access_for(request.user),
            "may_request": _may_request(request.user),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def run_new(request):
    if not _may_request(request.user):
        raise PermissionDenied(_(NO_ROLE))
    centers = None if can_request_pooled(request.user) else list(own_centers(request.user))
    form = RunRequestForm(request.POST or None, user=request.user, own_centers=centers)
    if request.method == "POST" and form.is_valid():
        filters, settings = form.options()
        asked_at = timezone.now()
        try:
            run = run_request(
                user=request.user,
                filters=filters,
                settings=settings,
                language=form.cleaned_data.get("language") or None,
            )
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            notice = run_queue_notice(run)
            if notice:
                messages.warning(request, notice)
            elif run.created_at < asked_at:
                messages.info(request, _(REUSED_MESSAGE).format(pk=run.pk))
            else:
                messages.success(request, _(QUEUED_MESSAGE).format(pk=run.pk))
            return redirect("analytics:run_detail", pk=run.pk)
    return render(request, "analytics/run_form.html", {"form": form, "center_report": centers is not None})


def _filter_items(run: AnalysisRun) -> list[tuple[str, str]]:
    try:
        return RunFilters.from_dict(run.filters).items()
    except (TypeError, ValueError):  # a run stored under an older shape: shown as it is rather than not at all
        return [(_("Filters"), str(run.filters))]


def _setting_items(run: AnalysisRun) -> list[tuple[str, str]]:
    try:
        return RunSettings.from_dict(run.settings).items()
    except (TypeError, ValueError):
        return [(_("Settings"), str(run.settings))]


@login_required
@require_GET
def my_center(request):
    """A center's users: their center's latest report and a button for a fresh one."""
    if can_request_pooled(request.user):
        return redirect("analytics:run_list")
    centers = list(own_centers(request.user))
    if not centers:
        raise Http404(_("No center report here."))
    runs = runs_for(request.user)
    rows = [
        {
            "center": center,
            "latest": runs.filter(scope_center=center, status=AnalysisRun.Status.DONE).first(),
            "pending": runs.filter(scope_center=center).exclude(status__in=AnalysisRun.FINISHED).first(),
        }
        for center in centers
    ]
    return render(request, "analytics/my_center.html", {"rows": rows})


@login_required
@require_GET
def run_detail(request, pk):
    run = get_run_for_user(request.user, pk)
    access = access_for(request.user)
    source = run.source
    return render(
        request,
        "analytics/run_detail.html",
        {
            "run": run,
            "source": source,
            "artifacts": source.artifacts.all() if source.status == AnalysisRun.Status.DONE else [],
            # Per-center parts name centers: registry-wide readers only.
            "parts": run.parts.select_related("center") if access.read_all else None,
            "show_error": access.read_all or run.error in USER_FACING_ERRORS,
            "may_run_again": may_run_again(request.user, run),
            # The failures a person may read are the registry's own sentences: shown in the reader's language.
            "error_text": _(run.error) if run.error in USER_FACING_ERRORS else run.error,
            "progress": run.progress,
            "refresh": None if run.is_finished else REFRESH_SECONDS,
            "filter_items": _filter_items(run),
            "setting_items": _setting_items(run),
        },
    )


@login_required
@require_POST
def run_again_view(request, pk):
    run = get_run_for_user(request.user, pk)
    try:
        again = run_again(user=request.user, run=run)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("analytics:run_detail", pk=run.pk)
    notice = run_queue_notice(again)
    if notice:
        messages.warning(request, notice)
    else:
        messages.success(request, _(QUEUED_MESSAGE).format(pk=again.pk))
    return redirect("analytics:run_detail", pk=again.pk)


@login_required
@require_GET
def run_report(request, pk):
    run = get_run_for_user(request.user, pk)
    source = run.source
    if source.status != AnalysisRun.Status.DONE or not source.results:
        return redirect("analytics:run_detail", pk=run.pk)
    files = {(a.kind, a.name): a for a in source.artifacts.all()}
    base = reverse("analytics:run_detail", args=[run.pk])
    # One row for the page and the figures it shows inline (figure_download does not log those one by one).
    access_event_record(kind=AccessEvent.Kind.REPORT_VIEWED, request=request, status=200, object_id=run.pk)
    # The report reads in the language it was made in (its stored words are in that language already).
    with translation.override(source.language):
        report = html_context(source.results, figure_url=base + "figures/{name}.{fmt}")
    return render(
        request,
        "analytics/report.html",
        {
            "run": run,
            "source": source,
            "report": report,
            "report_language": source.language,
            "downloads": [files[key] for key in sorted(files) if key[0] not in FIGURE_KINDS],
            "n_figure_files": sum(1 for kind, _ in files if kind in FIGURE_KINDS),
        },
    )


def _file_response(request, run: AnalysisRun, artifact: RunArtifact, *, logged: bool = True) -> FileResponse:
    filename = f"run{run.source.pk}-{artifact.filename}"
    # Logged before anything is sent: a file whose download cannot be logged is not served.
    if logged:
        access_event_record(
            kind=AccessEvent.Kind.DOWNLOAD, request=request, status=200, object_id=run.pk, file_name=filename
        )
    # PNGs are shown inline by the report page; everything else (SVG included) is downloaded.
    inline = artifact.kind == RunArtifact.Kind.PNG
    response = FileResponse(
        artifact.file.open("rb"),
        as_attachment=not inline,
        filename=filename,
        content_type=artifact.content_type,
    )
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def artifact_download(request, pk, artifact_pk):
    run, artifact = get_artifact_for_user(request.user, pk, artifact_pk)
    return _file_response(request, run, artifact)


@login_required
@require_GET
def figure_download(request, pk, name, fmt):
    if fmt not in FIGURE_KINDS:
        raise Http404(_("No such figure format."))
    run, artifact = get_figure_for_user(request.user, pk, figure_file_name(name), fmt)
    # A PNG shown inline by a report page this user just opened is part of that page's logged view; any other
    # figure request (an SVG, a PNG fetched on its own) is a download.
    inline_in_report = fmt == RunArtifact.Kind.PNG and report_viewed_recently(user=request.user, run_pk=run.pk)
    return _file_response(request, run, artifact, logged=not inline_in_report)


# Offered on the export page, in this order, with what each holds.
EXPORT_CHOICES = (
    ("csv", "CSV", gettext_lazy("cases table")),
    ("xlsx", gettext_lazy("Excel workbook"), gettext_lazy("all three tables, variables and codes")),
    ("sav", "SPSS (.sav)", gettext_lazy("cases table, labelled")),
    ("dta", "Stata (.dta)", gettext_lazy("cases table, labelled")),
    ("zip", "Zip", gettext_lazy("CSV files of all three tables, R script, variables and codes")),
    ("r", gettext_lazy("R script"), gettext_lazy("reads the CSV files of the zip")),
)


def _export_form(request) -> DatasetExportForm:
    if not may_export(request.user):
        raise PermissionDenied(NO_EXPORT)
    return DatasetExportForm(request.GET or None, user=request.user)


def _export_page(request, form: DatasetExportForm, error: str = ""):
    query = request.GET.urlencode() if form.is_bound and form.is_valid() else ""
    links = [
        {
            "url": reverse("analytics:export_file", args=[fmt]) + (f"?{query}" if query else ""),
            "name": name,
            "what": what,
        }
        for fmt, name, what in EXPORT_CHOICES
    ]
    return render(
        request,
        "analytics/export.html",
        {"form": form, "error": error, "links": links if not (form.errors or error) else []},
    )


@login_required
@require_GET
def export_page(request):
    """The export page: the filters, then a link per format carrying them."""
    return _export_page(request, _export_form(request))


@login_required
@require_GET
def export_file(request, fmt):
    if fmt not in EXPORT_FORMATS:
        raise Http404(_("No such export format."))
    form = _export_form(request)
    if form.is_bound and not form.is_valid():
        return _export_page(request, form)
    filters = form.filters() if form.is_bound else DatasetExportForm.unfiltered()
    try:
        export = dataset_export(request.user, filters=filters, fmt=fmt)
    except ValidationError as exc:
        return _export_page(request, form, error=" ".join(exc.messages))
    # Logged before anything is sent: an export that cannot be logged is not served.
    access_event_record(
        kind=AccessEvent.Kind.EXPORT,
        request=request,
        status=200,
        file_name=export.filename,
        detail=export_detail(request.user, fmt, filters),
    )
    response = HttpResponse(export.data, content_type=export.content_type)
    response["Content-Disposition"] = f'attachment; filename="{export.filename}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
