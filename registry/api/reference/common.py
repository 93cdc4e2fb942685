"""What the reference routes share: who may read them (anyone with a role, like the dictionary page) and the
one-page list shape (`next`, `previous`, `results`), so a client's pager reads them like any paginated list."""

from __future__ import annotations

from django.utils.translation import gettext_lazy, gettext_noop
from rest_framework import permissions, serializers

from registry.access import access_for

__all__ = ["NO_ROLE", "HasRegistryRole", "one_page", "one_page_serializer"]

NO_ROLE = gettext_noop("Your account has no role in the registry yet.")


class HasRegistryRole(permissions.IsAuthenticated):
    message = gettext_lazy(NO_ROLE)

    def has_permission(self, request, view) -> bool:
        return super().has_permission(request, view) and access_for(request.user).has_any_role


def one_page(results: list) -> dict:
    return {"next": None, "previous": None, "results": results}


def one_page_serializer(name: str, item) -> type[serializers.Serializer]:
    """A list that always fits on one page: the shape of a paginated list with `next` and `previous` null."""
    fields = {
        "next": serializers.CharField(allow_null=True, help_text="Always null: the whole list is on this page."),
        "previous": serializers.CharField(allow_null=True, help_text="Always null."),
        "results": item(many=True) if isinstance(item, type) else item,
    }
    return type(name, (serializers.Serializer,), fields)
