"""The access log in the admin: the data manager reads it; nobody adds, changes or deletes a row, and there is no
history form (the rows have no history: they never change)."""

from django.contrib import admin
from django.http import Http404
from django.utils.translation import gettext as _

from audit.models import AccessEvent
from registry.admin import ReadOnlyAdmin


@admin.register(AccessEvent)
class AccessEventAdmin(ReadOnlyAdmin):
    list_display = [
        "occurred_at",
        "kind",
        "username",
        "method",
        "path",
        "status",
        "route",
        "object_id",
        "file_name",
        "detail",
    ]
    list_display_links = None
    list_filter = ["kind", "status", "route"]
    search_fields = ["username", "path", "object_id", "client_address", "detail"]
    date_hierarchy = "occurred_at"
    list_select_related = ["user"]
    actions = None
    readonly_fields = [f.name for f in AccessEvent._meta.fields]

    def history_view(self, request, object_id, extra_context=None):
        raise Http404(_("The access log has no history: its rows never change."))
