from django.urls import path

from analytics.studies import views

app_name = "studies"

urlpatterns = [
    path("", views.plan_list, name="plan_list"),
    path("new/", views.plan_new, name="plan_new"),
    path("<int:pk>/", views.plan_detail, name="plan_detail"),
    path("<int:pk>/edit/", views.plan_edit, name="plan_edit"),
    path("<int:pk>/register/", views.plan_register, name="plan_register"),
    path("<int:pk>/run/", views.plan_run, name="plan_run"),
    path("<int:pk>/archive/", views.plan_archive, name="plan_archive"),
    path("<int:pk>/history/", views.plan_history_page, name="plan_history"),
    path("<int:pk>/versions/<int:number>/", views.version_detail, name="version_detail"),
    path("<int:pk>/versions/<int:number>/check/", views.version_check, name="version_check"),
]
