"""The data dictionary, the import template and a center's records export: pages and downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from audit.models import AccessEvent
from audit.services import access_event_record
from registry.access import access_for
from registry.transfer.dictionary_files import HEADER, dictionary_csv, dictionary_groups, dictionary_xlsx, variable_row
from registry.transfer.export import records_export
from registry.transfer.template import template_xlsx, template_zip

NO_ROLE = "Your account has no role in the registry yet."

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def _require_role(user) -> None:
    if not access_for(user).has_any_role:
        raise PermissionDenied(NO_ROLE)


def _download(request, *, data: bytes, file_name: str, fmt: str, detail: str) -> HttpResponse:
    # Logged before anything is sent: a file whose download cannot be logged is not served.
    access_event_record(kind=AccessEvent.Kind.EXPORT, request=request, status=200, file_name=file_name, detail=detail)
    response = HttpResponse(data, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{file_name}"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_GET
def dictionary(request):
    _require_role(request.user)
    groups = [(group, [variable_row(v) for v in group.variables]) for group in dictionary_groups()]
    return render(request, "registry/dictionary.html", {"groups": groups, "header": HEADER})


@login_required
@require_GET
def dictionary_download(request, fmt):
    _require_role(request.user)
    groups = dictionary_groups()
    data = dictionary_csv(groups) if fmt == "csv" else dictionary_xlsx(groups)
    return _download(request, data=data, file_name=f"data-dictionary.{fmt}", fmt=fmt, detail=f"data dictionary ({fmt})")


@login_required
@require_GET
def import_template(request, fmt):
    _require_role(request.user)  # the template holds no case data
    data = template_xlsx() if fmt == "xlsx" else template_zip()
    return _download(request, data=data, file_name=f"import-template.{fmt}", fmt=fmt, detail=f"import template ({fmt})")


@login_required
@require_GET
def records_export_view(request, fmt):
    # ?center=CODE (repeatable) narrows the export to some of the user's centers; another center's code is a 403.
    centers = request.GET.getlist("center") or None
    file_name, data = records_export(request.user, centers=centers, fmt=fmt)
    codes = file_name.removeprefix("records-").rsplit(".", 1)[0]
    return _download(request, data=data, file_name=file_name, fmt=fmt, detail=f"records of {codes} ({fmt})")
