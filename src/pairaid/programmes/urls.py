from django.urls import path

from pairaid.programmes import views

app_name = "programmes"
urlpatterns = [
    path("p/<slug:slug>/participants/", views.participants, name="participants"),
    path("p/<slug:slug>/participants/<int:pk>/", views.participant, name="participant"),
    path(
        "p/<slug:slug>/participants/<int:pk>/lines/<int:line_id>/delete",
        views.delete_line,
        name="delete_line",
    ),
    path(
        "p/<slug:slug>/participants/<int:pk>/lines/<int:line_id>/edit",
        views.edit_line,
        name="edit_line",
    ),
    path("p/<slug:slug>/date", views.set_date, name="set_date"),
    path("p/<slug:slug>/settings/", views.programme_settings, name="settings"),
    path("p/<slug:slug>/settings/clusters/<int:cluster_id>", views.cluster, name="cluster"),
    path("p/<slug:slug>/participants/lines.xlsx", views.lines_template, name="lines_template"),
    path("p/<slug:slug>/participants/upload", views.lines_upload, name="lines_upload"),
]
