from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from registry import selectors
from registry.access import CASE_LOCKED, access_for, get_case_for_user, get_case_for_user_rw
from registry.forms import ArchiveForm, CaseCreateForm, CaseFilterForm, CaseForm, UnlockForm
from registry.presentation import dates_for, dates_policy
from registry.sections import SECTIONS
from registry.services.cases import case_archive, case_create, case_lock, case_unlock, case_update
from registry.services.errors import DuplicateRegistration
from registry.validation import CaseState
from registry.views.errors import apply_errors


@login_required
def dashboard(request):
    counts = selectors.dashboard_counts(request.user)
    counts["attention"] = dates_policy(request.user).attach(counts["attention"])
    return render(request, "registry/dashboard.html", {"counts": counts, "access": access_for(request.user)})


@login_required
def case_list(request):
    form = CaseFilterForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    ids = selectors.case_list(request.user, filters).values_list("pk", flat=True)
    page = Paginator(ids, 25).get_page(request.GET.get("page"))
    page.object_list = dates_policy(request.user).attach(selectors.case_rows(request.user, list(page.object_list)))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "registry/case_list.html",
        {"form": form, "page": page, "query": query.urlencode(), "access": access_for(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_new(request):
    if not access_for(request.user).write_center_ids and not access_for(request.user).write_all:
        raise PermissionDenied(_("Your role cannot register cases."))
    form = CaseCreateForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        data.pop("expected_version", None)
        try:
            case = case_create(
                user=request.user, center=data.pop("center"), hospital_number=data.pop("hospital_number"), **data
            )
        except DuplicateRegistration as exc:
            # The other case is at the same center, so this user may open it: link to it.
            url = reverse("registry:case_detail", kwargs={"pk": exc.existing.pk})
            link = format_html(
                '<a href="{}">{}</a>', url, _("Open {registry_id}").format(registry_id=exc.existing.registry_id)
            )
            form.add_error("hospital_number", format_html("{} {}", exc.messages[0], link))
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Case {registry_id} registered. Record the diagnosis next.").format(registry_id=case.registry_id),
            )
            return redirect("registry:case_section", pk=case.pk, section="diagnosis")
    return render(request, "registry/case_form.html", {"form": form, "title": _("Register a case")})


@login_required
def case_detail(request, pk):
    case, can_write = get_case_for_user(request.user, pk)
    access = access_for(request.user)
    dates = dates_for(request.user, case)
    state = CaseState.load(case)  # read once for the timeline and the derived values
    return render(
        request,
        "registry/case_detail.html",
        {
            "case": case,
            "can_write": can_write and not case.is_locked,
            "can_lock": access.can_lock_center(case.center_id),
            "dates": dates,
            "timeline": selectors.case_timeline(case, state),
            "audit": selectors.case_audit(case, request.user, limit=30),
            "derived": selectors.case_derived(case, state),
            "sections": SECTIONS.values(),
        },
    )


@login_required
def case_history(request, pk):
    case, _can_write = get_case_for_user(request.user, pk)
    return render(
        request,
        "registry/case_history.html",
        {"case": case, "audit": selectors.case_audit(case, request.user), "dates": dates_for(request.user, case)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def case_edit(request, pk):
    case = get_case_for_user_rw(request.user, pk)
    if case.is_locked:
        raise PermissionDenied(CASE_LOCKED)  # like the section pages: no editable form for a signed-off case
    form = CaseForm(request.POST or None, instance=case)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("expected_version")
        try:
            case_update(user=request.user, case=case, expected_version=version, **data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(request, _("Case saved."))
            return redirect("registry:case_detail", pk=case.pk)
    return render(request, "registry/case_form.html", {"form": form, "case": case, "title": _("Child and exclusions")})


@login_required
@require_POST
def case_lock_view(request, pk):
    case, _can_write = get_case_for_user(request.user, pk)
    try:
        case_lock(user=request.user, case=case)
        messages.success(request, _("Case locked (signed off)."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("registry:case_detail", pk=case.pk)


@login_required
@require_POST
def case_unlock_view(request, pk):
    case, _can_write = get_case_for_user(request.user, pk)
    form = UnlockForm(request.POST)
    if not form.is_valid():  # a reason that cannot be kept refuses the unlock; nothing changes
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("registry:case_detail", pk=case.pk)
    try:
        case_unlock(user=request.user, case=case, reason=form.cleaned_data["reason"])
        messages.success(request, _("Case unlocked."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("registry:case_detail", pk=case.pk)


@login_required
@require_http_methods(["GET", "POST"])
def case_archive_view(request, pk):
    case = get_case_for_user_rw(request.user, pk)
    if case.is_locked:
        raise PermissionDenied(CASE_LOCKED)  # like the section pages: no editable form for a signed-off case
    form = ArchiveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            case_archive(user=request.user, case=case, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("Case {registry_id} archived. Its data and history are kept.").format(registry_id=case.registry_id),
            )
            return redirect("registry:case_list")
    return render(request, "registry/case_archive.html", {"form": form, "case": case})
