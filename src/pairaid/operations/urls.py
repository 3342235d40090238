from django.urls import path

from pairaid.operations import field_views, views

app_name = "operations"
urlpatterns = [
    path("p/<slug:slug>/requests/", views.requests, name="requests"),
    path("p/<slug:slug>/requests/lines/<int:line_id>/pledge", views.pledge, name="pledge"),
    path("p/<slug:slug>/pledges/<int:pledge_id>/dispatch", views.dispatch, name="dispatch"),
    path("p/<slug:slug>/shipments/<int:shipment_id>/receive", views.receive, name="receive"),
    path("p/<slug:slug>/pledges/<int:pledge_id>/disburse", views.disburse, name="disburse"),
    path(
        "p/<slug:slug>/disbursements/<int:disbursement_id>/receive",
        views.receive_disbursement,
        name="receive_disbursement",
    ),
    path("p/<slug:slug>/requests/<int:number>/renew", views.renew, name="renew"),
    path(
        "p/<slug:slug>/facilities/<int:facility_id>/snapshot", field_views.snapshot, name="snapshot"
    ),
    path("p/<slug:slug>/gaps/", views.gaps, name="gaps"),
    path("p/<slug:slug>/league/", views.league, name="league"),
    path("p/<slug:slug>/teams/", field_views.teams, name="teams"),
    path("p/<slug:slug>/teams/<int:team_id>/deploy", field_views.deploy, name="deploy"),
    path("p/<slug:slug>/deployments/<int:deployment_id>/<str:step>", field_views.move, name="move"),
    path("p/<slug:slug>/facilities/", field_views.facilities, name="facilities"),
    path("p/<slug:slug>/contacts/", field_views.contacts, name="contacts"),
    path("p/<slug:slug>/funds/", field_views.funds, name="funds"),
    path("p/<slug:slug>/reports/", field_views.reports, name="reports"),
    path("p/<slug:slug>/operations-workbook/", views.operations_workbook, name="workbook"),
]
