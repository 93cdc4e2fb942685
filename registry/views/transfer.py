"""The data dictionary, the import template and a center's records export: pages and downloads."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext, gettext_noop, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET

from audit.models import AccessEvent
from audit.services import access_event_record
from registry import marked_codes
from registry.access import access_for
from registry.dictionary import DERIVED, ENTERED, EVERY_ROW
from registry.transfer.dictionary_files import HEADER, dictionary_csv, dictionary_groups, dictionary_xlsx, variable_row
from registry.transfer.export import records_export
from registry.transfer.template import template_xlsx, template_zip

NO_ROLE = gettext_noop("Your account has no role in the registry yet.")

# The page's column headings and the words of its cells; the CSV and XLSX downloads keep HEADER's codes (a
# program reads them).
_PAGE_HEADER = {
    "variable": _("Variable"),
    "label": _("Label"),
    "table": _("Table"),
    "type": _("Type"),
    "unit": _("Unit"),
    "codes": _("Codes"),
    "range": _("Range"),
    "required": _("Required"),
    "source": _("Source"),
    "derived_from": _("Derived from"),
    "description": _("Description"),
}
# In English the page shows the same words as the CSV (a reader can compare them); other languages translate them.
_KINDS = {
    "text": pgettext_lazy("type of a variable", "text"),
    "integer": pgettext_lazy("type of a variable", "integer"),
    "decimal": pgettext_lazy("type of a variable", "decimal"),
    "date": pgettext_lazy("type of a variable", "date"),
    "boolean": pgettext_lazy("type of a variable", "boolean"),
    "code": pgettext_lazy("type of a variable", "code"),
    "vocabulary": pgettext_lazy("type of a variable", "vocabulary"),
}
_SOURCES = {ENTERED: _("entered"), DERIVED: _("derived")}
_REQUIRED = {
    EVERY_ROW: _("every row"),
    "registration": pgettext_lazy("stage of data entry", "registration"),
    "diagnosis": pgettext_lazy("stage of data entry", "diagnosis"),
    "treatment": pgettext_lazy("stage of data entry", "treatment"),
    "follow-up": pgettext_lazy("stage of data entry", "follow-up"),
}
_CELL_WORDS = {"type": _KINDS, "source": _SOURCES, "required": _REQUIRED}

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}


def _require_role(user) -> None:
    if not access_for(user).has_any_role:
        raise PermissionDenied(gettext(NO_ROLE))


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
    groups = [
        (_group_heading(group), [_page_cells(v) for v in group.variables]) for group in dictionary_groups(marked=True)
    ]
    header = [_PAGE_HEADER.get(name, name) for name in HEADER]
    return render(request, "registry/dictionary.html", {"groups": groups, "header": header})


def _group_heading(group):
    """(anchor, heading): an import sheet's name is a code a person types, so it is shown as code."""
    if not group.sheet_title:
        return group.table, group.title
    # The sentence is escaped, then its pieces (each escaped) are put in: the name is shown as code.
    heading = mark_safe(
        escape(gettext("Import sheet %(name)s: %(title)s"))
        % {"name": format_html("<code>{}</code>", group.table), "title": escape(group.sheet_title)}
    )
    return group.table, heading


# Columns whose cells are codes a person types or reads in a file: shown as code on the page.
_CODE_COLUMNS = {"variable", "table"}
# Sentences that name columns and values: those are shown as code.
_SENTENCE_COLUMNS = {"derived_from", "description"}


def _page_row(cells: list) -> list:
    """A dictionary row in the reader's language: the type, source and stage in words."""
    return [
        str(_CELL_WORDS[name].get(cell, cell)) if name in _CELL_WORDS and isinstance(cell, str) else cell
        for name, cell in zip(HEADER, cells, strict=True)
    ]


def _page_cells(variable) -> list:
    """A dictionary row for the page, its codes marked as code: "<code>code</code> = label; ..."."""
    cells = _page_row(variable_row(variable, translated=True))
    out = []
    for name, cell in zip(HEADER, cells, strict=True):
        if name in _CODE_COLUMNS and cell:
            cell = format_html("<code>{}</code>", cell)
        elif name == "codes" and variable.codes:
            cell = _codes_html(variable)
        elif name in _SENTENCE_COLUMNS:
            cell = marked_codes.html(cell)
        out.append(cell)
    return out


def _codes_html(variable):
    retired = set(variable.retired)
    return format_html_join(
        "; ",
        "<code>{}</code> = {}{}",
        (
            (code, label, format_html(" ({})", gettext("retired")) if code in retired else "")
            for code, label in variable.codes
        ),
    )


@login_required
@require_GET
def dictionary_download(request, fmt):
    _require_role(request.user)
    groups = dictionary_groups()
    data = dictionary_csv(groups) if fmt == "csv" else dictionary_xlsx(groups, cell_words=_page_row)
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
