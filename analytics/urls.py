from django.urls import path

from analytics import views

app_name = "analytics"

urlpatterns = [
    path("", views.run_list, name="run_list"),
    path("new/", views.run_new, name="run_new"),
    path("my-center/", views.my_center, name="my_center"),
    path("<int:pk>/", views.run_detail, name="run_detail"),
    path("<int:pk>/report/", views.run_report, name="run_report"),
    path("<int:pk>/again/", views.run_again_view, name="run_again"),
    path("<int:pk>/files/<int:artifact_pk>/", views.artifact_download, name="artifact_download"),
    path("export/", views.export_page, name="export_page"),
    path("export/dataset.<slug:fmt>", views.export_file, name="export_file"),
    path("<int:pk>/figures/<str:name>.<slug:fmt>", views.figure_download, name="figure_download"),
]
