from django.urls import path

from pairaid.operations.views import (
    contacts,
    facilities,
    funds,
    gaps,
    league,
    matching,
    placement,
    reports,
    requests,
    staffing,
    teams,
    transfers,
    workbook,
)

app_name = "operations"
urlpatterns = [
    path("p/<slug:slug>/requests/", requests.requests, name="requests"),
    path("p/<slug:slug>/requests/lines/<int:line_id>/pledge", requests.pledge, name="pledge"),
    path("p/<slug:slug>/pledges/<int:pledge_id>/dispatch", requests.dispatch, name="dispatch"),
    path("p/<slug:slug>/shipments/<int:shipment_id>/receive", requests.receive, name="receive"),
    path("p/<slug:slug>/pledges/<int:pledge_id>/disburse", funds.disburse, name="disburse"),
    path(
        "p/<slug:slug>/disbursements/<int:disbursement_id>/receive",
        funds.receive_disbursement,
        name="receive_disbursement",
    ),
    path("p/<slug:slug>/requests/<int:number>/renew", requests.renew, name="renew"),
    path("p/<slug:slug>/requests/<int:number>/edit", requests.edit, name="edit_request"),
    path("p/<slug:slug>/facilities/<int:facility_id>/edit", facilities.edit, name="edit_facility"),
    path("p/<slug:slug>/teams/<int:team_id>/edit", teams.edit, name="edit_team"),
    path("p/<slug:slug>/contacts/<int:contact_id>/edit", contacts.edit, name="edit_contact"),
    path(
        "p/<slug:slug>/facilities/<int:facility_id>/snapshot", facilities.snapshot, name="snapshot"
    ),
    path("p/<slug:slug>/gaps/", gaps.gaps, name="gaps"),
    path("p/<slug:slug>/league/", league.league, name="league"),
    path("p/<slug:slug>/teams/", teams.teams, name="teams"),
    path("p/<slug:slug>/teams/<int:team_id>/deploy", teams.deploy, name="deploy"),
    path("p/<slug:slug>/deployments/<int:deployment_id>/<str:step>", teams.move, name="move"),
    path("p/<slug:slug>/facilities/", facilities.facilities, name="facilities"),
    path("p/<slug:slug>/care-ratios/", staffing.care_ratios, name="care_ratios"),
    path("p/<slug:slug>/transfers/", transfers.transfers, name="transfers"),
    path("p/<slug:slug>/placement/", placement.placement, name="placement"),
    path(
        "p/<slug:slug>/placement/<int:number>/transfers",
        placement.request_lines,
        name="request_placement",
    ),
    path("p/<slug:slug>/matching/", matching.matching, name="matching"),
    path("p/<slug:slug>/matching/<int:number>/accept", matching.accept, name="accept_matching"),
    path("p/<slug:slug>/transfers/queue", transfers.count_queue, name="count_queue"),
    path(
        "p/<slug:slug>/transfers/<int:number>/<str:name>",
        transfers.move,
        name="move_transfer",
    ),
    path("p/<slug:slug>/contacts/", contacts.contacts, name="contacts"),
    path("p/<slug:slug>/funds/", funds.funds, name="funds"),
    path("p/<slug:slug>/reports/", reports.reports, name="reports"),
    path("p/<slug:slug>/operations-workbook/", workbook.operations_workbook, name="workbook"),
]
