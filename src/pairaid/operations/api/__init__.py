"""The ledger through the API, one module per room: requests with their lines' progress, pledges,
shipments and receipts; disbursements of funds pledges and their receipts; teams and deployments;
gaps and the league table — with the pages' permissions. Each room has its router (tagged
"operations"); this one gathers them in the order the schema lists them."""

from ninja import Router

from pairaid.operations.api import funds, gaps, league, requests, teams

router = Router()
for room in (requests, funds, teams, gaps, league):
    router.add_router("", room.router)
