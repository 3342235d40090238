"""Helpers of the operations tests: hubei-2020's participants and resources by code, API calls
with a role's token and what each role is answered, and workbooks built and uploaded."""

import io

from openpyxl import Workbook

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


def call(client, keys, role, method, url, body=None):  # type: ignore[no-untyped-def]
    """An API call with the role's token; with none for a role without one (anonymous)."""
    headers = {"HTTP_AUTHORIZATION": f"Bearer {keys[role]}"} if role in keys else {}
    return getattr(client, method)(url, body, content_type="application/json", **headers)


# The callers of the permission tests (`people`), and what a write scoped to Huanggang
# (recipient) or Shandong (donor) answers each.
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
