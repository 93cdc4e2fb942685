"""Analysis plans in the admin: read-only, for the operator (a superuser) only. Plans change only through
analytics.studies.services (the pages under /analyses/plans/), and are never deleted."""

from django.contrib import admin

from analytics.studies.models import AnalysisPlan, PlanVersion
from registry.admin import HistoryAdmin


class _SuperuserReadOnly:
    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class PlanVersionInline(_SuperuserReadOnly, admin.TabularInline):
    model = PlanVersion
    fields = ["number", "created_by", "created_at", "changed_by", "changed_at", "registered_by", "registered_at"]
    readonly_fields = fields
    extra = 0
    show_change_link = True


@admin.register(AnalysisPlan)
class AnalysisPlanAdmin(_SuperuserReadOnly, HistoryAdmin):
    list_display = ["name", "slug", "created_by", "created_at", "archived_at"]
    search_fields = ["name", "question", "slug"]
    inlines = [PlanVersionInline]


@admin.register(PlanVersion)
class PlanVersionAdmin(_SuperuserReadOnly, HistoryAdmin):
    list_display = ["plan", "number", "registered_at", "registered_by", "changed_at"]
    list_filter = ["registered_at"]
    search_fields = ["plan__name", "note"]
