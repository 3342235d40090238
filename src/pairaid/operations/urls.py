from django.urls import path

from pairaid.operations import views

app_name = "operations"
urlpatterns = [
    path("p/<slug:slug>/requests/", views.requests, name="requests"),
    path("p/<slug:slug>/requests/lines/<int:line_id>/pledge", views.pledge, name="pledge"),
    path("p/<slug:slug>/pledges/<int:pledge_id>/dispatch", views.dispatch, name="dispatch"),
    path("p/<slug:slug>/shipments/<int:shipment_id>/receive", views.receive, name="receive"),
    path("p/<slug:slug>/gaps/", views.gaps, name="gaps"),
    path("p/<slug:slug>/league/", views.league, name="league"),
]
