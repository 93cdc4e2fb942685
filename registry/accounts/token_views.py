"""The user's own API tokens: the list, a form to make one (shown once, in the answer to that POST), and revoking.
The data manager revokes other users' tokens from the user pages (registry/views/users.py), not here: on these
routes a token id that is not the user's own is a 404 for everyone."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from registry.accounts import services
from registry.accounts.forms import ApiTokenCreateForm, ApiTokenRevokeForm
from registry.models import ApiToken
from registry.views.errors import apply_errors

TOKEN_REVOKED = gettext_noop("The token “{name}” is revoked: it no longer works.")
TOKEN_NOT_REVOKED = gettext_noop("The token “{name}” was not revoked: {errors}")


def api_tokens_for(user):
    """A user's tokens, newest first, with who revoked them."""
    return ApiToken.objects.filter(user=user).select_related("revoked_by").order_by("-created_at", "-pk")


# never_cache: the answer to a create holds the token; no browser or proxy may keep it.
@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def api_tokens(request):
    form = ApiTokenCreateForm(request.POST or None)
    created, raw, status = None, "", 200
    if request.method == "POST":
        if form.is_valid():
            try:
                created, raw = services.api_token_create(request=request, **form.cleaned_data)
            except ValidationError as exc:
                apply_errors(form, exc)
        if created is None:
            status = 400
        else:
            form = ApiTokenCreateForm()
    context = {
        "form": form,
        "tokens": api_tokens_for(request.user),
        "created": created,
        # Only in the answer to the POST that made it: never in the session, a message or a page a GET shows.
        "raw_token": raw,
        "me_url": settings.SITE_URL + reverse("registry_api:me"),
    }
    return render(request, "accounts/api_tokens.html", context, status=status)


def revoke_reason_or_message(request, token: ApiToken, *, reason_required: bool) -> str | None:
    """The reason posted with a revoke button, or None after putting the form's errors in a message."""
    form = ApiTokenRevokeForm(request.POST, reason_required=reason_required)
    if form.is_valid():
        return form.cleaned_data["reason"]
    errors = " ".join(message for field_errors in form.errors.values() for message in field_errors)
    messages.error(request, _(TOKEN_NOT_REVOKED).format(name=token.name, errors=errors))
    return None


def revoke_with_message(request, token: ApiToken, reason: str) -> None:
    try:
        services.api_token_revoke(request=request, token=token, reason=reason)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _(TOKEN_REVOKED).format(name=token.name))


@login_required
@require_POST
def api_token_revoke(request, token_id: int):
    token = get_object_or_404(ApiToken, pk=token_id, user=request.user)
    reason = revoke_reason_or_message(request, token, reason_required=False)
    if reason is not None:
        revoke_with_message(request, token, reason)
    return redirect("accounts:api_tokens")
