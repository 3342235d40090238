"""Format 4 tables of a bundle: projects under pairings (projects.csv), their budget by funding
source, their results and their expenditures; the `project` column of commitments.csv and
disbursements.csv makes ledger rows a project's (money counted once). Validated with the rest
of the bundle, written in the operations layer, read back by `export_projects`."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from pairaid.errors import Problem
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Participant, Programme
from pairaid.projects import sectors
from pairaid.projects.models import BudgetLine, Expenditure, FundingSource, Project, ResultIndicator
from pairaid.registry.models import Region
from pairaid.scenarios.tables import (
    SINCE_FORMAT_4,
    canonical_decimal,
    choice_text,
    date_text,
    decimal_text,
    whole_text,
)
from pairaid.scenarios.validate import RawRow, _Rows

Status = Project.Status
STATUS_CODES = [str(s.value) for s in Status]
HANDED_OVER = (str(Status.FINALISATION.value), str(Status.CLOSED.value))
# The statuses whose work began: a project in the pipeline has no start, results or spending.
BEGUN = [str(s.value) for s in Status if s != Status.PIPELINE]
Projects = dict[str, tuple[str, str, str]]  # number -> (donor, recipient, status)


def _money(text: str) -> str:
    return decimal_text(text, minimum=Decimal(0), places=2)


def refuse_before_format_4(v: Any) -> None:
    """The projects' tables came with format 4: an earlier bundle naming them is told so."""
    for name in SINCE_FORMAT_4:
        if v.raw.tables.get(name):
            v.problems.append(
                Problem(
                    f"needs format_version 4 (the manifest says {v.parsed.format_version})",
                    file=name,
                )
            )


def check_projects(v: Any) -> Projects:
    """Validate projects.csv and the tables that name its projects; returns the projects."""
    if v.parsed.format_version < 4:
        refuse_before_format_4(v)
        return {}
    found = _projects(v)
    _budgets(v, found)
    _results(v, found)
    _expenditures(v, found)
    return found


def _pairs(v: Any) -> set[tuple[str, str]]:
    """The decided pairs a project may belong to: the bundle's, or its base programme's."""
    pairs = {
        (r.values["donor"], r.values["recipient"])
        for r in v.parsed.tables.get("pairings.csv", {}).values()
        if r.values.get("status") != Pairing.Status.PROPOSED
    }
    pairings = (
        Pairing.objects.of_record()
        .filter(programme__slug=v.parsed.programme_slug)
        .select_related("donor__region__parent", "recipient__region__parent")
    )
    pairs |= {(p.donor.region.reference, p.recipient.region.reference) for p in pairings}
    return pairs


def _inside(v: Any, place: str, region: str) -> bool:
    """Whether the place is the region or lies inside it, by the parents the bundle and the
    registry record."""
    seen: set[str] = set()
    while place and place not in seen:
        if place == region:
            return True
        seen.add(place)
        place = v.regions.get(place, {}).get("parent", "")
    return False


def _projects(v: Any) -> Projects:
    rows, raw = v.table("projects.csv")
    pairs = _pairs(v) if raw else set()
    found: Projects = {}
    for row in raw:
        values = {
            "number": rows.cell(row, "number", whole_text, required=True),
            "donor": v.participant(rows, row, "donor", "donor"),
            "recipient": v.participant(rows, row, "recipient", "recipient"),
            "title": rows.cell(row, "title", str, required=True),
            "sector": rows.cell(
                row, "sector", lambda t: choice_text(t, list(sectors.BY_CODE)), required=True
            ),
            "location": v.region(rows, row, "location"),
            "status": rows.cell(
                row, "status", lambda t: choice_text(t, STATUS_CODES), required=False
            )
            or str(Status.PIPELINE.value),
            **{
                column: rows.cell(row, column, date_text, required=False)
                for column in (
                    "planned_start",
                    "planned_end",
                    "actual_start",
                    "handed_over_on",
                    "handover_confirmed_on",
                )
            },
            "receiving_body": row.cells.get("receiving_body", ""),
            "description": row.cells.get("description", ""),
        }
        pair = (values["donor"], values["recipient"])
        if all(pair) and pair not in pairs:
            rows.fail(row, "recipient", f"{pair[0]} is not paired with {pair[1]} in this programme")
        place, recipient = values["location"], values["recipient"]
        if place and recipient and not _inside(v, place, recipient):
            rows.fail(row, "location", f"not in the recipient's region {values['recipient']}")
        _check_state(rows, row, values)
        found[values["number"]] = (values["donor"], values["recipient"], values["status"])
        v.keep("projects.csv", rows, row, values)
    return found


def _check_state(rows: _Rows, row: RawRow, values: dict[str, str]) -> None:
    """A handed-over project (3 or 4) says when and to whom; a confirmed one (4) when it was
    confirmed, not before the hand-over; no other project carries these dates."""
    handed_over = values["status"] in HANDED_OVER
    for column in ("handed_over_on", "receiving_body"):
        if handed_over and not values[column]:
            rows.fail(
                row, column, f"expected for a handed-over project (status {values['status']})"
            )
        elif values[column] and not handed_over:
            rows.fail(row, column, f"expected none: status {values['status']} is not handed over")
    closed = values["status"] == str(Status.CLOSED.value)
    confirmed = values["handover_confirmed_on"]
    if closed and not confirmed:
        rows.fail(row, "handover_confirmed_on", "expected for a closed project (status 4)")
    elif confirmed and not closed:
        rows.fail(row, "handover_confirmed_on", "expected none: only a closed project (4) has it")
    elif confirmed and values["handed_over_on"] and confirmed < values["handed_over_on"]:
        rows.fail(row, "handover_confirmed_on", "expected on or after handed_over_on")
    if values["actual_start"] and values["status"] not in BEGUN:
        rows.fail(row, "actual_start", "expected none: a project in the pipeline has not started")


def _project(rows: _Rows, row: RawRow, found: Projects) -> str:
    number = rows.cell(row, "project", whole_text, required=True)
    if number and number not in found:
        rows.fail(row, "project", f"no project {number} in projects.csv")
        return ""
    return number


def _begun(rows: _Rows, row: RawRow, found: Projects, number: str, what: str) -> None:
    if number and found[number][2] not in BEGUN:
        rows.fail(row, "project", f"project {number} is in the pipeline: it has no {what} yet")


def _budgets(v: Any, found: Projects) -> None:
    rows, raw = v.table("project_budgets.csv")
    for row in raw:
        values = {
            "project": _project(rows, row, found),
            "funding_source": rows.cell(
                row,
                "funding_source",
                lambda t: choice_text(t, FundingSource.values),
                required=True,
            ),
            "amount": rows.cell(row, "amount", _money, required=True),
        }
        v.keep("project_budgets.csv", rows, row, values)


def _results(v: Any, found: Projects) -> None:
    rows, raw = v.table("project_results.csv")
    for row in raw:
        values = {
            "project": _project(rows, row, found),
            "name": rows.cell(row, "name", str, required=True),
            "unit": rows.cell(row, "unit", str, required=True),
            "baseline": rows.cell(row, "baseline", _money, required=True),
            "target": rows.cell(row, "target", _money, required=True),
            "actual": rows.cell(row, "actual", _money, required=False),
            "actual_on": rows.cell(row, "actual_on", date_text, required=False),
        }
        if values["actual"]:
            _begun(rows, row, found, values["project"], "actual results")
        if bool(values["actual"]) != bool(values["actual_on"]):
            rows.fail(row, "actual_on", "an actual value and its date go together")
        v.keep("project_results.csv", rows, row, values)


def _expenditures(v: Any, found: Projects) -> None:
    rows, raw = v.table("project_expenditures.csv")
    for row in raw:
        values = {
            "project": _project(rows, row, found),
            "date": rows.cell(row, "date", date_text, required=True),
            "amount": rows.cell(
                row, "amount", lambda t: decimal_text(t, minimum=Decimal("0.01"), places=2),
                required=True,
            ),
            "description": row.cells.get("description", ""),
        }  # fmt: skip
        _begun(rows, row, found, values["project"], "expenditure")
        v.keep("project_expenditures.csv", rows, row, values)


def ledger_project(rows: _Rows, row: RawRow, found: Projects, donor: str, recipient: str) -> str:
    """The `project` a commitment or disbursement row names: a project of the same pair."""
    number = row.cells.get("project", "")
    if not number:
        return ""
    if number not in found:
        rows.fail(row, "project", f"no project {number} in projects.csv")
        return ""
    if found[number][:2] != (donor, recipient):
        rows.fail(row, "project", f"project {number} is of another donor or recipient")
    return number


def _day(text: str) -> date | None:
    return date.fromisoformat(text) if text else None


def write_projects(
    tables: dict[str, list[dict[str, str]]],
    programme: Programme,
    who: Callable[[str, str], Participant],
    flag: bool,
) -> dict[str, Project]:
    """Create the bundle's projects (their state, not their steps), budgets, results and
    expenditures; returns the projects by number, for the ledger rows that name them."""
    rows = tables.get("projects.csv", [])
    if not rows:
        return {}
    places = {r.reference: r for r in Region.objects.select_related("parent")}
    pairings = {
        (p.donor_id, p.recipient_id): p
        for p in Pairing.objects.of_record()
        .filter(programme=programme)
        .order_by("valid_from", "pk")
    }
    made: dict[str, Project] = {}
    for row in rows:
        donor, recipient = who(row["donor"], "donor"), who(row["recipient"], "recipient")
        made[row["number"]] = Project.objects.create(
            programme=programme,
            pairing=pairings[(donor.pk, recipient.pk)],
            title=row["title"],
            sector=row["sector"],
            location=places[row["location"]],
            status=int(row["status"]),
            planned_start=_day(row["planned_start"]),
            planned_end=_day(row["planned_end"]),
            actual_start=_day(row["actual_start"]),
            handed_over_on=_day(row["handed_over_on"]),
            receiving_body=row["receiving_body"],
            handover_confirmed_on=_day(row["handover_confirmed_on"]),
            description=row["description"],
            illustrative=flag,
        )
    for b in tables.get("project_budgets.csv", []):
        BudgetLine.objects.create(
            project=made[b["project"]],
            funding_source=b["funding_source"],
            amount=Decimal(b["amount"]),
            illustrative=flag,
        )
    for r in tables.get("project_results.csv", []):
        ResultIndicator.objects.create(
            project=made[r["project"]],
            name=r["name"],
            unit=r["unit"],
            baseline=Decimal(r["baseline"]),
            target=Decimal(r["target"]),
            actual=Decimal(r["actual"]) if r["actual"] else None,
            actual_on=_day(r["actual_on"]),
            illustrative=flag,
        )
    for e in tables.get("project_expenditures.csv", []):
        Expenditure.objects.create(
            project=made[e["project"]],
            date=date.fromisoformat(e["date"]),
            amount=Decimal(e["amount"]),
            description=e["description"],
            illustrative=flag,
        )
    return made


def remove_projects(programme: Programme, *, illustrative: bool) -> None:
    """Delete this layer's projects and what hangs on them (after the ledger rows naming them)."""
    flag = {"project__programme": programme, "project__illustrative": illustrative}
    Expenditure.objects.filter(**flag).delete()
    ResultIndicator.objects.filter(**flag).delete()
    BudgetLine.objects.filter(**flag).delete()
    Project.objects.filter(programme=programme, illustrative=illustrative).delete()


def export_projects(programme: Programme, flag: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    """The programme's projects and their tables, numbered in id order (the bundle's numbers)."""
    found = Project.objects.filter(programme=programme, **flag).select_related(
        "pairing__donor__region__parent",
        "pairing__recipient__region__parent",
        "location__parent",
    )
    numbers = project_numbers(programme, flag)

    def text(value: object) -> str:
        return "" if value is None else str(value)

    projects = [
        {
            "number": numbers[p.pk],
            "donor": p.pairing.donor.region.reference,
            "recipient": p.pairing.recipient.region.reference,
            "title": p.title,
            "sector": p.sector,
            "location": p.location.reference,
            "status": str(p.status),
            "planned_start": text(p.planned_start),
            "planned_end": text(p.planned_end),
            "actual_start": text(p.actual_start),
            "handed_over_on": text(p.handed_over_on),
            "receiving_body": p.receiving_body,
            "handover_confirmed_on": text(p.handover_confirmed_on),
            "description": p.description,
        }
        for p in found.order_by("pk")
    ]
    scope = {"project__in": found}
    return {
        "projects.csv": projects,
        "project_budgets.csv": [
            {"project": numbers[b.project_id], "funding_source": b.funding_source,
             "amount": canonical_decimal(b.amount)}
            for b in BudgetLine.objects.filter(**scope).order_by("project", "funding_source")
        ],
        "project_results.csv": [
            {"project": numbers[r.project_id], "name": r.name, "unit": r.unit,
             "baseline": canonical_decimal(r.baseline), "target": canonical_decimal(r.target),
             "actual": canonical_decimal(r.actual) if r.actual is not None else "",
             "actual_on": text(r.actual_on)}
            for r in ResultIndicator.objects.filter(**scope).order_by("project", "pk")
        ],
        "project_expenditures.csv": [
            {"project": numbers[e.project_id], "date": str(e.date),
             "amount": canonical_decimal(e.amount), "description": e.description}
            for e in Expenditure.objects.filter(**scope).order_by("project", "date", "pk")
        ],
    }  # fmt: skip


def project_numbers(programme: Programme, flag: dict[str, Any]) -> dict[int, str]:
    """Each exported project's number (as `export_projects` numbers them), by id."""
    found = Project.objects.filter(programme=programme, **flag).order_by("pk")
    return {pk: str(n) for n, pk in enumerate(found.values_list("pk", flat=True), start=1)}
