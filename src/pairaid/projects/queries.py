"""Reads of projects: a project's transactions (the funds ledger's rows, IATI types 2, 3, 4),
its money and results at a glance, and the 3W view ("who does what where", OCHA): sector ×
place × donor, with the gaps (declared needs no project answers)."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum
from django.utils.translation import gettext

from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.operations.queries.requests import requested_as_of
from pairaid.pairing import levels
from pairaid.pairing.models import Pairing
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant, Programme
from pairaid.projects import sectors
from pairaid.projects.models import Expenditure, Project
from pairaid.registry.models import Region

ZERO = Decimal(0)
Status = Project.Status
# IATI's TransactionType codes of the three kinds a project's money takes.
COMMITMENT, DISBURSEMENT, EXPENDITURE = 2, 3, 4
# A project that answers a need: any but a cancelled one.
ANSWERING = [s for s in Status if s != Status.CANCELLED]
HANDED_OVER = (Status.FINALISATION, Status.CLOSED)


@dataclass(frozen=True)
class Transaction:
    """One of the project's transactions, as the ledger holds it: `row` is the ledger row's id
    (a commitment's, a disbursement's or an expenditure's)."""

    type_code: int
    row: int
    amount: Decimal
    date: datetime.date | None  # a commitment has a year, not a day
    year: int
    received: bool | None = None  # a disbursement: confirmed by the recipient


def transactions(project: Project) -> list[Transaction]:
    """The project's commitments, disbursements and expenditures, in that order, each by date."""
    rows = [
        Transaction(COMMITMENT, c.pk, c.amount, None, c.year)
        for c in FundCommitment.objects.filter(project=project).order_by("year", "pk")
    ]
    rows += [
        Transaction(
            DISBURSEMENT, d.pk, d.amount, d.date, d.date.year, d.status == d.Status.RECEIVED
        )
        for d in Disbursement.objects.filter(project=project).order_by("date", "pk")
    ]
    rows += [
        Transaction(EXPENDITURE, e.pk, e.amount, e.date, e.date.year)
        for e in Expenditure.objects.filter(project=project).order_by("date", "pk")
    ]
    return rows


@dataclass(frozen=True)
class Money:
    budget: Decimal
    committed: Decimal
    disbursed: Decimal
    spent: Decimal


def _sums(rows: QuerySet[Project], path: str) -> dict[int, Decimal]:
    return {
        pk: total or ZERO
        for pk, total in rows.values("pk").annotate(total=Sum(path)).values_list("pk", "total")
    }


def money(projects: QuerySet[Project]) -> dict[int, Money]:
    """Each project's budget (all funding sources), and what the ledger holds for it: one sum
    per kind, each ledger row counted once."""
    budget = _sums(projects, "budget_lines__amount")
    committed = _sums(projects, "commitments__amount")
    disbursed = _sums(projects, "disbursements__amount")
    spent = _sums(projects, "expenditures__amount")
    return {pk: Money(budget[pk], committed[pk], disbursed[pk], spent[pk]) for pk in budget}


MONEY_KINDS = ("budget", "committed", "disbursed", "spent")


def money_by_pairing(
    programme: Programme, *, include_illustrative: bool = True
) -> list[levels.FamilyRow]:
    """The projects' money by pairing, each parent's with its children's added (`levels`): a
    child's project counts in its own row and once in its parent's total."""
    found = projects(programme, include_illustrative=include_illustrative)
    sums = money(found)
    own: dict[int, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(MONEY_KINDS, ZERO))
    for project_id, pairing_id in found.values_list("pk", "pairing_id"):
        for kind in MONEY_KINDS:
            own[pairing_id][kind] += getattr(sums[project_id], kind)
    return levels.family_rows(programme.pk, own, MONEY_KINDS)


def projects(
    programme: Programme,
    *,
    sector: str | None = None,
    status: int | None = None,
    include_illustrative: bool = True,
) -> QuerySet[Project]:
    found = Project.objects.filter(programme=programme).select_related(
        "pairing__donor__region", "pairing__recipient__region", "location__parent__parent"
    )
    if sector:
        found = found.filter(sector=sector)
    if status:
        found = found.filter(status=status)
    if not include_illustrative:
        found = found.filter(illustrative=False)
    return found.order_by("pk")


# The administrative level of each region level in the 3W's place columns (#adm1…#adm4): a
# county directly under its province leaves the prefecture empty; a township, a code-less area
# under its county, is the fourth.
ADMIN_LEVELS = {
    Region.Level.PROVINCE: 1,
    Region.Level.PREFECTURE: 2,
    Region.Level.COUNTY: 3,
    Region.Level.AREA: 4,
}


def admin_places(place: Region) -> dict[int, Region]:
    """The place and the regions above it, by administrative level (1 province … 4 township)."""
    found: dict[int, Region] = {}
    node: Region | None = place
    while node is not None:
        level = ADMIN_LEVELS.get(Region.Level(node.level))
        if level is not None and level not in found:
            found[level] = node
        node = node.parent
    return found


@dataclass
class Cell:
    """One cell of the 3W: a donor's projects of a sector in a place."""

    sector: sectors.Sector
    place: Region
    donor: Participant
    projects: int = 0
    handed_over: int = 0
    budget: Decimal = ZERO
    disbursed: Decimal = ZERO
    illustrative: bool = False

    @property
    def progress(self) -> float:
        """The share of the cell's projects handed over (IATI 3 or 4)."""
        return self.handed_over / self.projects if self.projects else 0.0


def three_w(
    programme: Programme,
    *,
    sector: str | None = None,
    status: int | None = None,
    include_illustrative: bool = True,
) -> list[Cell]:
    """Who does what where: one cell per (sector, place, donor) with projects, sorted by
    sector, place and donor. A cell with any illustrative project is illustrative."""
    found = projects(
        programme, sector=sector, status=status, include_illustrative=include_illustrative
    )
    sums = money(found)
    cells: dict[tuple[str, int, int], Cell] = {}
    for project in found:
        donor = project.pairing.donor
        key = (project.sector, project.location_id, donor.pk)
        cell = cells.get(key) or cells.setdefault(
            key, Cell(sectors.BY_CODE[project.sector], project.location, donor)
        )
        cell.projects += 1
        cell.handed_over += project.status in HANDED_OVER
        cell.budget += sums[project.pk].budget
        cell.disbursed += sums[project.pk].disbursed
        cell.illustrative |= project.illustrative
    order = {s.code: i for i, s in enumerate(sectors.SECTORS)}
    return sorted(
        cells.values(),
        key=lambda c: (order[c.sector.code], c.place.code, c.place.name_en, c.donor.region.code),
    )


@dataclass
class Gap:
    """A declared need of a recipient that no project of the sector answers: the resources
    whose need lines or requests declared it."""

    sector: sectors.Sector
    recipient: Participant
    resources: list[str] = field(default_factory=list)


def gaps(programme: Programme, on: datetime.date) -> list[Gap]:
    """Declared needs (a need line or a live request at the date, of a resource a sector's
    projects answer) of a recipient with no project of that sector in its region. An empty
    3W cell alone is not a gap: only a declared need makes one."""
    declared: set[tuple[int, str]] = {
        (key.participant_id, key.resource_code)
        for key, picked in programme_services.needs_as_of(programme=programme, on=on).items()
        if picked.line.quantity > 0
    }
    declared |= {key for key, asked in requested_as_of(programme, on).items() if asked > 0}
    answered = set(
        Project.objects.filter(programme=programme, status__in=ANSWERING).values_list(
            "pairing__recipient_id", "sector"
        )
    )
    found: dict[tuple[str, int], list[str]] = defaultdict(list)
    for recipient_id, resource in sorted(declared):
        for sector in sectors.answering(resource):
            if (recipient_id, sector.code) not in answered:
                found[(sector.code, recipient_id)].append(resource)
    recipients = {
        p.pk: p
        for p in Participant.objects.filter(pk__in={r for _, r in found}).select_related("region")
    }
    return [
        Gap(sectors.BY_CODE[code], recipients[recipient_id], resources)
        for (code, recipient_id), resources in sorted(found.items())
    ]


def project_of(programme: Programme, project_id: int) -> Project:
    """The programme's project of that id; NotFound otherwise."""
    found = projects(programme).filter(pk=project_id).first()
    if found is None:
        raise NotFound(
            gettext("no project %(id)s in %(slug)s") % {"id": project_id, "slug": programme.slug}
        )
    return found


def pairing_of(donor: Participant, recipient: Participant) -> Pairing:
    """The pairing of record (decided: approved, active or ended) of a donor and a recipient,
    the latest if the pair was decided more than once; a project belongs to one."""
    found = (
        Pairing.objects.of_record()
        .filter(donor=donor, recipient=recipient)
        .select_related("programme", "donor__region", "recipient__region")
        .order_by("-valid_from", "-pk")
        .first()
    )
    if found is None:
        raise ValidationFailed(
            [
                Problem(
                    gettext("%(donor)s is not paired with %(recipient)s")
                    % {
                        "donor": local_name(donor.region),
                        "recipient": local_name(recipient.region),
                    },
                    column="recipient",
                )
            ]
        )
    return found
