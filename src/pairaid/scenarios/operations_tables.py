"""Format 2 tables of a bundle: the running programme (facilities and their capacity snapshots,
teams, deployments, requests and their lines, pledges, shipments, fund commitments and
disbursements, contacts, daily reports). Validated with the rest of the bundle; written as one
layer of rows that a newer version replaces whole. `operations_export` reads them back."""

import datetime
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Model

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import PROFESSIONS
from pairaid.operations.bed_columns import (
    CAPACITY_COLUMNS,
    SNAPSHOT_COLUMNS,
    STAFF_COLUMNS,
    capacity_column,
    general_beds,
    occupied_column,
    open_column,
    staff_column,
)
from pairaid.operations.models import (
    DEFAULT_TAKES_PER_OFFER_LINE,
    Contact,
    DailyReport,
    Deployment,
    Disbursement,
    Discrepancy,
    Facility,
    FacilityBeds,
    FacilitySnapshot,
    FacilityStaff,
    FundCommitment,
    Offer,
    OfferLine,
    Pledge,
    PushDelivery,
    QueueEntry,
    Request,
    RequestLine,
    Shipment,
    SnapshotBeds,
    Team,
    TeamMember,
)
from pairaid.operations.services.offers import OfferLineIn, line_problems
from pairaid.operations.services.push_deliveries import goods_problems
from pairaid.programmes.models import Participant, Programme
from pairaid.projects.models import Project
from pairaid.registry.models import ResourceType
from pairaid.scenarios.message_tables import check_messages, remove_messages, write_messages
from pairaid.scenarios.project_tables import (
    Projects,
    check_projects,
    ledger_project,
    remove_projects,
    write_projects,
)
from pairaid.scenarios.tables import (
    DEFAULT_DEADLINE,
    DEFAULT_TIME_ZONE,
    OPERATIONS_SPECS,
    choice_text,
    date_text,
    decimal_text,
    moment_text,
    whole_text,
)
from pairaid.scenarios.validate import ParsedBundle, RawRow, _Rows

REPORT_FIGURES = DailyReport.FIGURES
FORMAT2_COUNTS = ("beds_available", "beds_occupied", "icu_available", "icu_occupied")


def check_operations(v: Any) -> None:  # v: the bundle validator (validate._Validator)
    """Validate the format-2 tables, resolving every reference within the bundle or the base."""
    facilities = _facilities(v)
    _snapshots(v, facilities)
    _community_queue(v)
    teams = _teams(v)
    requests = _requests(v)
    lines = _request_lines(v, requests)
    lots = _offers(v)
    pledges = _pledges(v, lines, lots)
    _push_deliveries(v)
    _deployments(v, teams, pledges)
    _shipments(v, pledges)
    projects = check_projects(v)
    commitments = _commitments(v, projects)
    _disbursements(v, commitments, pledges, projects)
    _contacts(v, teams, facilities)
    _reports(v, teams)
    check_messages(v)


def _cells(v: Any, name: str) -> tuple[_Rows, list[RawRow]]:
    rows: _Rows
    raw: list[RawRow]
    rows, raw = v.table(name)
    return rows, raw


def _facilities(v: Any) -> set[tuple[str, str]]:
    rows, raw = _cells(v, "facilities.csv")
    facilities = set()
    for row in raw:
        values = {
            "recipient": v.participant(rows, row, "recipient", "recipient"),
            "name": rows.cell(row, "name", str, required=True),
            "kind": rows.cell(
                row,
                "kind",
                lambda t: choice_text(t, Facility.Kind.values),
                required=False,
            )
            or "hospital",
            "ventilators": rows.cell(row, "ventilators", whole_text, required=False),
            **{c: rows.cell(row, c, whole_text, required=False) for c in CAPACITY_COLUMNS},
            **{c: rows.cell(row, c, whole_text, required=False) for c in STAFF_COLUMNS},
        }
        if _legacy(v, rows, row, "facilities.csv"):
            values |= _format2_beds(rows, row)
        facilities.add((values["recipient"], values["name"]))
        v.keep("facilities.csv", rows, row, values)
    return facilities


def _legacy(v: Any, rows: _Rows, row: RawRow, name: str) -> bool:
    """Whether the row is read in format 2's columns (converted); in format 3 they are refused."""
    if v.parsed.format_version < 3:
        return True
    for column in OPERATIONS_SPECS[name].legacy:
        if column in row.cells:
            rows.fail(row, column, f"a format 2 column; format 3 has {_format3_of(name)}")
    return False


def _format3_of(name: str) -> str:
    if name == "facilities.csv":
        return ", ".join(CAPACITY_COLUMNS)
    return "reported_at, " + ", ".join(SNAPSHOT_COLUMNS)


def _format2_beds(rows: _Rows, row: RawRow) -> dict[str, str]:
    """Format 2's beds (all, ICU included) and ICU beds, as beds per type (`general_beds`)."""
    total = _count(rows.cell(row, "beds", whole_text, required=False))
    icu = _count(rows.cell(row, "icu_beds", whole_text, required=False))
    return {
        capacity_column("general"): _text(general_beds(total, icu)),
        capacity_column("icu"): _text(icu),
    }


def _snapshots(v: Any, facilities: set[tuple[str, str]]) -> None:
    rows, raw = _cells(v, "facility_snapshots.csv")
    days: set[tuple[str, str, str]] = set()
    for row in raw:
        values = {
            "recipient": v.participant(rows, row, "recipient", "recipient"),
            "facility": rows.cell(row, "facility", str, required=True),
            **{c: rows.cell(row, c, whole_text, required=False) for c in SNAPSHOT_COLUMNS},
        }
        if _legacy(v, rows, row, "facility_snapshots.csv"):
            values |= _format2_snapshot(rows, row)
        else:
            values["reported_at"] = rows.cell(row, "reported_at", moment_text, required=True)
        if values["recipient"] and (values["recipient"], values["facility"]) not in facilities:
            rows.fail(
                row,
                "facility",
                f"no facility {values['facility']!r} of {values['recipient']} in facilities.csv",
            )
        day = (values["recipient"], values["facility"], values["reported_at"][:10])
        if values["reported_at"] and day in days:
            rows.fail(row, "reported_at", "a second report of the facility on the same day")
        days.add(day)
        v.keep("facility_snapshots.csv", rows, row, values)


def _bed_type(text: str) -> str:
    if text not in BED_TYPES:
        from pairaid.scenarios.tables import CellError

        raise CellError(f"expected a bed type ({', '.join(BED_TYPES)}), got {text!r}")
    return text


def _community_queue(v: Any) -> None:
    rows, raw = _cells(v, "community_queue.csv")
    for row in raw:
        values = {
            "recipient": v.participant(rows, row, "recipient", "recipient"),
            "acuity": rows.cell(row, "acuity", _bed_type, required=True),
            "waiting": rows.cell(row, "waiting", whole_text, required=True),
            "recorded_at": rows.cell(row, "recorded_at", moment_text, required=True),
        }
        v.keep("community_queue.csv", rows, row, values)


def _format2_snapshot(rows: _Rows, row: RawRow) -> dict[str, str]:
    """A format 2 snapshot: a date (taken as reported at the default deadline in the default
    time zone, the only ones format 2 programmes had) and all/ICU beds open and occupied."""
    day = rows.cell(row, "date", date_text, required=True)
    figures = {c: _count(rows.cell(row, c, whole_text, required=False)) for c in FORMAT2_COUNTS}
    reported_at = (
        datetime.datetime.combine(
            datetime.date.fromisoformat(day),
            datetime.time.fromisoformat(DEFAULT_DEADLINE),
            ZoneInfo(DEFAULT_TIME_ZONE),
        ).isoformat()
        if day
        else ""
    )
    return {
        "reported_at": reported_at,
        open_column("general"): _text(
            general_beds(figures["beds_available"], figures["icu_available"])
        ),
        occupied_column("general"): _text(
            general_beds(figures["beds_occupied"], figures["icu_occupied"])
        ),
        open_column("icu"): _text(figures["icu_available"]),
        occupied_column("icu"): _text(figures["icu_occupied"]),
    }


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
        if code not in v.registry.resource_codes or not count.isdecimal():
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
                lambda t: choice_text(t, Team.EmtType.values),
                required=False,
            )
            or "other",
            "leader": row.cells.get("leader", ""),
            "home_institution": row.cells.get("home_institution", ""),
        }
        teams.add((values["donor"], values["name"]))
        v.keep("teams.csv", rows, row, values)
    return teams


def _deployments(v: Any, teams: set[tuple[str, str]], pledges: set[tuple[str, str, str]]) -> None:
    rows, raw = _cells(v, "deployments.csv")
    facilities = {
        (r.values["recipient"], r.values["name"])
        for r in v.parsed.tables.get("facilities.csv", {}).values()
    }
    starts = {
        (row.cells.get("donor", ""), row.cells.get("team", ""), row.cells.get("planned_start", ""))
        for row in raw
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
                lambda t: choice_text(t, Deployment.Status.values),
                required=True,
            ),
            "planned_start": rows.cell(row, "planned_start", date_text, required=True),
            "planned_end": rows.cell(row, "planned_end", date_text, required=False),
            "dispatched_on": rows.cell(row, "dispatched_on", date_text, required=False),
            "arrived_on": rows.cell(row, "arrived_on", date_text, required=False),
            "ended_on": rows.cell(row, "ended_on", date_text, required=False),
            "replaces_start": rows.cell(row, "replaces_start", date_text, required=False),
            "replaces_team": row.cells.get("replaces_team", ""),
            "overlap_days": rows.cell(row, "overlap_days", whole_text, required=False) or "0",
            "request": rows.cell(row, "request", whole_text, required=False),
            "resource_type": v.resource(rows, row) if row.cells.get("request") else "",
        }
        replaced = (
            row.cells.get("donor", ""),
            values["replaces_team"] or values["team"],
            values["replaces_start"],
        )
        if values["replaces_start"] and replaced not in starts:
            rows.fail(
                row,
                "replaces_start",
                f"no deployment of {replaced[1]!r} starting {replaced[2]} in deployments.csv",
            )
        pledge = (values["request"], values["resource_type"], values["donor"])
        if values["request"] and values["donor"] and pledge not in pledges:
            rows.fail(row, "request", "no matching pledge in pledges.csv (request, resource_type)")
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
            "number": rows.cell(row, "number", whole_text, required=True),
            "recipient": v.participant(rows, row, "recipient", "recipient"),
            "raised_on": rows.cell(row, "raised_on", date_text, required=True),
            "expires_on": rows.cell(row, "expires_on", date_text, required=False),
            "status": rows.cell(
                row,
                "status",
                lambda t: choice_text(t, Request.Status.values),
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
            "request": rows.cell(row, "request", whole_text, required=True),
            "resource_type": v.resource(rows, row),
            "quantity": rows.cell(
                row, "quantity", lambda t: decimal_text(t, minimum=Decimal(0)), required=True
            ),
            "priority": rows.cell(
                row,
                "priority",
                lambda t: choice_text(t, RequestLine.Priority.values),
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


# An offer's own columns: each row (lot) of the offer repeats them.
OFFER_COLUMNS = ("donor", "available_from", "available_until", "standing", "note")


def _offers(v: Any) -> set[tuple[str, str, str]]:
    """Offers of goods, one row per lot; the lots found as (number, resource_type, donor)."""
    rows, raw = _cells(v, "offers.csv")
    resources = {r.code: r for r in ResourceType.objects.all()}
    first_rows: dict[str, tuple[RawRow, dict[str, str]]] = {}
    lots = set()
    for row in raw:
        values = {
            "number": rows.cell(row, "number", whole_text, required=True),
            "donor": v.participant(rows, row, "donor", "donor"),
            "available_from": rows.cell(row, "available_from", date_text, required=True),
            "available_until": rows.cell(row, "available_until", date_text, required=False),
            "standing": rows.cell(
                row,
                "standing",
                lambda t: choice_text(t, Offer.Standing.values),
                required=False,
            )
            or Offer.Standing.OPEN.value,
            "resource_type": v.resource(rows, row),
            "quantity": rows.cell(
                row, "quantity", lambda t: decimal_text(t, minimum=Decimal(0)), required=True
            ),
            "max_takes": rows.cell(row, "max_takes", whole_text, required=False)
            or str(DEFAULT_TAKES_PER_OFFER_LINE),
            "note": row.cells.get("note", ""),
        }
        if values["available_until"] and values["available_until"] < values["available_from"]:
            rows.fail(
                row,
                "available_until",
                f"expected a date on or after available_from ({values['available_from']})",
            )
        resource = resources.get(values["resource_type"])
        if resource is not None and values["quantity"]:
            _check_lot(rows, row, resource, values)
        first = first_rows.setdefault(values["number"], (row, values))
        _check_same_offer(rows, row, values, first)
        lots.add((values["number"], values["resource_type"], values["donor"]))
        v.keep("offers.csv", rows, row, values)
    return lots


def _check_lot(rows: _Rows, row: RawRow, resource: ResourceType, values: dict[str, str]) -> None:
    """The rule of an offered lot that the offers service applies (`line_problems`), each
    problem named by its column of offers.csv."""
    lot = OfferLineIn(resource, Decimal(values["quantity"]), int(values["max_takes"]))
    for problem in line_problems(0, lot):
        rows.fail(row, problem.column.rpartition(".")[2], problem.message)


def _check_same_offer(
    rows: _Rows, row: RawRow, values: dict[str, str], first: tuple[RawRow, dict[str, str]]
) -> None:
    """Every row of an offer repeats the offer's own columns as its first row has them."""
    first_row, first_values = first
    for column in OFFER_COLUMNS:
        if values[column] != first_values[column]:
            rows.fail(
                row,
                column,
                f"expected {first_values[column]!r} as on row {first_row.row}, the first row "
                f"of offer {values['number']}: each row of an offer repeats its {column}",
            )


def _push_deliveries(v: Any) -> None:
    """Goods sent ahead, each row a delivery's state; checked as the push deliveries service
    checks what it sends (`goods_problems`), and each redirect against the row it carries on."""
    rows, raw = _cells(v, "push_deliveries.csv")
    resources = {r.code: r for r in ResourceType.objects.all()}
    found: dict[str, tuple[RawRow, dict[str, str]]] = {}
    for row in raw:
        values = {
            "number": rows.cell(row, "number", whole_text, required=True),
            "donor": v.participant(rows, row, "donor", "donor"),
            "recipient": v.participant(rows, row, "recipient", "recipient"),
            "resource_type": v.resource(rows, row),
            "quantity": rows.cell(row, "quantity", decimal_text, required=True),
            "dispatched_on": rows.cell(row, "dispatched_on", date_text, required=True),
            "status": rows.cell(
                row,
                "status",
                lambda t: choice_text(t, PushDelivery.Status.values),
                required=False,
            )
            or PushDelivery.Status.SENT.value,
            "accepted_on": rows.cell(row, "accepted_on", date_text, required=False),
            "redirected_from": rows.cell(row, "redirected_from", whole_text, required=False),
            "note": row.cells.get("note", ""),
        }
        resource = resources.get(values["resource_type"])
        if resource is not None and values["quantity"]:
            for problem in goods_problems(resource, Decimal(values["quantity"])):
                rows.fail(row, problem.column, problem.message)
        _check_acceptance(rows, row, values)
        found.setdefault(values["number"], (row, values))
        v.keep("push_deliveries.csv", rows, row, values)
    _check_redirects(rows, found)


def _check_acceptance(rows: _Rows, row: RawRow, values: dict[str, str]) -> None:
    """An accepted delivery says when (from then on it counts as received); no other does."""
    accepted = values["status"] == PushDelivery.Status.ACCEPTED
    if accepted and not values["accepted_on"]:
        rows.fail(row, "accepted_on", "expected the date an accepted delivery was accepted")
    elif values["accepted_on"] and not accepted:
        rows.fail(row, "accepted_on", f"expected no date: the delivery is {values['status']}")
    elif accepted and values["dispatched_on"] and values["accepted_on"] < values["dispatched_on"]:
        rows.fail(
            row,
            "accepted_on",
            f"expected a date on or after dispatched_on ({values['dispatched_on']})",
        )


def _check_redirects(rows: _Rows, found: dict[str, tuple[RawRow, dict[str, str]]]) -> None:
    """A redirect carries on an earlier, redirected delivery's goods (the same donor, resource
    and quantity) to another recipient; each redirected delivery is carried on exactly once."""
    carried: dict[str, RawRow] = {}
    for row, values in found.values():
        earlier = values["redirected_from"]
        if not earlier:
            continue
        source = found.get(earlier)
        if source is None or int(earlier) >= int(values["number"] or 0):
            rows.fail(row, "redirected_from", f"no earlier delivery {earlier} in this file")
            continue
        if source[1]["status"] != PushDelivery.Status.REDIRECTED:
            rows.fail(
                row,
                "redirected_from",
                f"delivery {earlier} is {source[1]['status']}; only a redirected one goes on",
            )
        for column in ("donor", "resource_type", "quantity"):
            if values[column] != source[1][column]:
                rows.fail(row, column, f"expected {source[1][column]!r} as delivery {earlier}")
        if values["recipient"] == source[1]["recipient"]:
            rows.fail(row, "recipient", f"must differ from delivery {earlier}'s, which declined")
        if earlier in carried:
            rows.fail(
                row,
                "redirected_from",
                f"delivery {earlier} goes on already, on row {carried[earlier].row}",
            )
        carried.setdefault(earlier, row)
    for row, values in found.values():
        if values["status"] == PushDelivery.Status.REDIRECTED and values["number"] not in carried:
            rows.fail(
                row, "status", "a redirected delivery goes on in a row naming it in redirected_from"
            )


def _offer_lot(
    rows: _Rows, row: RawRow, values: dict[str, str], lots: set[tuple[str, str, str]]
) -> str:
    """The offer (number) a pledge takes from, if any: a lot of the pledge's resource offered
    by its donor."""
    offer = rows.cell(row, "offer", whole_text, required=False)
    lot = (offer, values["resource_type"], values["donor"])
    if offer and values["donor"] and lot not in lots:
        rows.fail(
            row,
            "offer",
            f"no lot of {values['resource_type']} in offer {offer} of {values['donor']} "
            "in offers.csv",
        )
    return offer


def _pledges(
    v: Any, lines: set[tuple[str, str]], lots: set[tuple[str, str, str]]
) -> set[tuple[str, str, str]]:
    rows, raw = _cells(v, "pledges.csv")
    pledges = set()
    for row in raw:
        values = {
            "request": rows.cell(row, "request", whole_text, required=True),
            "resource_type": v.resource(rows, row),
            "donor": v.participant(rows, row, "donor", "donor"),
            "quantity": rows.cell(
                row, "quantity", lambda t: decimal_text(t, minimum=Decimal(0)), required=True
            ),
            "pledged_on": rows.cell(row, "pledged_on", date_text, required=True),
            "status": rows.cell(
                row,
                "status",
                lambda t: choice_text(t, Pledge.Status.values),
                required=False,
            )
            or "pledged",
            "note": row.cells.get("note", ""),
        }
        values["offer"] = _offer_lot(rows, row, values, lots)
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
            "request": rows.cell(row, "request", whole_text, required=True),
            "resource_type": v.resource(rows, row),
            "donor": v.participant(rows, row, "donor", "donor"),
            "quantity": rows.cell(
                row, "quantity", lambda t: decimal_text(t, minimum=Decimal(0)), required=True
            ),
            "status": rows.cell(
                row,
                "status",
                lambda t: choice_text(t, Shipment.Status.values),
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
            **_discrepancy(rows, row),
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


def _contacts(v: Any, teams: set[tuple[str, str]], facilities: set[tuple[str, str]]) -> None:
    """A contact of a participant, or of one of its teams (donor) or facilities (recipient)."""
    rows, raw = _cells(v, "contacts.csv")
    for row in raw:
        role = rows.cell(
            row,
            "participant_role",
            lambda t: choice_text(t, Participant.Role.values),
            required=True,
        )
        values = {
            "participant": v.participant(rows, row, "participant", role) if role else "",
            "participant_role": role,
            "team": row.cells.get("team", ""),
            "facility": row.cells.get("facility", ""),
            "name": rows.cell(row, "name", str, required=True),
            "role": rows.cell(row, "role", str, required=True),
            "phone": row.cells.get("phone", ""),
            "email": row.cells.get("email", ""),
        }
        owner = values["participant"]
        if values["team"] and (
            role != Participant.Role.DONOR or (owner, values["team"]) not in teams
        ):
            rows.fail(row, "team", f"no team {values['team']!r} of donor {owner} in teams.csv")
        if values["facility"] and (
            role != Participant.Role.RECIPIENT or (owner, values["facility"]) not in facilities
        ):
            rows.fail(
                row,
                "facility",
                f"no facility {values['facility']!r} of recipient {owner} in facilities.csv",
            )
        if values["team"] and values["facility"]:
            rows.fail(row, "facility", "a contact belongs to a team or a facility, not both")
        v.keep("contacts.csv", rows, row, values)


def _money(text: str) -> str:
    return decimal_text(text, minimum=Decimal(0), places=2)


def _commitment_values(v: Any, rows: _Rows, row: RawRow) -> dict[str, str]:
    return {
        "donor": v.participant(rows, row, "donor", "donor"),
        "recipient": v.participant(rows, row, "recipient", "recipient"),
        "year": rows.cell(row, "year", whole_text, required=True),
        "kind": rows.cell(
            row,
            "kind",
            lambda t: choice_text(t, FundCommitment.Kind.values),
            required=False,
        )
        or "cash",
    }


def _commitments(v: Any, projects: Projects) -> set[tuple[str, ...]]:
    rows, raw = _cells(v, "commitments.csv")
    commitments = set()
    for row in raw:
        pair = _commitment_values(v, rows, row)
        values = {
            **pair,
            "amount": rows.cell(row, "amount", _money, required=True),
            "description": row.cells.get("description", ""),
            "project": ledger_project(rows, row, projects, pair["donor"], pair["recipient"]),
        }
        commitments.add(tuple(values[c] for c in ("donor", "recipient", "year", "kind")))
        commitments.add(
            tuple(values[c] for c in ("donor", "recipient", "year", "kind", "description"))
        )
        v.keep("commitments.csv", rows, row, values)
    return commitments


def _disbursements(
    v: Any,
    commitments: set[tuple[str, ...]],
    pledges: set[tuple[str, str, str]],
    projects: Projects,
) -> None:
    rows, raw = _cells(v, "disbursements.csv")
    for row in raw:
        pair = _commitment_values(v, rows, row)
        values = {
            **pair,
            "project": ledger_project(rows, row, projects, pair["donor"], pair["recipient"]),
            "commitment": row.cells.get("commitment", ""),
            "date": rows.cell(row, "date", date_text, required=True),
            "amount": rows.cell(row, "amount", _money, required=True),
            "reference": row.cells.get("reference", ""),
            "request": rows.cell(row, "request", whole_text, required=False),
            "resource_type": v.resource(rows, row) if row.cells.get("request") else "",
            "status": rows.cell(
                row,
                "status",
                lambda t: choice_text(t, Disbursement.Status.values),
                required=False,
            )
            or "disbursed",
            "received_on": rows.cell(row, "received_on", date_text, required=False),
            "received_amount": rows.cell(row, "received_amount", _money, required=False),
            **_discrepancy(rows, row),
        }
        commitment = tuple(values[c] for c in ("donor", "recipient", "year", "kind"))
        if values["commitment"]:
            commitment += (values["commitment"],)
        if values["donor"] and values["recipient"] and commitment not in commitments:
            rows.fail(row, "year", "no matching commitment in commitments.csv")
        pledge = (values["request"], values["resource_type"], values["donor"])
        if values["request"] and pledge not in pledges:
            rows.fail(row, "request", "no matching pledge in pledges.csv (request, resource_type)")
        if values["status"] == "received" and not (
            values["received_on"] and values["received_amount"]
        ):
            rows.fail(
                row, "received_on", "a received disbursement needs received_on and received_amount"
            )
        v.keep("disbursements.csv", rows, row, values)


def _discrepancy(rows: _Rows, row: RawRow) -> dict[str, str]:
    """The optional discrepancy columns of a shipment or a disbursement row."""
    return {
        "discrepancy_kind": rows.cell(
            row,
            "discrepancy_kind",
            lambda t: choice_text(t, Discrepancy.Kind.values),
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


def _reports(v: Any, teams: set[tuple[str, str]]) -> None:
    rows, raw = _cells(v, "reports.csv")
    for row in raw:
        values = {
            "donor": v.participant(rows, row, "donor", "donor"),
            "team": rows.cell(row, "team", str, required=True),
            "date": rows.cell(row, "date", date_text, required=True),
            "shortages": row.cells.get("shortages", ""),
            **{f: rows.cell(row, f, whole_text, required=False) or "0" for f in REPORT_FIGURES},
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
    return any(parsed.tables.get(name) for name in OPERATIONS_SPECS)


def remove_layer(programme: Programme, *, illustrative: bool) -> None:
    """Delete this layer's operations rows (children first)."""
    remove_messages(programme, illustrative=illustrative)
    flag = {"illustrative": illustrative}
    scope: list[tuple[type[Model], dict[str, Any]]] = [
        (DailyReport, {"team__programme": programme, **flag}),
        (Contact, {"programme": programme, **flag}),
        (
            Discrepancy,
            {
                "shipment__pledge__line__request__programme": programme,
                "shipment__illustrative": illustrative,
            },
        ),
        (
            Discrepancy,
            {
                "disbursement__commitment__programme": programme,
                "disbursement__illustrative": illustrative,
            },
        ),
        (Disbursement, {"commitment__programme": programme, **flag}),
        (FundCommitment, {"programme": programme, **flag}),
        (Deployment, {"team__programme": programme, **flag}),
        (Shipment, {"pledge__line__request__programme": programme, **flag}),
        (Pledge, {"line__request__programme": programme, **flag}),
        (Offer, {"programme": programme, **flag}),  # its lines go with it
        (PushDelivery, {"programme": programme, **flag}),  # its events go with it
        (RequestLine, {"request__programme": programme, "request__illustrative": illustrative}),
        (Request, {"programme": programme, **flag}),
        (TeamMember, {"team__programme": programme, "team__illustrative": illustrative}),
        (Team, {"programme": programme, **flag}),
        (FacilitySnapshot, {"facility__programme": programme, **flag}),
        (Facility, {"programme": programme, **flag}),
    ]
    for model, where in scope:
        model._default_manager.filter(**where).delete()
    remove_projects(programme, illustrative=illustrative)  # once no ledger row names them


Who = Callable[[str, str], Participant]


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

    facilities = _write_facilities(tables, programme, who, flag)
    QueueEntry.objects.bulk_create(
        QueueEntry(
            recipient=who(q["recipient"], "recipient"),
            acuity=q["acuity"],
            waiting=int(q["waiting"]),
            recorded_at=datetime.datetime.fromisoformat(q["recorded_at"]),
            illustrative=flag,
        )
        for q in tables.get("community_queue.csv", [])
    )
    teams = _write_teams(tables, programme, who, resources, flag)
    lots = _write_offers(tables, programme, who, resources, flag)
    pledges = _write_ledger(tables, programme, who, resources, lots, flag)
    _write_push_deliveries(tables, programme, who, resources, flag)
    _write_deployments(tables, who, teams, facilities, pledges, flag)
    projects = write_projects(tables, programme, who, flag)
    _write_funds(tables, programme, who, pledges, projects, flag)
    for c in tables.get("contacts.csv", []):
        owner = who(c["participant"], c["participant_role"])
        team = teams.get((c["participant"], c["team"])) if c["team"] else None
        facility = facilities.get((c["participant"], c["facility"])) if c["facility"] else None
        Contact.objects.create(
            programme=programme,
            participant=owner if team is None and facility is None else None,
            team=team,
            facility=facility,
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
    write_messages(tables, programme, who, flag)
    progress("operations", sum(len(tables.get(name, [])) for name in OPERATIONS_SPECS))


def _count(text: str) -> int | None:
    return int(text) if text else None


def _text(count: int | None) -> str:
    return "" if count is None else str(count)


def _write_facilities(
    tables: dict[str, list[dict[str, str]]], programme: Programme, who: Who, flag: bool
) -> dict[tuple[str, str], Facility]:
    facilities = {}
    for f in tables.get("facilities.csv", []):
        facility = Facility.objects.create(
            programme=programme,
            recipient=who(f["recipient"], "recipient"),
            name=f["name"],
            kind=f["kind"],
            ventilators=_count(f["ventilators"]),
            illustrative=flag,
        )
        FacilityBeds.objects.bulk_create(
            FacilityBeds(facility=facility, bed_type=t, beds=int(f[capacity_column(t)]))
            for t in BED_TYPES
            if f[capacity_column(t)]
        )
        FacilityStaff.objects.bulk_create(
            FacilityStaff(facility=facility, profession=p, count=int(f[staff_column(p)]))
            for p in PROFESSIONS
            if f.get(staff_column(p))
        )
        facilities[(f["recipient"], f["name"])] = facility
    zone = programme.zone()
    for s in tables.get("facility_snapshots.csv", []):
        reported_at = datetime.datetime.fromisoformat(s["reported_at"])
        snapshot = FacilitySnapshot.objects.create(
            facility=facilities[(s["recipient"], s["facility"])],
            date=reported_at.astimezone(zone).date(),
            reported_at=reported_at,
            illustrative=flag,
        )
        SnapshotBeds.objects.bulk_create(
            SnapshotBeds(
                snapshot=snapshot,
                bed_type=t,
                open=_count(s[open_column(t)]),
                occupied=_count(s[occupied_column(t)]),
            )
            for t in BED_TYPES
            if s[open_column(t)] or s[occupied_column(t)]
        )
    return facilities


def _write_teams(
    tables: dict[str, list[dict[str, str]]],
    programme: Programme,
    who: Who,
    resources: dict[str, ResourceType],
    flag: bool,
) -> dict[tuple[str, str], Team]:
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
    return teams


def _write_deployments(
    tables: dict[str, list[dict[str, str]]],
    who: Who,
    teams: dict[tuple[str, str], Team],
    facilities: dict[tuple[str, str], Facility],
    pledges: dict[tuple[str, str, str], Pledge],
    flag: bool,
) -> None:
    deployments: dict[tuple[str, str, str], Deployment] = {}
    # Earlier starts first, so that a rotation finds the deployment it replaces.
    for d in sorted(tables.get("deployments.csv", []), key=lambda d: d["planned_start"]):
        replaced = (d["donor"], d["replaces_team"] or d["team"], d["replaces_start"])
        deployments[(d["donor"], d["team"], d["planned_start"])] = Deployment.objects.create(
            team=teams[(d["donor"], d["team"])],
            recipient=who(d["recipient"], "recipient"),
            facility=facilities.get((d["recipient"], d["facility"])),
            pledge=pledges.get((d["request"], d["resource_type"], d["donor"])),
            status=d["status"],
            planned_start=_required_day(d["planned_start"]),
            planned_end=_day(d["planned_end"]),
            dispatched_on=_day(d["dispatched_on"]),
            arrived_on=_day(d["arrived_on"]),
            ended_on=_day(d["ended_on"]),
            replaces=deployments.get(replaced) if d["replaces_start"] else None,
            overlap_days=int(d["overlap_days"]),
            illustrative=flag,
        )


def _write_discrepancy(row: dict[str, str], **receipt: Any) -> None:
    if row["discrepancy_kind"]:
        Discrepancy.objects.create(
            kind=row["discrepancy_kind"],
            quantity=Decimal(row["discrepancy_quantity"] or "0"),
            note=row["discrepancy_note"],
            **receipt,
        )


def _write_funds(
    tables: dict[str, list[dict[str, str]]],
    programme: Programme,
    who: Who,
    pledges: dict[tuple[str, str, str], Pledge],
    projects: dict[str, Project],
    flag: bool,
) -> None:
    commitments: dict[tuple[str, ...], FundCommitment] = {}
    for c in tables.get("commitments.csv", []):
        commitment = FundCommitment.objects.create(
            programme=programme,
            donor=who(c["donor"], "donor"),
            recipient=who(c["recipient"], "recipient"),
            year=int(c["year"]),
            kind=c["kind"],
            amount=Decimal(c["amount"]),
            description=c["description"],
            project=projects.get(c["project"]),
            illustrative=flag,
        )
        pair = (c["donor"], c["recipient"], c["year"], c["kind"])
        commitments.setdefault(pair, commitment)  # a row without `commitment` means the first
        commitments[(*pair, c["description"])] = commitment
    for d in tables.get("disbursements.csv", []):
        pair = (d["donor"], d["recipient"], d["year"], d["kind"])
        disbursement = Disbursement.objects.create(
            commitment=commitments[(*pair, d["commitment"]) if d["commitment"] else pair],
            pledge=pledges.get((d["request"], d["resource_type"], d["donor"])),
            date=_required_day(d["date"]),
            amount=Decimal(d["amount"]),
            reference=d["reference"],
            status=d["status"],
            received_on=_day(d["received_on"]),
            received_amount=Decimal(d["received_amount"]) if d["received_amount"] else None,
            project=projects.get(d["project"]),
            illustrative=flag,
        )
        _write_discrepancy(d, disbursement=disbursement)


def _write_offers(
    tables: dict[str, list[dict[str, str]]],
    programme: Programme,
    who: Who,
    resources: dict[str, ResourceType],
    flag: bool,
) -> dict[tuple[str, str], OfferLine]:
    """The offers, each made by its first row (the others repeat it), and their lots by
    (number, resource_type)."""
    offers: dict[str, Offer] = {}
    lots = {}
    for row in tables.get("offers.csv", []):
        offer = offers.get(row["number"])
        if offer is None:
            offer = offers[row["number"]] = Offer.objects.create(
                programme=programme,
                donor=who(row["donor"], "donor"),
                number=int(row["number"]),
                available_from=_required_day(row["available_from"]),
                available_until=_day(row["available_until"]),
                standing=row["standing"],
                note=row["note"],
                illustrative=flag,
            )
        lots[(row["number"], row["resource_type"])] = OfferLine.objects.create(
            offer=offer,
            resource_type=resources[row["resource_type"]],
            quantity=Decimal(row["quantity"]),
            max_takes=int(row["max_takes"]),
        )
    return lots


def _write_push_deliveries(
    tables: dict[str, list[dict[str, str]]],
    programme: Programme,
    who: Who,
    resources: dict[str, ResourceType],
    flag: bool,
) -> None:
    """The push deliveries in number order, so that a redirect finds the delivery it carries
    on. A bundle holds their state, not their steps: no events are made up for them."""
    made: dict[str, PushDelivery] = {}
    moment = programme.now()
    for row in sorted(tables.get("push_deliveries.csv", []), key=lambda r: int(r["number"])):
        made[row["number"]] = PushDelivery.objects.create(
            programme=programme,
            number=int(row["number"]),
            donor=who(row["donor"], "donor"),
            recipient=who(row["recipient"], "recipient"),
            resource_type=resources[row["resource_type"]],
            quantity=Decimal(row["quantity"]),
            dispatched_on=_required_day(row["dispatched_on"]),
            accepted_on=_day(row["accepted_on"]),
            status=row["status"],
            note=row["note"],
            redirected_from=made.get(row["redirected_from"]),
            updated_at=moment,
            illustrative=flag,
        )


def _write_ledger(
    tables: dict[str, list[dict[str, str]]],
    programme: Programme,
    who: Who,
    resources: dict[str, ResourceType],
    lots: dict[tuple[str, str], OfferLine],
    flag: bool,
) -> dict[tuple[str, str, str], Pledge]:
    from django.conf import settings

    requests = {}
    for r in tables.get("requests.csv", []):
        raised = _required_day(r["raised_on"])
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
            status=p["status"],
            note=p["note"],
            from_offer=lots.get((p["offer"], p["resource_type"])) if p["offer"] else None,
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
        _write_discrepancy(s, shipment=shipment)
    return pledges
