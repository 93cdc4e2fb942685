"""One view edits any section of a case: a single record (diagnosis, treatment, a lab panel) or a formset of
records (findings, events...). It shapes input and calls records_save; the rules live in the service."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext, gettext_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from registry.access import CASE_LOCKED, get_case_for_user_rw
from registry.sections import SECTIONS
from registry.services.errors import RecordsInvalid
from registry.services.records import RecordChange, records_save
from registry.views.errors import apply_errors

NOT_SAVED = gettext_lazy("Nothing was saved: correct what is marked below.")
ROWS_ADDED = gettext_lazy("Empty rows added. Nothing is saved until you press Save.")
# "Add rows" posts the page (keeping what was typed) and asks for this many more empty rows; ?rows=N on a GET
# asks for N empty rows. Bounded so a crafted number cannot build a page of a million forms.
ADD_ROWS = 3
MAX_EMPTY_ROWS = 30
ADD_ROWS_FIELD = "add_rows"


def _rows_wanted(value, default: int) -> int:
    try:
        return max(0, min(int(value), MAX_EMPTY_ROWS))
    except (TypeError, ValueError):
        return default


def _single(section, case, data):
    instance = section.model.objects.filter(case=case, archived_at__isnull=True, **section.fixed).first()
    if instance is None:
        instance = section.model(case=case, **section.fixed)
    form = section.form(data, instance=instance, prefix="rec")
    return form, [form]


def _many(section, case, data, extra=None):
    queryset = section.model.objects.filter(case=case, archived_at__isnull=True)
    formset = section.formset(data, queryset=queryset, prefix="rows")
    if extra is not None:
        formset.extra = extra  # only an unbound formset reads it; a posted one counts its TOTAL_FORMS
    pk_name = section.model._meta.pk.name
    for form in formset.forms:
        # A posted row id must be one of this case's records (archived ones included, so that a stale page gets
        # the concurrent-edit error); any other id is "not a valid choice", whether it exists elsewhere or not.
        form.fields[pk_name].queryset = section.model.objects.filter(case=case)
    return formset, list(formset.forms)


def _posted_record(form):
    """The stored record a formset row was posted for when it is not a live row (archived meanwhile), else None.

    Django's formset gives such a row a new, unsaved instance; records_save must see the real id instead."""
    pk_name = form.instance._meta.pk.name
    posted = form.cleaned_data.get(pk_name) if pk_name in form.fields else None
    return posted if posted is not None and form.instance.pk is None else None


def _changes(case, forms) -> tuple[list[RecordChange], list]:
    changes, changed_forms = [], []
    for form in forms:
        archive = bool(form.cleaned_data.get("DELETE")) if hasattr(form, "cleaned_data") else False
        stray = _posted_record(form)
        if stray is None and not archive and not form.has_changed():
            continue
        if stray is None and archive and form.instance.pk is None:
            continue  # an empty extra row ticked for archive: nothing to do
        instance = form.instance if archive else form.save(commit=False)
        if stray is not None:
            instance.pk = stray.pk  # records_save refuses it: never a new copy of an archived record
        instance.case = case
        changes.append(RecordChange(instance, form.cleaned_data.get("expected_version"), archive=archive))
        changed_forms.append(form)
    return changes, changed_forms


@login_required
@require_http_methods(["GET", "POST"])
def case_section(request, pk, section):
    spec = SECTIONS.get(section)
    if spec is None:
        raise Http404("No such section.")
    case = get_case_for_user_rw(request.user, pk)
    if case.is_locked:
        raise PermissionDenied(gettext(CASE_LOCKED))
    data = request.POST if request.method == "POST" else None
    if spec.many and data is not None and ADD_ROWS_FIELD in data:
        return _add_rows(request, spec, case)
    if spec.many:
        wanted = request.GET.get("rows") if data is None else None
        container, forms = _many(spec, case, data, extra=None if wanted is None else _rows_wanted(wanted, 0))
    else:
        container, forms = _single(spec, case, data)
    if request.method == "POST" and container.is_valid():
        changes, changed_forms = _changes(case, forms)
        try:
            records_save(user=request.user, case=case, changes=changes)
        except RecordsInvalid as exc:
            for index, error in exc.errors.items():
                apply_errors(changed_forms[index], error)
            messages.error(request, NOT_SAVED)
        else:
            if changes:
                messages.success(request, _("%(section)s: saved.") % {"section": spec.title})
            else:
                messages.success(request, _("%(section)s: nothing changed.") % {"section": spec.title})
            return redirect("registry:case_detail", pk=case.pk)
    elif request.method == "POST":
        messages.error(request, NOT_SAVED)
    return _render(request, spec, case, container)


def _add_rows(request, spec, case):
    """The page again with what was typed and more empty rows; nothing is validated or saved."""
    data = request.POST.copy()
    try:
        posted, initial = int(data["rows-TOTAL_FORMS"]), int(data["rows-INITIAL_FORMS"])
    except (KeyError, ValueError):
        posted = initial = 0  # a mangled page: the formset reports it as usual
    more = _rows_wanted(data.get(ADD_ROWS_FIELD), ADD_ROWS) or ADD_ROWS
    if posted >= initial >= 0:
        data["rows-TOTAL_FORMS"] = str(min(posted + more, initial + MAX_EMPTY_ROWS))
    container, _forms = _many(spec, case, data)
    messages.info(request, ROWS_ADDED)
    return _render(request, spec, case, container, show_errors=False)


def _render(request, spec, case, container, *, show_errors=True):
    template = "registry/section_formset.html" if spec.many else "registry/section_form.html"
    context = {
        "case": case,
        "section": spec,
        "form": container,
        "sections": SECTIONS.values(),
        "show_errors": show_errors,
        "add_rows": ADD_ROWS,
    }
    return render(request, template, context)
