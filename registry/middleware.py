"""Pages for answers Django gives without one."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

__all__ = ["METHOD_NOT_ALLOWED", "MethodNotAllowedPageMiddleware"]

METHOD_NOT_ALLOWED = gettext_noop(
    "This address only does something when you press its button (signing out, deactivating a user, releasing a "
    "lockout ...): opening it as a link does nothing."
)


class MethodNotAllowedPageMiddleware:
    """Gives Django's empty 405 answers (require_POST, LogoutView on GET) a page that says what happened and links
    back, in this one place. Answers with a body (the API's JSON) are left alone; the Allow header stays."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 405 or getattr(response, "streaming", False) or response.content:
            return response
        signed_in = getattr(request, "user", None) is not None and request.user.is_authenticated
        back_url = reverse("registry:dashboard") if signed_in else reverse("login")
        page = render(request, "405.html", {"message": _(METHOD_NOT_ALLOWED), "back_url": back_url}, status=405)
        if response.has_header("Allow"):
            page["Allow"] = response["Allow"]
        return page
