"""Cases and their records under /api/v1/ (names in the registry_api namespace)."""

from django.urls import path

from registry.api.cases.archived import ArchivedCaseListApi
from registry.api.cases.audit import CaseAuditApi
from registry.api.cases.records import RecordArchiveApi, RecordDetailApi, RecordListApi
from registry.api.cases.views import CaseArchiveApi, CaseDetailApi, CaseListApi, CaseLockApi, CaseUnlockApi

_CASE = "cases/<str:registry_id>/"
_RECORD = _CASE + "records/<slug:kind>/<int:record_id>/"

urlpatterns = [
    path("cases/", CaseListApi.as_view(), name="case-list"),
    # Before the case's own address: "archived" is not a registry ID.
    path("cases/archived/", ArchivedCaseListApi.as_view(), name="case-archived-list"),
    path(_CASE, CaseDetailApi.as_view(), name="case-detail"),
    path(_CASE + "audit/", CaseAuditApi.as_view(), name="case-audit"),
    path(_CASE + "lock/", CaseLockApi.as_view(), name="case-lock"),
    path(_CASE + "unlock/", CaseUnlockApi.as_view(), name="case-unlock"),
    path(_CASE + "archive/", CaseArchiveApi.as_view(), name="case-archive"),
    path(_CASE + "records/<slug:kind>/", RecordListApi.as_view(), name="record-list"),
    path(_RECORD, RecordDetailApi.as_view(), name="record-detail"),
    path(_RECORD + "archive/", RecordArchiveApi.as_view(), name="record-archive"),
]
