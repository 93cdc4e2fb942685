"""Analysis runs in the admin: the data manager's view of the run history, failures and their reasons.
Read-only: runs change only through analytics.runs.services, and a finished run never changes. The nightly
schedule itself is django-celery-beat's "Periodic tasks" (editable there)."""

from django.contrib import admin

from analytics.runs.models import AnalysisRun, RunArtifact, RunPart
from registry.access import access_for


class _ReadOnlyForDataManager:
    def _is_manager(self, request) -> bool:
        return access_for(request.user).is_data_manager or request.user.is_superuser

    def has_module_permission(self, request):
        return self._is_manager(request)

    def has_view_permission(self, request, obj=None):
        return self._is_manager(request)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class RunPartInline(_ReadOnlyForDataManager, admin.TabularInline):
    model = RunPart
    fields = ["center", "summary", "seconds", "created_at"]
    readonly_fields = fields
    extra = 0


class RunArtifactInline(_ReadOnlyForDataManager, admin.TabularInline):
    model = RunArtifact
    fields = ["kind", "name", "size", "sha256", "created_at"]
    readonly_fields = fields
    extra = 0


@admin.register(AnalysisRun)
class AnalysisRunAdmin(_ReadOnlyForDataManager, admin.ModelAdmin):
    list_display = ["pk", "status", "trigger", "requested_by", "scope_center", "n_cases", "created_at", "finished_at"]
    list_filter = ["status", "trigger", "scope_center"]
    search_fields = ["fingerprint", "error", "code_version"]
    exclude = ["results"]
    inlines = [RunPartInline, RunArtifactInline]
