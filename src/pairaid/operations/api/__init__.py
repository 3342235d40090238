"""The ledger through the API, one module per room: requests with their lines' progress, pledges,
shipments and receipts; offers of goods, their matching to requests, and goods sent ahead (push
deliveries); commitments, disbursements and their receipts; teams and deployments;
facilities with the responsibility matrix and capacity snapshots; staffed beds' care ratios
and regional pools; daily team reports; contacts; gaps, the contribution rule and the league
table — with the pages' permissions. Each room has its router (tagged "operations"); this one
gathers them in the order the schema lists them. Every list is paginated (`Pages`, 50 a page)."""

from ninja import Router

from pairaid.operations.api import (
    contacts,
    contributions,
    facilities,
    funds,
    gaps,
    league,
    matching,
    offers,
    placement,
    push_deliveries,
    reports,
    requests,
    staffing,
    teams,
    transfers,
)

router = Router()
for room in (
    requests,
    offers,
    push_deliveries,
    matching,
    funds,
    teams,
    facilities,
    staffing,
    transfers,
    placement,
    reports,
    contacts,
    gaps,
    contributions,
    league,
):
    router.add_router("", room.router)
