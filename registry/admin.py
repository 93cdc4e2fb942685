"""The admin is the data manager's tool for vocabularies, centers and users. Case data is shown read-only
here (with its history); it is changed only through the app's services, so every rule and audit row holds."""

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from simple_history.admin import SimpleHistoryAdmin

from registry import models as m
from registry.access import access_for, cases_for
from registry.services.cases import case_restore


class _DataManagerOnly:
    def _is_manager(self, request) -> bool:
        return access_for(request.user).is_data_manager or request.user.is_superuser

    def has_module_permission(self, request):
        return self._is_manager(request)

    def has_view_permission(self, request, obj=None):
        return self._is_manager(request)


class VocabularyAdmin(_DataManagerOnly, SimpleHistoryAdmin):
    list_display = ["code", "label", "active", "sort_order"]
    list_editable = ["active", "sort_order"]
    search_fields = ["code", "label"]

    def has_add_permission(self, request):
        return self._is_manager(request)

    def has_change_permission(self, request, obj=None):
        return self._is_manager(request)

    def has_delete_permission(self, request, obj=None):
        return False  # vocabulary rows are referenced by case data: deactivate instead


@admin.register(m.Abnormality)
class AbnormalityAdmin(VocabularyAdmin):
    list_display = ["code", "label", "kmt2a_rearranged", "expected_fusion", "lineage_only", "active"]
    list_editable = ["active"]


admin.site.register(m.Gene, VocabularyAdmin)
admin.site.register(m.ImmunoMarker, VocabularyAdmin)
admin.site.register(m.AdverseEventType, VocabularyAdmin)


@admin.register(m.Protocol)
class ProtocolAdmin(VocabularyAdmin):
    list_display = ["name", "version", "lineage", "induction_day", "active"]
    list_editable = ["active"]
    search_fields = ["name"]


class RiskRuleInline(admin.TabularInline):
    model = m.RiskRule
    extra = 1


@admin.register(m.RiskRuleSet)
class RiskRuleSetAdmin(VocabularyAdmin):
    list_display = ["version", "is_default", "description"]
    list_editable = []
    search_fields = ["version"]
    inlines = [RiskRuleInline]


@admin.register(m.Center)
class CenterAdmin(VocabularyAdmin):
    list_display = ["code", "name", "city", "country", "active"]
    list_editable = ["active"]
    search_fields = ["code", "name", "city", "country"]


@admin.register(m.Membership)
class MembershipAdmin(VocabularyAdmin):
    list_display = ["user", "role", "center"]
    list_editable = []
    list_filter = ["role", "center"]
    search_fields = ["user__username"]

    def has_delete_permission(self, request, obj=None):
        return self._is_manager(request)  # removing a role is how access ends; the history keeps it


class CaseDataAdmin(_DataManagerOnly, SimpleHistoryAdmin):
    """Read-only: the data manager sees every case, archived ones included, and each record's history."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(m.Case)
class CaseAdmin(CaseDataAdmin):
    list_display = ["registry_id", "center", "sex", "excluded", "locked_at", "archived_at", "created_at"]
    list_filter = ["center", "excluded", ("archived_at", admin.EmptyFieldListFilter)]
    actions = ["restore"]

    @admin.action(description="Restore the selected archived cases")
    def restore(self, request, queryset):
        restored = 0
        for case in queryset.filter(archived_at__isnull=False):
            try:
                case_restore(user=request.user, case=case, reason="restored by the data manager in the admin")
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{case}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                restored += 1
        self.message_user(request, f"{restored} case(s) restored; the history records who and when.")

    search_fields = ["registry_id"]
    exclude = ["hospital_number_hash"]

    def get_queryset(self, request):
        return cases_for(request.user, include_archived=True).select_related("center")


class CaseRecordAdmin(CaseDataAdmin):
    list_display = ["__str__", "archived_at", "updated_at"]
    search_fields = ["case__registry_id"]

    def get_queryset(self, request):
        return self.model.objects.filter(case__in=cases_for(request.user, include_archived=True))


for _model in m.CASE_RECORD_MODELS:
    admin.site.register(_model, CaseRecordAdmin)

admin.site.site_header = "Infant Leukemia Registry: data manager"
admin.site.site_title = "Registry admin"
