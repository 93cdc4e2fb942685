from django.urls import path

from quality import views

app_name = "quality"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("findings/", views.finding_list, name="finding_list"),
    path("cases/", views.case_list, name="case_list"),
    path("findings/<int:pk>/query/", views.finding_query, name="finding_query"),
    path("queries/", views.query_list, name="query_list"),
    path("queries/<int:pk>/", views.query_detail, name="query_detail"),
    path("queries/<int:pk>/answer/", views.query_answer, name="query_answer"),
    path("queries/<int:pk>/close/", views.query_close, name="query_close"),
    path("queries/<int:pk>/reopen/", views.query_reopen, name="query_reopen"),
    path("cases/<int:pk>/queries/new/", views.query_new, name="query_new"),
    path("cases/<int:pk>/check/", views.case_recheck, name="case_recheck"),
]
