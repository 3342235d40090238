"""Helpers of the operations tests: hubei-2020's participants and resources by code, API calls
with a role's token, and workbooks built and uploaded."""

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
    return getattr(client, method)(
        url, body, content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {keys[role]}"
    )


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
