"""The programme's minimum contribution rule (Wenchuan: aid each year of at least 1 % of the
donor's previous-year local fiscal revenue), per donor and year and over the whole programme.

Written once, here: the gaps page, the API and the CSV export all read `contribution_checks`.

**Which aid counts.** A donor that records its aid in PairAid is judged on that record: cash
disbursed (the amount the recipient confirmed, once confirmed) and in-kind shipments with a
value, in the year they happened. A donor with no such record is judged on the published,
sourced figures of aid delivered along its pairings (allocation lines of funds in the
programme's currency, loaded from the fact bundle): plans, commitments and project budgets are
not aid delivered and are never among them. Records and lines from an illustrative overlay
never count.

**What a verdict may claim.**
- No revenue figure for a base year, or no aid figure: *unknown*, with the reason.
- The published aid figures are cumulative (what had been delivered by a date), so they say
  nothing about a single year; a year stays unknown unless the donor's own record covers it.
  Over the whole programme they are compared with the sum of the yearly requirements: meeting
  that sum is *total met* (each year's compliance stays unknown); falling below it is *short*
  (some year must have been).
- A cumulative figure dated before the programme's end is a lower bound, and so is a donor's own
  record while the programme runs: it can show the requirement met, never short (*unknown* if it
  is below).
- **Certainty propagates as the weakest input:** a verdict resting on any uncertain or derived
  figure is itself uncertain, and is shown so; only verified figures give a verified verdict.
"""

import datetime
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Sum
from django.utils.translation import gettext

from pairaid.labels import local_name
from pairaid.operations.common import ZERO
from pairaid.operations.models import Disbursement, Shipment
from pairaid.pairing import levels
from pairaid.pairing.models import AllocationLine
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import Certainty, RegionalIndicator, ResourceType

COMPLIANT = "compliant"
TOTAL_MET = "total_met"
SHORT = "short"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Figure:
    """An amount in the programme's currency, as certain as its weakest input."""

    amount: Decimal
    certainty: str
    sources: tuple[str, ...] = ()
    # A lower bound: what had been delivered by a date before the programme's end.
    at_least: bool = False


@dataclass(frozen=True)
class ContributionCheck:
    donor: Participant
    period: str
    required: Figure | None
    contributed: Figure | None
    basis: str
    status: str
    reason: str

    @property
    def certainty(self) -> str | None:
        """The verdict's certainty: the weakest of the figures it rests on (none if unknown)."""
        if self.status == UNKNOWN or self.required is None or self.contributed is None:
            return None
        return weakest((self.required.certainty, self.contributed.certainty))

    @property
    def short_by(self) -> Decimal | None:
        if self.status != SHORT or self.required is None or self.contributed is None:
            return None
        return self.required.amount - self.contributed.amount


def weakest(certainties: Iterable[str]) -> str:
    """Verified only if every input is; a derived figure counts no more than an uncertain one."""
    values = set(certainties)
    return Certainty.VERIFIED if values <= {Certainty.VERIFIED} else Certainty.UNCERTAIN


def judge(required: Figure, contributed: Figure, *, whole_programme: bool) -> tuple[str, str]:
    """The verdict on two known figures, and what it rests on."""
    if contributed.amount >= required.amount:
        if whole_programme:
            return TOTAL_MET, gettext("the total meets the sum; each year's share is unknown")
        return COMPLIANT, ""
    if contributed.at_least:
        return UNKNOWN, gettext(
            "only a lower bound of the aid is known (what had been delivered before the "
            "programme's end), and it is below the requirement"
        )
    return SHORT, ""


def contribution_checks(programme: Programme, year: int) -> list[ContributionCheck]:
    """Each donor's check for `year`, then for the whole programme; none without the rule."""
    if programme.min_contribution_share is None or programme.min_contribution_indicator is None:
        return []
    # The rule binds the programme's own donors; a city at the child level gives as its
    # province's part (`levels.child_level_participants`).
    donors = (
        programme.participants.filter(role=Participant.Role.DONOR)
        .exclude(pk__in=levels.child_level_participants(programme.pk))
        .select_related("region")
    )
    checks = []
    for donor in donors.order_by("region__code"):
        checks.append(_year_check(programme, donor, year))
    for donor in donors.order_by("region__code"):
        checks.append(_programme_check(programme, donor))
    return checks


def programme_years(programme: Programme) -> list[int]:
    end = programme.period_end or programme.current_date()
    return list(range(programme.period_start.year, end.year + 1))


def default_year(programme: Programme, on: datetime.date | None = None) -> int:
    """The year checked when none is asked: the date's (default the programme's), within the
    programme's years, so a closed programme opens on its last year, not on today's."""
    years = programme_years(programme)
    return min(max((on or programme.current_date()).year, years[0]), years[-1])


def _year_check(programme: Programme, donor: Participant, year: int) -> ContributionCheck:
    required, missing = _required(programme, donor, [year])
    basis = _basis(programme, [year])
    if required is None:
        return _unknown(donor, str(year), None, None, basis, _no_revenue(programme, missing))
    if not _records_its_aid(programme, donor):
        has_published = _published_aid(programme, donor)[0] is not None
        reason = (
            gettext("no figure of aid delivered in this year: the published figures are cumulative")
            if has_published
            else gettext("no figure of aid delivered in this year")
        )
        return _unknown(donor, str(year), required, None, basis, reason)
    contributed = Figure(_recorded(programme, donor, [year]), Certainty.VERIFIED)
    status, reason = judge(required, contributed, whole_programme=False)
    return ContributionCheck(donor, str(year), required, contributed, basis, status, reason)


def _programme_check(programme: Programme, donor: Participant) -> ContributionCheck:
    years = programme_years(programme)
    period = f"{years[0]}–{years[-1]}"
    required, missing = _required(programme, donor, years)
    basis = _basis(programme, years)
    if _records_its_aid(programme, donor):
        # Before the programme's end, what is recorded so far is only a lower bound.
        running = programme.period_end is None or programme.current_date() < programme.period_end
        recorded = _recorded(programme, donor, years)
        contributed: Figure | None = Figure(recorded, Certainty.VERIFIED, at_least=running)
        unpaired = ""
    else:
        contributed, unpaired = _published_aid(programme, donor)
    if required is None:
        reason = _no_revenue(programme, missing)
        return _unknown(donor, period, None, contributed, basis, reason)
    if contributed is None:
        reason = gettext("no published figure of aid delivered to %(recipient)s") % {
            "recipient": unpaired
        }
        return _unknown(donor, period, required, None, basis, reason)
    status, reason = judge(required, contributed, whole_programme=True)
    return ContributionCheck(donor, period, required, contributed, basis, status, reason)


def _unknown(
    donor: Participant,
    period: str,
    required: Figure | None,
    contributed: Figure | None,
    basis: str,
    reason: str,
) -> ContributionCheck:
    return ContributionCheck(donor, period, required, contributed, basis, UNKNOWN, reason)


def _basis(programme: Programme, years: Sequence[int]) -> str:
    share = f"{programme.min_contribution_share * 100:g}"  # type: ignore[operator]
    indicator = local_name(programme.min_contribution_indicator)
    if len(years) == 1:
        return gettext("%(share)s %% of %(indicator)s %(year)s") % {
            "share": share,
            "indicator": indicator,
            "year": years[0] - 1,
        }
    return gettext("%(count)s × %(share)s %% of %(indicator)s, %(first)s–%(last)s") % {
        "count": len(years),
        "share": share,
        "indicator": indicator,
        "first": years[0] - 1,
        "last": years[-1] - 1,
    }


def _no_revenue(programme: Programme, missing: Sequence[int]) -> str:
    return gettext("no %(indicator)s figure for %(years)s") % {
        "indicator": local_name(programme.min_contribution_indicator),
        "years": ", ".join(str(y) for y in missing),
    }


def _required(
    programme: Programme, donor: Participant, years: Sequence[int]
) -> tuple[Figure | None, list[int]]:
    """The share of each year's base (the previous year's figure, non-illustrative) summed over
    the years, and the base years with no figure."""
    indicator = programme.min_contribution_indicator
    assert indicator is not None and programme.min_contribution_share is not None
    # Indicators in CNY 100 million; contributions in the programme currency (CNY).
    scale = Decimal(100_000_000) if "100 million" in indicator.unit else Decimal(1)
    bases = {
        figure.as_of.year: figure
        for figure in RegionalIndicator.objects.filter(
            region=donor.region,
            indicator=indicator,
            illustrative=False,
            as_of__year__in=[year - 1 for year in years],
        )
        .select_related("source")
        .order_by("as_of")
    }
    missing = [year - 1 for year in years if year - 1 not in bases]
    if missing:
        return None, missing
    used = [bases[year - 1] for year in years]
    amount = sum((f.value for f in used), ZERO) * scale * programme.min_contribution_share
    sources = tuple(f.source.key for f in used)
    return Figure(amount, weakest(f.certainty for f in used), sources), []


def _records_its_aid(programme: Programme, donor: Participant) -> bool:
    """Whether the donor reports its aid through PairAid: then a year without a record is a
    year without aid, not an unknown one."""
    givers = levels.giving_through(programme.pk, donor.pk)
    return (
        Disbursement.objects.filter(
            commitment__programme=programme, commitment__donor__in=givers, illustrative=False
        ).exists()
        or Shipment.objects.filter(
            pledge__donor__in=givers, value_cny__isnull=False, illustrative=False
        ).exists()
    )


def _recorded(programme: Programme, donor: Participant, years: Sequence[int]) -> Decimal:
    """The donor's recorded aid in those years, with its child-level donors' (a city's aid
    inside its province's pairing is the province's, counted once: `levels.giving_through`)."""
    givers = levels.giving_through(programme.pk, donor.pk)
    paid = Disbursement.objects.filter(
        commitment__programme=programme,
        commitment__donor__in=givers,
        illustrative=False,
        date__year__in=years,
    )
    in_kind = Shipment.objects.filter(
        pledge__donor__in=givers,
        illustrative=False,
        received_on__year__in=years,
        value_cny__isnull=False,
    ).aggregate(total=Sum("value_cny"))["total"]
    return sum((_contributed(d) for d in paid), ZERO) + (in_kind or ZERO)


def _published_aid(programme: Programme, donor: Participant) -> tuple[Figure | None, str]:
    """The latest published figure of aid delivered along each of the donor's pairings, summed;
    with the recipient that has none (then no figure)."""
    end = programme.period_end or programme.current_date()
    latest: list[AllocationLine] = []
    for pairing in programme.pairings.filter(donor=donor).select_related("recipient__region"):
        line = (
            AllocationLine.objects.filter(
                pairing=pairing,
                illustrative=False,
                resource_type__kind=ResourceType.Kind.FUNDS,
                resource_type__unit__iexact=programme.currency,
            )
            .select_related("source")
            .order_by("-date")
            .first()
        )
        if line is None:
            return None, local_name(pairing.recipient.region)
        latest.append(line)
    if not latest:
        return None, ""
    return (
        Figure(
            sum((line.quantity for line in latest), ZERO),
            weakest(line.certainty for line in latest),
            tuple(line.source.key for line in latest),
            at_least=any(line.date < end for line in latest),
        ),
        "",
    )


def _contributed(disbursement: Disbursement) -> Decimal:
    """What a disbursement adds to the donor's contribution, in the year it was disbursed: the
    amount confirmed once the recipient confirms it (a shortfall is not aid), else the amount."""
    if disbursement.status == Disbursement.Status.RECEIVED:
        return disbursement.received_amount or ZERO
    return disbursement.amount


# The rule's columns, as the API and the CSV export give them, with their HXL tags.
COLUMNS = {
    "donor": "#org+code",
    "donor_name": "#org+name",
    "period": "#date+period",
    "basis": "#meta+rule",
    "required": "#value+required",
    "required_certainty": "#meta+certainty+required",
    "required_sources": "#meta+source+required",
    "contributed": "#value+contributed",
    "contributed_at_least": "#meta+lower_bound",
    "contributed_certainty": "#meta+certainty+contributed",
    "contributed_sources": "#meta+source+contributed",
    "status": "#status",
    "short_by": "#value+short",
    "certainty": "#meta+certainty",
    "reason": "#description",
}


def as_rows(checks: Iterable[ContributionCheck]) -> list[dict[str, object]]:
    """The checks as flat rows (amounts in the programme's currency; empty where unknown)."""
    return [
        {
            "donor": check.donor.region.reference,
            "donor_name": local_name(check.donor.region),
            "period": check.period,
            "basis": check.basis,
            "required": check.required.amount if check.required else None,
            "required_certainty": check.required.certainty if check.required else None,
            "required_sources": ";".join(check.required.sources) if check.required else "",
            "contributed": check.contributed.amount if check.contributed else None,
            "contributed_at_least": check.contributed.at_least if check.contributed else None,
            "contributed_certainty": check.contributed.certainty if check.contributed else None,
            "contributed_sources": (
                ";".join(check.contributed.sources) if check.contributed else ""
            ),
            "status": check.status,
            "short_by": check.short_by,
            "certainty": check.certainty,
            "reason": check.reason,
        }
        for check in checks
    ]
