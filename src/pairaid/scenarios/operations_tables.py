"""Format 2 tables of a bundle: the running programme (facilities, teams, deployments, requests
and their lines, pledges, shipments, contacts, daily reports). Validated with the rest of the
bundle; written as one layer of rows that a newer version replaces whole."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Model

from pairaid.operations.models import (
    Contact,
    DailyReport,
    Deployment,
    Discrepancy,
    Facility,
    Pledge,
    Request,
    RequestLine,
    Shipment,
    Team,
    TeamMember,
)
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType
from pairaid.scenarios.tables import choice_text, date_text, decimal_text
from pairaid.scenarios.validate import ParsedBundle, RawRow, _Rows

REPORT_FIGURES = (
    "patients_seen",
    "admitted",
    "severe",
    "critical",
    "recovered",
    "deaths",
    "staff_on_duty",
)


def _whole(text: str) -> str:
    if not text.isdigit():
        from pairaid.scenarios.tables import CellError

        raise CellError(f"expected a whole number >= 0, got {text!r}")
    return str(int(text))


def _choices(model_choices: Any) -> tuple[str, ...]:
    return tuple(value for value, _ in model_choices)


def check_operations(v: Any) -> None:  # v: the bundle validator (validate._Validator)
    """Validate the format-2 tables, resolving every reference within the bundle or the base."""
    _facilities(v)
    teams = _teams(v)
    _deployments(v, teams)
    requests = _requests(v)
    lines = _request_lines(v, requests)
    pledges = _pledges(v, lines)
    _shipments(v, pledges)
    _contacts(v)
    _reports(v, teams)


def _cells(v: Any, name: str) -> tuple[_Rows, list[RawRow]]:
    rows: _Rows
    raw: list[RawRow]
    rows, raw = v.table(name)
    return rows, raw


def _facilities(v: Any) -> None:
    rows, raw = _cells(v, "facilities.csv")
    for row in raw:
        values = {
            "recipient": v.participant(rows, row, "recipient", "recipient"),
            "name": rows.cell(row, "name", str, required=True),
            "kind": rows.cell(
                row,
                "kind",
                lambda t: choice_text(t, _choices(Facility.Kind.choices)),
                required=False,
            )
            or "hospital",
            "beds": rows.cell(row, "beds", _whole, required=False),
            "icu_beds": rows.cell(row, "icu_beds", _whole, required=False),
        }
        v.keep("facilities.csv", rows, row, values)


def _members(v: Any, rows: _Rows, row: RawRow) -> str:
    text = row.cells.get("members", "")
    parts = [p.strip() for p in text.split(";") if p.strip()]
    if not parts:
        rows.fail(
            row,
            "members",
            "expected PROFESSION:COUNT;PROFESSION:COUNT, e.g. icu_nurse:30;icu_doctor:5",
        )
        return ""
    for part in parts:
        code, _, count = part.partition(":")
        if code not in v.registry.resource_codes or not count.isdigit():
            rows.fail(
                row, "members", f"expected PROFESSION:COUNT with a known profession, got {part!r}"
            )
    return ";".join(parts)


def _teams(v: Any) -> set[tuple[str, str]]:
    rows, raw = _cells(v, "teams.csv")
    teams = set()
    for row in raw:
        values = {
            "donor": v.participant(rows, row, "donor", "donor"),
            "name": rows.cell(row, "name", str, required=True),
            "members": _members(v, rows, row),
            "emt_type": rows.cell(
                row,
                "emt_type",
                lambda t: choice_text(t, _choices(Team.EmtType.choices)),
                required=False,
            )
            or "other",
            "leader": row.cells.get("leader", ""),
            "home_institution": row.cells.get("home_institution", ""),
        }
        teams.add((values["donor"], values["name"]))
        v.keep("teams.csv", rows, row, values)
    return teams


def _deployments(v: Any, teams: set[tuple[str, str]]) -> None:
    rows, raw = _cells(v, "deployments.csv")
    facilities = {
        (r.values["recipient"], r.values["name"])
        for r in v.parsed.tables.get("facilities.csv", {}).values()
    }
    for row in raw:
        values = {
            "donor": v.participant(rows, row, "donor", "donor"),
            "team": rows.cell(row, "team", str, required=True),
            "recipient": v.participant(rows, row, "recipient", "recipient"),
            "facility": row.cells.get("facility", ""),
            "status": rows.cell(
                row,
                "status",
                lambda t: choice_text(t, _choices(Deployment.Status.choices)),
                required=True,
            ),
            "planned_start": rows.cell(row, "planned_start", date_text, required=True),
            "planned_end": rows.cell(row, "planned_end", date_text, required=False),
            "dispatched_on": rows.cell(row, "dispatched_on", date_text, required=False),
            "arrived_on": rows.cell(row, "arrived_on", date_text, required=False),
            "ended_on": rows.cell(row, "ended_on", date_text, required=False),
            "replaces_start": rows.cell(row, "replaces_start", date_text, required=False),
            "overlap_days": rows.cell(row, "overlap_days", _whole, required=False) or "0",
        }
        if values["donor"] and values["team"] and (values["donor"], values["team"]) not in teams:
            rows.fail(row, "team", f"no team {values['team']!r} of {values['donor']} in teams.csv")
        if values["facility"] and (values["recipient"], values["facility"]) not in facilities:
            rows.fail(
                row,
                "facility",
                f"no facility {values['facility']!r} of {values['recipient']} in facilities.csv",
            )
        _check_dates(
            rows,
            row,
            values,
            {
                "dispatched": ("dispatched_on",),
                "arrived": ("dispatched_on", "arrived_on"),
                "ended": ("dispatched_on", "arrived_on", "ended_on"),
            },
        )
        v.keep("deployments.csv", rows, row, values)


def _check_dates(
    rows: _Rows, row: RawRow, values: dict[str, str], needs: dict[str, tuple[str, ...]]
) -> None:
    """A status needs the dates of every step before it, in order."""
    wanted = needs.get(values.get("status", ""), ())
    for column in wanted:
        if not values.get(column):
            rows.fail(row, column, f"a {values['status']} row needs {column}")
    present = [values[c] for c in wanted if values.get(c)]
    if present != sorted(present):
        rows.fail(row, wanted[-1], f"the dates must follow each other: {', '.join(present)}")


def _requests(v: Any) -> set[str]:
    rows, raw = _cells(v, "requests.csv")
    numbers = set()
    for row in raw:
        values = {
            "number": rows.cell(row, "number", _whole, required=True),
            "recipient": v.participant(rows, row, "recipient", "recipient"),
            "raised_on": rows.cell(row, "raised_on", date_text, required=True),
            "expires_on": rows.cell(row, "expires_on", date_text, required=False),
            "status": rows.cell(
                row,
                "status",
                lambda t: choice_text(t, _choices(Request.Status.choices)),
                required=False,
            )
            or "open",
            "note": row.cells.get("note", ""),
        }
        numbers.add(values["number"])
        v.keep("requests.csv", rows, row, values)
    return numbers


def _request_lines(v: Any, requests: set[str]) -> set[tuple[str, str]]:
    rows, raw = _cells(v, "request_lines.csv")
    lines = set()
    for row in raw:
        values = {
            "request": rows.cell(row, "request", _whole, required=True),
            "resource_type": v.resource(rows, row),
            "quantity": rows.cell(
                row, "quantity", lambda t: decimal_text(t, minimum=Decimal(0)), required=True
            ),
            "priority": rows.cell(
                row,
                "priority",
                lambda t: choice_text(t, _choices(RequestLine.Priority.choices)),
                required=False,
            )
            or "normal",
            "needed_by": rows.cell(row, "needed_by", date_text, required=False),
        }
        if values["request"] and values["request"] not in requests:
            rows.fail(row, "request", f"no request {values['request']} in requests.csv")
        lines.add((values["request"], values["resource_type"]))
        v.keep("request_lines.csv", rows, row, values)
    return lines


def _pledges(v: Any, lines: set[tuple[str, str]]) -> set[tuple[str, str, str]]:
    rows, raw = _cells(v, "pledges.csv")
    pledges = set()
    for row in raw:
        values = {
            "request": rows.cell(row, "request", _whole, required=True),
            "resource_type": v.resource(rows, row),
            "donor": v.participant(rows, row, "donor", "donor"),
            "quantity": rows.cell(
                row, "quantity", lambda t: decimal_text(t, minimum=Decimal(0)), required=True
            ),
            "pledged_on": rows.cell(row, "pledged_on", date_text, required=True),
            "note": row.cells.get("note", ""),
        }
        if (values["request"], values["resource_type"]) not in lines:
            rows.fail(
                row,
                "request",
                f"no line of request {values['request']} for {values['resource_type']} "
                "in request_lines.csv",
            )
        pledges.add((values["request"], values["resource_type"], values["donor"]))
        v.keep("pledges.csv", rows, row, values)
    return pledges


def _shipments(v: Any, pledges: set[tuple[str, str, str]]) -> None:
    rows, raw = _cells(v, "shipments.csv")
    for row in raw:
        values = {
            "request": rows.cell(row, "request", _whole, required=True),
            "resource_type": v.resource(rows, row),
            "donor": v.participant(rows, row, "donor", "donor"),
            "quantity": rows.cell(
                row, "quantity", lambda t: decimal_text(t, minimum=Decimal(0)), required=True
            ),
            "status": rows.cell(
                row,
                "status",
                lambda t: choice_text(t, _choices(Shipment.Status.choices)),
                required=True,
            ),
            "dispatched_on": rows.cell(row, "dispatched_on", date_text, required=True),
            "reference": row.cells.get("reference", ""),
            "received_on": rows.cell(row, "received_on", date_text, required=False),
            "received_quantity": rows.cell(
                row,
                "received_quantity",
                lambda t: decimal_text(t, minimum=Decimal(0)),
                required=False,
            ),
            "value_cny": rows.cell(
                row,
                "value_cny",
                lambda t: decimal_text(t, minimum=Decimal(0), places=2),
                required=False,
            ),
            "discrepancy_kind": rows.cell(
                row,
                "discrepancy_kind",
                lambda t: choice_text(t, _choices(Discrepancy.Kind.choices)),
                required=False,
            ),
            "discrepancy_quantity": rows.cell(
                row,
                "discrepancy_quantity",
                lambda t: decimal_text(t, minimum=Decimal(0)),
                required=False,
            ),
            "discrepancy_note": row.cells.get("discrepancy_note", ""),
        }
        if (values["request"], values["resource_type"], values["donor"]) not in pledges:
            rows.fail(
                row, "donor", "no matching pledge in pledges.csv (request, resource_type, donor)"
            )
        if values["status"] == "received" and not (
            values["received_on"] and values["received_quantity"]
        ):
            rows.fail(
                row, "received_on", "a received shipment needs received_on and received_quantity"
            )
        v.keep("shipments.csv", rows, row, values)


def _contacts(v: Any) -> None:
    rows, raw = _cells(v, "contacts.csv")
    for row in raw:
        role = rows.cell(
            row, "participant_role", lambda t: choice_text(t, ("donor", "recipient")), required=True
        )
        values = {
            "participant": v.participant(rows, row, "participant", role) if role else "",
            "participant_role": role,
            "name": rows.cell(row, "name", str, required=True),
            "role": rows.cell(row, "role", str, required=True),
            "phone": row.cells.get("phone", ""),
            "email": row.cells.get("email", ""),
        }
        v.keep("contacts.csv", rows, row, values)


def _reports(v: Any, teams: set[tuple[str, str]]) -> None:
    rows, raw = _cells(v, "reports.csv")
    for row in raw:
        values = {
            "donor": v.participant(rows, row, "donor", "donor"),
            "team": rows.cell(row, "team", str, required=True),
            "date": rows.cell(row, "date", date_text, required=True),
            "shortages": row.cells.get("shortages", ""),
            **{f: rows.cell(row, f, _whole, required=False) or "0" for f in REPORT_FIGURES},
        }
        if (values["donor"], values["team"]) not in teams:
            rows.fail(row, "team", f"no team {values['team']!r} of {values['donor']} in teams.csv")
        v.keep("reports.csv", rows, row, values)


# Writing: the layer is replaced whole (see `replace_layer`).


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def _required_day(text: str) -> date:
    """A date the validation already required."""
    return date.fromisoformat(text)


def has_operations(parsed: ParsedBundle) -> bool:
    return any(
        parsed.tables.get(name)
        for name in ("facilities.csv", "teams.csv", "requests.csv", "contacts.csv")
    )


def remove_layer(programme: Programme, *, illustrative: bool) -> None:
    """Delete this layer's operations rows (children first)."""
    scope: list[tuple[type[Model], dict[str, Any]]] = [
        (DailyReport, {"team__programme": programme}),
        (Contact, {"programme": programme}),
        (Discrepancy, {"shipment__pledge__line__request__programme": programme}),
        (Deployment, {"team__programme": programme}),
        (Shipment, {"pledge__line__request__programme": programme}),
        (Pledge, {"line__request__programme": programme}),
        (RequestLine, {"request__programme": programme}),
        (Request, {"programme": programme}),
        (TeamMember, {"team__programme": programme}),
        (Team, {"programme": programme}),
        (Facility, {"programme": programme}),
    ]
    for model, where in scope:
        flag = "illustrative" if hasattr(model, "illustrative") else None
        rows = model._default_manager.filter(**where)
        if flag:
            rows = rows.filter(illustrative=illustrative)
        elif model is TeamMember:
            rows = rows.filter(team__illustrative=illustrative)
        elif model is RequestLine:
            rows = rows.filter(request__illustrative=illustrative)
        elif model is Discrepancy:
            rows = rows.filter(shipment__illustrative=illustrative)
        rows.delete()


def write_layer(
    parsed: ParsedBundle, programme: Programme, progress: Callable[[str, int], None]
) -> None:
    """Create the bundle's operations rows (one transaction with the rest of the load)."""
    flag = parsed.illustrative
    tables = {name: [r.values for r in rows.values()] for name, rows in parsed.tables.items()}
    members = {
        (p.region.reference, p.role): p
        for p in programme.participants.select_related("region__parent")
    }
    resources = {r.code: r for r in ResourceType.objects.all()}

    def who(ref: str, role: str) -> Participant:
        return members[(ref, role)]

    facilities = {}
    for f in tables.get("facilities.csv", []):
        facilities[(f["recipient"], f["name"])] = Facility.objects.create(
            programme=programme,
            recipient=who(f["recipient"], "recipient"),
            name=f["name"],
            kind=f["kind"],
            beds=int(f["beds"]) if f["beds"] else None,
            icu_beds=int(f["icu_beds"]) if f["icu_beds"] else None,
            illustrative=flag,
        )
    teams = {}
    for t in tables.get("teams.csv", []):
        team = Team.objects.create(
            programme=programme,
            donor=who(t["donor"], "donor"),
            name=t["name"],
            emt_type=t["emt_type"],
            leader=t["leader"],
            home_institution=t["home_institution"],
            illustrative=flag,
        )
        for part in t["members"].split(";"):
            code, _, count = part.partition(":")
            TeamMember.objects.create(team=team, resource_type=resources[code], count=int(count))
        teams[(t["donor"], t["name"])] = team
    deployments: dict[tuple[str, str, str], Deployment] = {}
    for d in sorted(tables.get("deployments.csv", []), key=lambda d: d["planned_start"]):
        replaces = (
            deployments.get((d["donor"], d["team"], d["replaces_start"]))
            if d["replaces_start"]
            else None
        )
        deployments[(d["donor"], d["team"], d["planned_start"])] = Deployment.objects.create(
            team=teams[(d["donor"], d["team"])],
            recipient=who(d["recipient"], "recipient"),
            facility=facilities.get((d["recipient"], d["facility"])),
            status=d["status"],
            planned_start=_required_day(d["planned_start"]),
            planned_end=_day(d["planned_end"]),
            dispatched_on=_day(d["dispatched_on"]),
            arrived_on=_day(d["arrived_on"]),
            ended_on=_day(d["ended_on"]),
            replaces=replaces,
            overlap_days=int(d["overlap_days"]),
            illustrative=flag,
        )
    _write_ledger(tables, programme, who, resources, flag)
    for c in tables.get("contacts.csv", []):
        Contact.objects.create(
            programme=programme,
            participant=who(c["participant"], c["participant_role"]),
            name=c["name"],
            role=c["role"],
            phone=c["phone"],
            email=c["email"],
            illustrative=flag,
        )
    for r in tables.get("reports.csv", []):
        DailyReport.objects.create(
            team=teams[(r["donor"], r["team"])],
            date=_required_day(r["date"]),
            shortages=r["shortages"],
            illustrative=flag,
            **{f: int(r[f]) for f in REPORT_FIGURES},
        )
    progress(
        "operations", sum(len(rows) for name, rows in tables.items() if name in _OPERATION_FILES)
    )


_OPERATION_FILES = {
    "facilities.csv",
    "teams.csv",
    "deployments.csv",
    "requests.csv",
    "request_lines.csv",
    "pledges.csv",
    "shipments.csv",
    "contacts.csv",
    "reports.csv",
}


def _write_ledger(
    tables: dict[str, list[dict[str, str]]],
    programme: Programme,
    who: Any,
    resources: dict[str, ResourceType],
    flag: bool,
) -> None:
    from django.conf import settings

    requests = {}
    for r in tables.get("requests.csv", []):
        raised = _day(r["raised_on"])
        assert raised is not None
        expires = _day(r["expires_on"]) or raised.fromordinal(
            raised.toordinal() + settings.PAIRAID_REQUEST_EXPIRY_DAYS
        )
        requests[r["number"]] = Request.objects.create(
            programme=programme,
            recipient=who(r["recipient"], "recipient"),
            number=int(r["number"]),
            raised_on=raised,
            expires_on=expires,
            status=r["status"],
            note=r["note"],
            illustrative=flag,
        )
    lines = {}
    for line in tables.get("request_lines.csv", []):
        lines[(line["request"], line["resource_type"])] = RequestLine.objects.create(
            request=requests[line["request"]],
            resource_type=resources[line["resource_type"]],
            quantity=Decimal(line["quantity"]),
            priority=line["priority"],
            needed_by=_day(line["needed_by"]),
        )
    pledges = {}
    for p in tables.get("pledges.csv", []):
        pledges[(p["request"], p["resource_type"], p["donor"])] = Pledge.objects.create(
            line=lines[(p["request"], p["resource_type"])],
            donor=who(p["donor"], "donor"),
            quantity=Decimal(p["quantity"]),
            pledged_on=_required_day(p["pledged_on"]),
            note=p["note"],
            illustrative=flag,
        )
    for s in tables.get("shipments.csv", []):
        shipment = Shipment.objects.create(
            pledge=pledges[(s["request"], s["resource_type"], s["donor"])],
            quantity=Decimal(s["quantity"]),
            status=s["status"],
            dispatched_on=_required_day(s["dispatched_on"]),
            received_on=_day(s["received_on"]),
            received_quantity=Decimal(s["received_quantity"]) if s["received_quantity"] else None,
            value_cny=Decimal(s["value_cny"]) if s["value_cny"] else None,
            reference=s["reference"],
            illustrative=flag,
        )
        if s["discrepancy_kind"]:
            Discrepancy.objects.create(
                shipment=shipment,
                kind=s["discrepancy_kind"],
                quantity=Decimal(s["discrepancy_quantity"] or "0"),
                note=s["discrepancy_note"],
            )
