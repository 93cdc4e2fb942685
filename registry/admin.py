"""The admin is the data manager's tool for vocabularies and centers. Case data, quality queries and findings,
and users' roles are shown read-only here (with their history); they change only through the app's services,
so every rule and audit row holds. Users and memberships are managed on the app's own pages (/users/)."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group
from django.core import checks
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext, gettext_noop, ngettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from registry import models as m
from registry.access import access_for, cases_for
from registry.services.cases import case_restore

REVERT_REFUSED = gettext_noop("This record cannot be changed here: it changes only through the registry's own pages.")
REVERT_REASON = "reverted in the admin to the version of {when} (history #{history_id})"


class _DataManagerOnly:
    def _is_manager(self, request) -> bool:
        return access_for(request.user).is_data_manager or request.user.is_superuser

    def has_module_permission(self, request):
        return self._is_manager(request)

    def has_view_permission(self, request, obj=None):
        return self._is_manager(request)


class ReadOnlyAdmin(_DataManagerOnly, admin.ModelAdmin):
    """Shown to the data manager, changed by nobody: no add, change, delete, bulk edit or delete action."""

    list_editable = ()

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class HistoryAdmin(SimpleHistoryAdmin):
    """django-simple-history's admin with its "revert" form closed to anyone who may not change the object.

    simple_history's history form saves a POST after checking only the *view* permission (its revert_disabled
    merely hides the button), so a read-only admin would still accept a revert. Here a POST is refused unless
    the admin grants change permission on the current object, and an allowed revert is saved with its reason.
    """

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        pk = unquote(object_id)
        obj = self.get_object(request, pk)
        if obj is None and self.model._default_manager.filter(pk=pk).exists():
            raise Http404("No such object.")  # exists, but outside this user's scope
        if request.method not in ("GET", "HEAD"):
            if obj is None or not self.has_change_permission(request, obj):
                raise PermissionDenied(gettext(REVERT_REFUSED))
            history = getattr(obj, obj._meta.simple_history_manager_attribute)
            version = history.filter(history_id=version_id).first()
            if version is None:
                raise Http404("No such version.")
            request._registry_revert_reason = REVERT_REASON.format(
                when=version.history_date.isoformat(timespec="seconds"), history_id=version.history_id
            )
        elif obj is None or not self.has_change_permission(request, obj):
            request._registry_history_read_only = True  # shown as text, like Django's view-only change page
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if getattr(request, "_registry_history_read_only", False):
            excluded = set(self.exclude or ())
            for field in self.model._meta.get_fields():
                editable = getattr(field, "editable", False) and not field.auto_created
                if editable and field.concrete and field.name not in excluded and field.name not in readonly:
                    readonly.append(field.name)
        return readonly

    def save_model(self, request, obj, form, change):
        reason = getattr(request, "_registry_revert_reason", None)
        if reason:
            obj._change_reason = reason
        super().save_model(request, obj, form, change)


class VocabularyAdmin(_DataManagerOnly, HistoryAdmin):
    list_display = ["code", "label", "label_ru", "active", "sort_order"]
    # The Russian label is edited in the list too: translating a vocabulary is one page of typing.
    list_editable = ["label_ru", "active", "sort_order"]
    search_fields = ["code", "label", "label_ru"]

    def has_add_permission(self, request):
        return self._is_manager(request)

    def has_change_permission(self, request, obj=None):
        return self._is_manager(request)

    def has_delete_permission(self, request, obj=None):
        return False  # vocabulary rows are referenced by case data: deactivate instead


@admin.register(m.Abnormality)
class AbnormalityAdmin(VocabularyAdmin):
    list_display = ["code", "label", "label_ru", "kmt2a_rearranged", "expected_fusion", "lineage_only", "active"]
    list_editable = ["label_ru", "active"]


admin.site.register(m.Gene, VocabularyAdmin)
admin.site.register(m.ImmunoMarker, VocabularyAdmin)
admin.site.register(m.AdverseEventType, VocabularyAdmin)


@admin.register(m.Protocol)
class ProtocolAdmin(VocabularyAdmin):
    list_display = ["name", "version", "label_ru", "lineage", "induction_day", "active"]
    list_editable = ["active"]
    search_fields = ["name", "label_ru"]


class RiskRuleInline(_DataManagerOnly, admin.TabularInline):
    model = m.RiskRule
    extra = 1

    def has_add_permission(self, request, obj=None):
        return self._is_manager(request)

    def has_change_permission(self, request, obj=None):
        return self._is_manager(request)

    def has_delete_permission(self, request, obj=None):
        return False  # a rule set is versioned: a new version replaces it, the old one stays as it was run


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
class MembershipAdmin(ReadOnlyAdmin, HistoryAdmin):
    """Read-only: roles are given and taken on the app's user pages (registry/services/users.py), which keep
    the last data manager and record a reason."""

    list_display = ["user", "role", "center"]
    list_filter = ["role", "center"]
    search_fields = ["user__username"]


class CaseDataAdmin(ReadOnlyAdmin, HistoryAdmin):
    """Read-only: the data manager sees every case, archived ones included, and each record's history."""


@admin.register(m.Case)
class CaseAdmin(CaseDataAdmin):
    list_display = ["registry_id", "center", "sex", "excluded", "locked_at", "archived_at", "created_at"]
    list_filter = ["center", "excluded", ("archived_at", admin.EmptyFieldListFilter)]
    actions = ["restore"]

    @admin.action(description=_("Restore the selected archived cases"))
    def restore(self, request, queryset):
        restored = 0
        for case in queryset.filter(archived_at__isnull=False):
            try:
                case_restore(user=request.user, case=case, reason="restored by the data manager in the admin")
            except (PermissionDenied, ValidationError) as exc:
                self.message_user(request, f"{case}: {' '.join(exc.messages)}", messages.ERROR)
            else:
                restored += 1
        self.message_user(
            request,
            ngettext(
                "%(count)d case restored; the history records who and when.",
                "%(count)d cases restored; the history records who and when.",
                restored,
            )
            % {"count": restored},
        )

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


class _SuperuserOnly:
    """Django's user and group admins are for the operator (a superuser) only: the data manager manages users
    on the app's pages, which can never grant staff, superuser or permissions, nor set a password."""

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return False  # deactivate instead: the user's history and authorship stay


class OperatorUserAdmin(_SuperuserOnly, HistoryAdmin, UserAdmin):
    pass


class OperatorGroupAdmin(_SuperuserOnly, GroupAdmin):
    pass


for _model, _admin in ((get_user_model(), OperatorUserAdmin), (Group, OperatorGroupAdmin)):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)
    admin.site.register(_model, _admin)


@checks.register(checks.Tags.admin)
def history_admins_have_history(app_configs, **kwargs):
    """An admin with simple_history's history pages on a model without history crashes on them (a 500)."""
    errors = []
    for model, model_admin in admin.site._registry.items():
        has_history = hasattr(model._meta, "simple_history_manager_attribute")
        if isinstance(model_admin, SimpleHistoryAdmin) and not has_history:
            errors.append(
                checks.Error(
                    f"{type(model_admin).__name__} shows history pages for {model._meta.label}, which has no history.",
                    hint="Register it with a plain admin (ReadOnlyAdmin) or give the model HistoricalRecords().",
                    obj=model_admin,
                    id="registry.E101",
                )
            )
        if isinstance(model_admin, SimpleHistoryAdmin) and not isinstance(model_admin, HistoryAdmin):
            errors.append(
                checks.Error(
                    f"{type(model_admin).__name__} uses simple_history's revert form without the registry's guard.",
                    hint="Derive it from registry.admin.HistoryAdmin.",
                    obj=model_admin,
                    id="registry.E102",
                )
            )
    return errors


admin.site.site_header = _("Infant Leukemia Registry: data manager")
admin.site.site_title = _("Registry admin")
