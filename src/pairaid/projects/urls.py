from django.urls import path

from pairaid.projects import views

app_name = "projects"

urlpatterns = [
    path("p/<slug:slug>/projects/", views.projects, name="projects"),
    path("p/<slug:slug>/projects/<int:project_id>/", views.project, name="project"),
    path("p/<slug:slug>/projects/<int:project_id>/edit", views.edit, name="edit"),
    path("p/<slug:slug>/projects/<int:project_id>/moves/<str:name>", views.move, name="move"),
    path("p/<slug:slug>/projects/<int:project_id>/results", views.add_result, name="add_result"),
    path(
        "p/<slug:slug>/projects/<int:project_id>/results/<int:result_id>/actual",
        views.record_actual,
        name="record_actual",
    ),
    path(
        "p/<slug:slug>/projects/<int:project_id>/expenditures",
        views.record_expenditure,
        name="record_expenditure",
    ),
    path("p/<slug:slug>/projects/<int:project_id>/links", views.link, name="link"),
    path("p/<slug:slug>/3w/", views.three_w, name="three_w"),
    path("p/<slug:slug>/projects/iati.xml", views.iati_activities, name="iati"),
]
