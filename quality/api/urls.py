"""Data quality: findings, and queries with their threads (mounted at /api/v1/quality/)."""

from django.urls import path

from quality.api.findings import FindingDetailApi, FindingListApi
from quality.api.queries import QueryDetailApi, QueryListApi
from quality.api.query_writes import QueryAnswerApi, QueryCloseApi, QueryOpenApi, QueryReopenApi
from quality.api.summary import QualitySummaryApi


class QueryCollectionApi(QueryListApi, QueryOpenApi):
    """GET lists the queries, POST opens one (one URL, two actions)."""


urlpatterns = [
    path("summary/", QualitySummaryApi.as_view(), name="summary"),
    path("findings/", FindingListApi.as_view(), name="finding_list"),
    path("findings/<int:finding_id>/", FindingDetailApi.as_view(), name="finding_detail"),
    path("queries/", QueryCollectionApi.as_view(), name="query_list"),
    path("queries/<int:query_id>/", QueryDetailApi.as_view(), name="query_detail"),
    path("queries/<int:query_id>/answer/", QueryAnswerApi.as_view(), name="query_answer"),
    path("queries/<int:query_id>/close/", QueryCloseApi.as_view(), name="query_close"),
    path("queries/<int:query_id>/reopen/", QueryReopenApi.as_view(), name="query_reopen"),
]
