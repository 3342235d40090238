from django.urls import path

from pairaid.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("p/<slug:slug>/", views.overview, name="overview"),
    path("p/<slug:slug>/map.json", views.map_data, name="map"),
    path("p/<slug:slug>/boundaries.json", views.boundary_data, name="boundaries"),
]
