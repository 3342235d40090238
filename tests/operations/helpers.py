"""Helpers of the operations tests: hubei-2020's participants and resources by code, one-line
offers and requests, API calls with a role's token and what each role is answered, and
workbooks built and uploaded."""

import io
from decimal import Decimal

from openpyxl import Workbook

from pairaid.operations.models import OfferLine, RequestLine
from pairaid.operations.services import offers as offer_services
from pairaid.operations.services import requests as request_services
from pairaid.operations.workbook import SHEETS
from pairaid.programmes.models import Participant
from pairaid.registry.models import ResourceType


def participant(code: str, role: str = "") -> Participant:
    found = Participant.objects.filter(programme__slug="hubei-2020", region__code=code)
    return found.get(role=role) if role else found.get()


def resource(code: str) -> ResourceType:
    return ResourceType.objects.get(code=code)


def pk(code: str) -> int:
    return Participant.objects.get(programme__slug="hubei-2020", region__code=code).pk


def offer(
    donor: str = "370000", quantity: int = 1000, max_takes: int = 3, code: str = "n95_mask"
) -> OfferLine:
    """A one-line offer of a hubei-2020 donor (Shandong by default), its line."""
    made = offer_services.make_offer(
        donor=participant(donor),
        lines=[offer_services.OfferLineIn(resource(code), Decimal(quantity), max_takes)],
        user=None,
    )
    return made.lines.get()


def asked(recipient: str = "421100", quantity: int = 600, code: str = "n95_mask") -> RequestLine:
    """A one-line request of a hubei-2020 recipient (Huanggang by default), its line."""
    made = request_services.raise_request(
        recipient=participant(recipient),
        lines=[request_services.LineIn(resource(code), Decimal(quantity))],
        user=None,
    )
    return made.lines.get()


def call(client, keys, role, method, url, body=None, **headers):  # type: ignore[no-untyped-def]
    """An API call with the role's token (`keys`, tests/conftest.py), and any other headers
    given (e.g. HTTP_IF_MATCH); with no token for a role without one (anonymous)."""
    if role in keys:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {keys[role]}"
    return getattr(client, method)(url, body, content_type="application/json", **headers)


# The callers of the permission tests (`people`; anonymous has no token), and what a write
# scoped to Huanggang (recipient) or Shandong (donor) answers each.
ROLES = ["admin", "coordinator", "donor", "recipient", "observer", "outsider", "anonymous"]
RECIPIENTS_WRITE = dict(zip(ROLES, [201, 201, 403, 201, 403, 404, 401], strict=True))
DONORS_WRITE = dict(zip(ROLES, [201, 201, 201, 403, 403, 404, 401], strict=True))
READ = dict(zip(ROLES, [200, 200, 200, 200, 200, 404, 401], strict=True))


def book(**sheets: list[list[object]]) -> io.BytesIO:
    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append([column for column, _ in SHEETS[name]])
        for row in rows:
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


def post(client, data: io.BytesIO):  # type: ignore[no-untyped-def]
    return client.post("/p/hubei-2020/operations-workbook/", {"file": data}, format="multipart")
