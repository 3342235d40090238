"""The programme's operations in the canonical form of the format-2 tables, for export: what
`operations_tables` validates and writes, read back so that export → load reproduces it."""

from typing import Any

from django.db.models import Prefetch

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import PROFESSIONS
from pairaid.operations.bed_columns import (
    capacity_column,
    occupied_column,
    open_column,
    staff_column,
)
from pairaid.operations.models import (
    Contact,
    DailyReport,
    Deployment,
    Disbursement,
    Facility,
    FacilitySnapshot,
    FundCommitment,
    Offer,
    Pledge,
    PushDelivery,
    QueueEntry,
    Request,
    RequestLine,
    Shipment,
    Team,
)
from pairaid.programmes.models import Programme
from pairaid.scenarios import project_tables
from pairaid.scenarios.message_tables import export_messages
from pairaid.scenarios.operations_tables import REPORT_FIGURES
from pairaid.scenarios.snapshot import Tables, _keyed, _text

REGION = "region__parent"


def operations_tables(programme: Programme, *, illustrative: bool | None) -> Tables:
    """Every format-2 table of the programme; `illustrative` None means facts and examples."""
    flag: dict[str, Any] = {} if illustrative is None else {"illustrative": illustrative}
    readers = {
        "facilities.csv": _facilities,
        "facility_snapshots.csv": _snapshots,
        "community_queue.csv": _community_queue,
        "teams.csv": _teams,
        "deployments.csv": _deployments,
        "requests.csv": _requests,
        "request_lines.csv": _lines,
        "offers.csv": _offers,
        "push_deliveries.csv": _push_deliveries,
        "pledges.csv": _pledges,
        "shipments.csv": _shipments,
        "commitments.csv": _commitments,
        "disbursements.csv": _disbursements,
        "contacts.csv": _contacts,
        "reports.csv": _reports,
        "messages.csv": export_messages,
    }
    tables = {name: _keyed(name, read(programme, flag)) for name, read in readers.items()}
    for name, rows in project_tables.export_projects(programme, flag).items():
        tables[name] = _keyed(name, rows)
    return tables


def _ref(participant: Any) -> str:
    return str(participant.region.reference)


def _facilities(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = (
        Facility.objects.filter(programme=programme, **flag)
        .select_related(f"recipient__{REGION}")
        .prefetch_related("bed_counts", "own_staff")
    )
    rows = []
    for f in found:
        counts = {c.bed_type: c.beds for c in f.bed_counts.all()}
        staff = {s.profession: s.count for s in f.own_staff.all()}
        rows.append(
            {
                "recipient": _ref(f.recipient),
                "name": f.name,
                "kind": f.kind,
                "ventilators": _text(f.ventilators),
                **{capacity_column(t): _text(counts.get(t)) for t in BED_TYPES},
                **{staff_column(p): _text(staff.get(p)) for p in PROFESSIONS},
            }
        )
    return rows


def _snapshots(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = (
        FacilitySnapshot.objects.filter(facility__programme=programme, **flag)
        .select_related(f"facility__recipient__{REGION}")
        .prefetch_related("beds")
    )
    zone = programme.zone()
    rows = []
    for s in found:
        figures = {b.bed_type: b for b in s.beds.all()}
        row = {
            "recipient": _ref(s.facility.recipient),
            "facility": s.facility.name,
            "reported_at": s.reported_at.astimezone(zone).isoformat(),
        }
        for t in BED_TYPES:
            b = figures.get(t)
            row[open_column(t)] = _text(b.open if b else None)
            row[occupied_column(t)] = _text(b.occupied if b else None)
        rows.append(row)
    return rows


def _community_queue(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = QueueEntry.objects.filter(recipient__programme=programme, **flag).select_related(
        f"recipient__{REGION}"
    )
    zone = programme.zone()
    return [
        {
            "recipient": _ref(q.recipient),
            "acuity": q.acuity,
            "waiting": str(q.waiting),
            "recorded_at": q.recorded_at.astimezone(zone).isoformat(),
        }
        for q in found
    ]


def _teams(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = (
        Team.objects.filter(programme=programme, **flag)
        .select_related(f"donor__{REGION}")
        .prefetch_related("members__resource_type")
    )
    return [
        {
            "donor": _ref(t.donor),
            "name": t.name,
            "members": ";".join(
                f"{m.resource_type.code}:{m.count}" for m in t.members.order_by("pk")
            ),
            "emt_type": t.emt_type,
            "leader": t.leader,
            "home_institution": t.home_institution,
        }
        for t in found
    ]


def _pledge_columns(pledge: Pledge | None) -> dict[str, str]:
    """The columns naming a pledge: its request and line's resource (its donor is the row's)."""
    if pledge is None:
        return {"request": "", "resource_type": ""}
    return {
        "request": str(pledge.line.request.number),
        "resource_type": pledge.line.resource_type.code,
    }


def _deployments(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = Deployment.objects.filter(team__programme=programme, **flag).select_related(
        f"team__donor__{REGION}",
        f"recipient__{REGION}",
        "facility",
        "replaces__team",
        "pledge__line__request",
        "pledge__line__resource_type",
    )
    rows = []
    for d in found:
        replaced = d.replaces
        rows.append(
            {
                "donor": _ref(d.team.donor),
                "team": d.team.name,
                "recipient": _ref(d.recipient),
                "facility": d.facility.name if d.facility else "",
                "status": d.status,
                "planned_start": _text(d.planned_start),
                "planned_end": _text(d.planned_end),
                "dispatched_on": _text(d.dispatched_on),
                "arrived_on": _text(d.arrived_on),
                "ended_on": _text(d.ended_on),
                "replaces_start": _text(replaced.planned_start) if replaced else "",
                "replaces_team": replaced.team.name
                if replaced and replaced.team_id != d.team_id
                else "",
                "overlap_days": str(d.overlap_days),
                **_pledge_columns(d.pledge),
            }
        )
    return rows


def _requests(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = Request.objects.filter(programme=programme, **flag).select_related(
        f"recipient__{REGION}"
    )
    return [
        {
            "number": str(r.number),
            "recipient": _ref(r.recipient),
            "raised_on": _text(r.raised_on),
            "expires_on": _text(r.expires_on),
            "status": r.status,
            "note": r.note,
        }
        for r in found
    ]


def _lines(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    where = {f"request__{k}": v for k, v in flag.items()}
    found = RequestLine.objects.filter(request__programme=programme, **where).select_related(
        "request", "resource_type"
    )
    return [
        {
            "request": str(line.request.number),
            "resource_type": line.resource_type.code,
            "quantity": _text(line.quantity),
            "priority": line.priority,
            "needed_by": _text(line.needed_by),
        }
        for line in found
    ]


def _offers(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    """One row per lot, each repeating its offer's own columns."""
    found = (
        Offer.objects.filter(programme=programme, **flag)
        .select_related(f"donor__{REGION}")
        .prefetch_related("lines__resource_type")
    )
    return [
        {
            "number": str(o.number),
            "donor": _ref(o.donor),
            "available_from": _text(o.available_from),
            "available_until": _text(o.available_until),
            "standing": o.standing,
            "resource_type": line.resource_type.code,
            "quantity": _text(line.quantity),
            "max_takes": str(line.max_takes),
            "note": o.note,
        }
        for o in found
        for line in o.lines.all()
    ]


def _push_deliveries(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = PushDelivery.objects.filter(programme=programme, **flag).select_related(
        f"donor__{REGION}", f"recipient__{REGION}", "resource_type", "redirected_from"
    )
    return [
        {
            "number": str(d.number),
            "donor": _ref(d.donor),
            "recipient": _ref(d.recipient),
            "resource_type": d.resource_type.code,
            "quantity": _text(d.quantity),
            "dispatched_on": _text(d.dispatched_on),
            "status": d.status,
            "accepted_on": _text(d.accepted_on),
            "redirected_from": str(d.redirected_from.number) if d.redirected_from else "",
            "note": d.note,
        }
        for d in found
    ]


def _pledges(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = Pledge.objects.filter(line__request__programme=programme, **flag).select_related(
        f"donor__{REGION}", "line__request", "line__resource_type", "from_offer__offer"
    )
    return [
        {
            **_pledge_columns(p),
            "donor": _ref(p.donor),
            "quantity": _text(p.quantity),
            "pledged_on": _text(p.pledged_on),
            "status": p.status,
            "note": p.note,
            "offer": str(p.from_offer.offer.number) if p.from_offer else "",
        }
        for p in found
    ]


def _discrepancy_columns(receipt: Shipment | Disbursement) -> dict[str, str]:
    """The first discrepancy of a receipt (the bundle format keeps one per row)."""
    first = next(iter(receipt.discrepancies.all()), None)
    return {
        "discrepancy_kind": first.kind if first else "",
        "discrepancy_quantity": _text(first.quantity) if first else "",
        "discrepancy_note": first.note if first else "",
    }


def _shipments(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = (
        Shipment.objects.filter(pledge__line__request__programme=programme, **flag)
        .select_related(
            f"pledge__donor__{REGION}", "pledge__line__request", "pledge__line__resource_type"
        )
        .prefetch_related(Prefetch("discrepancies"))
    )
    return [
        {
            **_pledge_columns(s.pledge),
            "donor": _ref(s.pledge.donor),
            "quantity": _text(s.quantity),
            "status": s.status,
            "dispatched_on": _text(s.dispatched_on),
            "reference": s.reference,
            "received_on": _text(s.received_on),
            "received_quantity": _text(s.received_quantity),
            "value_cny": _text(s.value_cny),
            **_discrepancy_columns(s),
        }
        for s in found
    ]


def _commitment_columns(c: FundCommitment) -> dict[str, str]:
    return {
        "donor": _ref(c.donor),
        "recipient": _ref(c.recipient),
        "year": str(c.year),
        "kind": c.kind,
    }


def _commitments(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = FundCommitment.objects.filter(programme=programme, **flag).select_related(
        f"donor__{REGION}", f"recipient__{REGION}"
    )
    numbers = project_tables.project_numbers(programme, flag)
    return [
        {
            **_commitment_columns(c),
            "amount": _text(c.amount),
            "description": c.description,
            "project": numbers.get(c.project_id or 0, ""),
        }
        for c in found.order_by("pk")
    ]


def _disbursements(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = (
        Disbursement.objects.filter(commitment__programme=programme, **flag)
        .select_related(
            f"commitment__donor__{REGION}",
            f"commitment__recipient__{REGION}",
            "pledge__line__request",
            "pledge__line__resource_type",
        )
        .prefetch_related("discrepancies")
    )
    numbers = project_tables.project_numbers(programme, flag)
    return [
        {
            **_commitment_columns(d.commitment),
            "commitment": d.commitment.description,
            "date": _text(d.date),
            "amount": _text(d.amount),
            "reference": d.reference,
            **_pledge_columns(d.pledge),
            "status": d.status,
            "received_on": _text(d.received_on),
            "received_amount": _text(d.received_amount),
            **_discrepancy_columns(d),
            "project": numbers.get(d.project_id or 0, ""),
        }
        for d in found
    ]


def _contacts(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = Contact.objects.filter(programme=programme, **flag).select_related(
        f"participant__{REGION}", f"team__donor__{REGION}", f"facility__recipient__{REGION}"
    )
    rows = []
    for c in found:
        if c.team is not None:
            owner, role = c.team.donor, "donor"
        elif c.facility is not None:
            owner, role = c.facility.recipient, "recipient"
        else:
            assert c.participant is not None
            owner, role = c.participant, c.participant.role
        rows.append(
            {
                "participant": _ref(owner),
                "participant_role": role,
                "team": c.team.name if c.team else "",
                "facility": c.facility.name if c.facility else "",
                "name": c.name,
                "role": c.role,
                "phone": c.phone,
                "email": c.email,
            }
        )
    return rows


def _reports(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    found = DailyReport.objects.filter(team__programme=programme, **flag).select_related(
        f"team__donor__{REGION}"
    )
    return [
        {
            "donor": _ref(r.team.donor),
            "team": r.team.name,
            "date": _text(r.date),
            **{f: str(getattr(r, f)) for f in REPORT_FIGURES},
            "shortages": r.shortages,
        }
        for r in found
    ]
