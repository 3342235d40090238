from django.urls import path

from pairaid.registry import views

app_name = "registry"
urlpatterns = [
    # Before the region page: an area's reference holds a slash (CN:420000/Prison system).
    path(
        "regions/<path:reference>/case-series.csv",
        views.case_series_csv,
        name="case_series_csv",
    ),
    path("regions/<path:reference>/", views.region, name="region"),
]
