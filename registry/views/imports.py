"""The import pages: upload a file and see every problem (a dry run), then import it or discard it. Thin: the
reading, checking and writing are registry.services.imports'."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from audit.models import AccessEvent
from audit.services import access_event_record
from registry.access import access_for
from registry.import_forms import ImportUploadForm
from registry.selectors import import_jobs_for
from registry.services import imports as services
from registry.transfer.sheets import SHEETS

CENTER_USERS_ONLY = gettext_noop("Importing is for the users who enter a center's data.")
PROBLEMS_PER_PAGE = 200


def _writer(request) -> None:
    access = access_for(request.user)
    if not (access.write_center_ids or access.write_all):
        raise PermissionDenied(_(CENTER_USERS_ONLY))


def _log(request, job, detail: str) -> None:
    access_event_record(
        kind=AccessEvent.Kind.IMPORT,
        request=request,
        status=200,
        object_id=job.pk,
        file_name=job.file_name,
        detail=detail,
    )


def _job(request, job_pk):
    return get_object_or_404(import_jobs_for(request.user), pk=job_pk)


@login_required
@require_http_methods(["GET", "POST"])
def import_list(request):
    _writer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = services.import_check(
            user=request.user, center=form.cleaned_data["center"], file_name=upload.name, data=upload.read()
        )
        _log(request, job, f"checked: {job.get_status_display()}, {job.n_problems} problems")
        return redirect("registry:import_detail", job_pk=job.pk)
    jobs = Paginator(import_jobs_for(request.user), 25).get_page(request.GET.get("page"))
    return render(request, "registry/imports/import_list.html", {"form": form, "page": jobs})


@login_required
def import_detail(request, job_pk):
    _writer(request)
    job = _job(request, job_pk)
    problems = Paginator(job.problems, PROBLEMS_PER_PAGE).get_page(request.GET.get("page"))
    titles = {s.name: _(s.title) for s in SHEETS}  # the titles are marked with gettext_noop
    counts = [(titles.get(name, name), c) for name, c in job.counts.get("sheets", {}).items()]
    return render(
        request,
        "registry/imports/import_detail.html",
        {
            "job": job,
            "page": problems,
            "case_counts": job.counts.get("cases"),
            "sheet_counts": counts,
            "can_commit": job.status == job.Status.CHECKED and job.uploaded_by_id == request.user.pk,
            "writes_nothing": not any(v for key, v in job.counts.get("cases", {}).items() if key != "unchanged")
            and not any(c["new"] or c["changed"] for _t, c in counts),
        },
    )


def _act(request, job_pk, action, done: str):
    _writer(request)
    job = _job(request, job_pk)
    try:
        job = action(user=request.user, job=job)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("registry:import_detail", job_pk=job.pk)
    _log(request, job, f"{done}: {job.get_status_display()}")
    if job.status == job.Status.REFUSED:
        messages.error(
            request, _("Nothing was imported: the registry changed since the check. The problems are below.")
        )
    else:
        messages.success(
            request, _("{file_name}: {outcome}.").format(file_name=job.file_name, outcome=job.get_status_display())
        )
    return redirect("registry:import_detail", job_pk=job.pk)


@login_required
@require_POST
def import_commit(request, job_pk):
    return _act(request, job_pk, services.import_commit, "commit")


@login_required
@require_POST
def import_abandon(request, job_pk):
    return _act(request, job_pk, services.import_abandon, "discarded")
