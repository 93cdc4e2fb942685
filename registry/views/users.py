"""The data manager's user pages: create users, give and take roles, deactivate and reactivate. Only the data
manager reaches them (403 for everyone else, as the quality pages do); the services hold every rule."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from registry.access import access_for
from registry.accounts.token_views import api_tokens_for, revoke_reason_or_message, revoke_with_message
from registry.models import ApiToken, Membership
from registry.presentation import EXACT_DATES
from registry.services import users as services
from registry.user_forms import MembershipAddForm, ReasonForm, UserCreateForm, UserEditForm
from registry.user_selectors import user_audit
from registry.views.errors import apply_errors


def _manager(request) -> None:
    if not access_for(request.user).is_data_manager:
        raise PermissionDenied(services.DATA_MANAGER_ONLY)


def _target(user_pk):
    return get_object_or_404(get_user_model(), pk=user_pk)


@login_required
def user_list(request):
    _manager(request)
    users = get_user_model().objects.order_by("username").prefetch_related("memberships__center")
    q = request.GET.get("q", "").strip()
    if q:
        users = users.filter(
            Q(username__icontains=q) | Q(first_name__icontains=q) | Q(last_name__icontains=q) | Q(email__icontains=q)
        )
    page = Paginator(users, 50).get_page(request.GET.get("page"))
    return render(
        request, "registry/users/user_list.html", {"page": page, "q": q, "query": urlencode({"q": q}) if q else ""}
    )


@login_required
@require_http_methods(["GET", "POST"])
def user_new(request):
    _manager(request)
    form = UserCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.user_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        else:
            messages.success(
                request,
                _("User {username} created; a link to set a password was e-mailed.").format(username=user.username),
            )
            return redirect("registry:user_detail", user_pk=user.pk)
    return render(request, "registry/users/user_form.html", {"form": form, "title": _("New user")})


def _detail(request, target, *, membership_form=None, status=200):
    return render(
        request,
        "registry/users/user_detail.html",
        {
            "target": target,
            "memberships": target.memberships.select_related("center").order_by("role", "center__code"),
            "membership_form": membership_form or MembershipAddForm(),
            "reason_form": ReasonForm(),
            "is_self": target.pk == request.user.pk,
            "pending": not target.has_usable_password(),
            "tokens": api_tokens_for(target),
            "audit": user_audit(target),
            "dates": EXACT_DATES,  # the audit table's dates; only the data manager reaches this page
        },
        status=status,
    )


@login_required
def user_detail(request, user_pk):
    _manager(request)
    return _detail(request, _target(user_pk))


@login_required
@require_http_methods(["GET", "POST"])
def user_edit(request, user_pk):
    _manager(request)
    target = _target(user_pk)
    initial = {"first_name": target.first_name, "last_name": target.last_name, "email": target.email}
    form = UserEditForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.user_update(actor=request.user, user=target, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
            status = 403
        else:
            messages.success(request, _("User {username} changed.").format(username=target.username))
            return redirect("registry:user_detail", user_pk=target.pk)
    context = {"form": form, "title": _("Edit {username}").format(username=target.username)}
    return render(request, "registry/users/user_form.html", context, status=status)


def _refused(request, target, exc: PermissionDenied):
    """An action the data manager may not take on this user (their own account, an operator account): the user
    page with the reason, answered 403 so that the access log records the refused attempt."""
    messages.error(request, str(exc))
    return _detail(request, target, status=403)


def _act(request, target, service, done: str, **kwargs):
    """Run one service for a POST from the user page; bad input is shown there and changes nothing, a refused
    action is a 403."""
    try:
        service(actor=request.user, user=target, **kwargs)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        return _refused(request, target, exc)
    else:
        messages.success(request, done)
    return redirect("registry:user_detail", user_pk=target.pk)


def _reason(request) -> str:
    form = ReasonForm(request.POST)
    return form.cleaned_data["reason"] if form.is_valid() else ""


@login_required
@require_POST
def user_deactivate(request, user_pk):
    _manager(request)
    target = _target(user_pk)
    done = _("{username} deactivated and signed out everywhere.").format(username=target.username)
    return _act(request, target, services.user_deactivate, done, reason=_reason(request))


@login_required
@require_POST
def user_reactivate(request, user_pk):
    _manager(request)
    target = _target(user_pk)
    done = _("{username} reactivated.").format(username=target.username)
    return _act(request, target, services.user_reactivate, done, reason=_reason(request))


@login_required
@require_POST
def user_invite(request, user_pk):
    _manager(request)
    target = _target(user_pk)
    done = _("The link to set a password was sent to {email}.").format(email=target.email)
    return _act(request, target, services.user_invite, done)


@login_required
@require_POST
def membership_add(request, user_pk):
    _manager(request)
    target = _target(user_pk)
    form = MembershipAddForm(request.POST)
    if form.is_valid():
        try:
            services.membership_add(actor=request.user, user=target, **form.cleaned_data)
        except ValidationError as exc:
            apply_errors(form, exc)
        except PermissionDenied as exc:
            return _refused(request, target, exc)
        else:
            messages.success(request, _("Role given."))
            return redirect("registry:user_detail", user_pk=target.pk)
    return _detail(request, target, membership_form=form, status=400)


@login_required
@require_POST
def membership_remove(request, user_pk, membership_pk):
    _manager(request)
    target = _target(user_pk)
    membership = get_object_or_404(Membership, pk=membership_pk, user=target)
    try:
        services.membership_remove(actor=request.user, membership=membership, reason=_reason(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    except PermissionDenied as exc:
        return _refused(request, target, exc)
    else:
        messages.success(request, _("Role taken away."))
    return redirect("registry:user_detail", user_pk=target.pk)


@login_required
@require_POST
def user_token_revoke(request, user_pk, token_id):
    """The data manager revokes one of a user's API tokens; the reason is required and kept on the token."""
    _manager(request)
    target = _target(user_pk)
    token = get_object_or_404(ApiToken, pk=token_id, user=target)
    reason = revoke_reason_or_message(request, token, reason_required=True)
    if reason is not None:
        revoke_with_message(request, token, reason)
    return redirect("registry:user_detail", user_pk=target.pk)
