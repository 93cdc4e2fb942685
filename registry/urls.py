from django.urls import path, register_converter

from registry.views import cases, imports, sections, transfer, users

app_name = "registry"


class _Formats:
    """A download's format: one of a fixed few, so any other extension is a 404."""

    regex = ""

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


class TableFormat(_Formats):
    regex = "csv|xlsx"


class WorkbookFormat(_Formats):
    regex = "xlsx|zip"  # the workbook, or its sheets as CSV files in a zip


register_converter(TableFormat, "table_format")
register_converter(WorkbookFormat, "workbook_format")

urlpatterns = [
    path("", cases.dashboard, name="dashboard"),
    path("cases/", cases.case_list, name="case_list"),
    path("cases/new/", cases.case_new, name="case_new"),
    path("cases/<int:pk>/", cases.case_detail, name="case_detail"),
    path("cases/<int:pk>/edit/", cases.case_edit, name="case_edit"),
    path("cases/<int:pk>/history/", cases.case_history, name="case_history"),
    path("cases/<int:pk>/lock/", cases.case_lock_view, name="case_lock"),
    path("cases/<int:pk>/unlock/", cases.case_unlock_view, name="case_unlock"),
    path("cases/<int:pk>/archive/", cases.case_archive_view, name="case_archive"),
    path("cases/<int:pk>/<slug:section>/", sections.case_section, name="case_section"),
    # Imports; their key is job_pk, not pk, so the case access matrix leaves them out (tests/registry/transfer).
    path("import/", imports.import_list, name="import_list"),
    path("import/<int:job_pk>/", imports.import_detail, name="import_detail"),
    path("import/<int:job_pk>/commit/", imports.import_commit, name="import_commit"),
    path("import/<int:job_pk>/discard/", imports.import_abandon, name="import_abandon"),
    # The data dictionary, the import template and a center's own records (no pk: no case in the URL).
    path("dictionary/", transfer.dictionary, name="dictionary"),
    path("dictionary.<table_format:fmt>", transfer.dictionary_download, name="dictionary_download"),
    path("import/template.<workbook_format:fmt>", transfer.import_template, name="import_template"),
    path("export/records.<workbook_format:fmt>", transfer.records_export_view, name="records_export"),
    # The data manager's user pages; their key is user_pk, not pk, so the case access matrix leaves them out.
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_new, name="user_new"),
    path("users/<int:user_pk>/", users.user_detail, name="user_detail"),
    path("users/<int:user_pk>/edit/", users.user_edit, name="user_edit"),
    path("users/<int:user_pk>/deactivate/", users.user_deactivate, name="user_deactivate"),
    path("users/<int:user_pk>/reactivate/", users.user_reactivate, name="user_reactivate"),
    path("users/<int:user_pk>/invite/", users.user_invite, name="user_invite"),
    path("users/<int:user_pk>/roles/", users.membership_add, name="membership_add"),
    path("users/<int:user_pk>/roles/<int:membership_pk>/remove/", users.membership_remove, name="membership_remove"),
    path("users/<int:user_pk>/tokens/<int:token_id>/revoke/", users.user_token_revoke, name="user_token_revoke"),
]
