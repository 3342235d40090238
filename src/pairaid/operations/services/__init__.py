"""The use cases of a programme's operations, one module per room (requests, teams, facilities,
contacts, funds, reports): module-level functions with keyword-only, typed arguments, each one
transaction. Only these write; the pages, the API and the workbook call them.

Call them through their module: `from pairaid.operations.services import funds as fund_services`,
then `fund_services.disburse_pledge(...)`."""
