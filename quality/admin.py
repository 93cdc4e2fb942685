"""Findings, queries (with their history) and snapshots, read-only for the data manager. Queries change only
through the quality pages, whose services check who may do what and send the notifications. Findings and
snapshots have no history of their own (the rules recompute them), so they get a plain read-only admin."""

from django.contrib import admin

from quality.models import Finding, QualitySnapshot, Query, QueryMessage
from registry.access import cases_for
from registry.admin import CaseDataAdmin, ReadOnlyAdmin


class _Scoped:
    def get_queryset(self, request):
        return super().get_queryset(request).filter(case__in=cases_for(request.user, include_archived=True))


@admin.register(Finding)
class FindingAdmin(_Scoped, ReadOnlyAdmin):
    list_display = ["rule_id", "case", "severity", "field", "first_seen", "last_seen", "resolved_at"]
    list_filter = ["severity", "stage", "rule_id"]
    search_fields = ["case__registry_id", "rule_id"]
    list_select_related = ["case"]


class QueryMessageInline(admin.TabularInline):
    model = QueryMessage
    extra = 0
    fields = ["created_at", "author", "kind", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Query)
class QueryAdmin(_Scoped, CaseDataAdmin):
    list_display = ["pk", "case", "subject", "status", "opened_by", "opened_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["case__registry_id", "subject"]
    list_select_related = ["case", "opened_by"]
    inlines = [QueryMessageInline]


@admin.register(QualitySnapshot)
class QualitySnapshotAdmin(ReadOnlyAdmin):
    list_display = ["day", "center", "cases", "open_errors", "open_warnings", "open_queries", "living_seen_12m"]
    list_filter = ["center"]
