from django.urls import path

from registry.views import cases, sections

app_name = "registry"

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
]
