"""Evaluation of results (issue 20, item 7): per recipient, the outcome trends of the daily record
(case fatality, recovery, the last new case) beside the staff paired to it, staff per case and
the dates staff arrived. Descriptive only: the figures sit side by side, and nothing here says
that the staff caused an outcome."""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass

from django.db.models import Q

from pairaid.foresight import queries
from pairaid.pairing import coverage, translate
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import RegionalIndicator

# The indicators that date staff sent in (registry.catalogue): Hubei 2020's figures are for the
# province and for "Hubei outside Wuhan", not per city, and are shown as such.
ARRIVAL_INDICATORS = ("aid_staff", "aid_staff_arrivals", "aid_other_staff_arrivals")
STAFF = "medical_staff"


@dataclass(frozen=True)
class OutcomeDay:
    day: datetime.date
    confirmed: int
    cured: int
    dead: int

    @property
    def case_fatality(self) -> float | None:
        """Deaths per confirmed case so far (a crude ratio: cases still open may yet die)."""
        return self.dead / self.confirmed if self.confirmed else None

    @property
    def recovered_share(self) -> float | None:
        return self.cured / self.confirmed if self.confirmed else None


@dataclass(frozen=True)
class Arrival:
    """A dated figure of staff sent in, for the region it was published for."""

    day: datetime.date
    indicator: str
    value: int
    region_en: str
    region_zh: str
    source: str


@dataclass(frozen=True)
class Outcomes:
    participant: Participant
    days: list[OutcomeDay]
    paired_from: datetime.date | None  # the first day a pairing to it was in force
    last_new_case: datetime.date | None  # the last day cumulative confirmed rose
    staff: float | None  # staff paired to it as of the programme date (coverage.as_of)
    staff_on: datetime.date
    arrivals: list[Arrival]

    @property
    def days_to_last_new_case(self) -> int | None:
        """Days from the first pairing to the last new case (None where either is unknown)."""
        if self.paired_from is None or self.last_new_case is None:
            return None
        return (self.last_new_case - self.paired_from).days

    def on(self, day: datetime.date) -> OutcomeDay | None:
        """The record's last day at or before `day`."""
        earlier = [d for d in self.days if d.day <= day]
        return earlier[-1] if earlier else None

    @property
    def last(self) -> OutcomeDay | None:
        return self.days[-1] if self.days else None

    @property
    def staff_per_case(self) -> float | None:
        """Staff paired per confirmed case, both as of the programme date."""
        day = self.on(self.staff_on)
        if self.staff is None or day is None or not day.confirmed:
            return None
        return self.staff / day.confirmed


def _last_new_case(days: list[OutcomeDay]) -> datetime.date | None:
    found = None
    for before, after in itertools.pairwise(days):
        if after.confirmed > before.confirmed:
            found = after.day
    return found


def _arrivals(participants: list[Participant]) -> dict[int, list[Arrival]]:
    """Staff arrival figures for each recipient's own region and for the code-less areas beside
    it (Hubei outside Wuhan), in one query."""
    parents = {p.region.parent_id for p in participants if p.region.parent_id}
    rows = (
        RegionalIndicator.objects.filter(indicator__code__in=ARRIVAL_INDICATORS)
        .filter(
            Q(region_id__in=[p.region_id for p in participants])
            | Q(region__parent_id__in=parents, region__code="")
        )
        .select_related("region", "indicator", "source")
        .order_by("as_of", "indicator__code")
    )
    found: dict[int, list[Arrival]] = {p.pk: [] for p in participants}
    for row in rows:
        arrival = Arrival(
            row.as_of,
            row.indicator.code,
            int(row.value),
            row.region.name_en,
            row.region.name_zh,
            row.source.title,
        )
        for participant in participants:
            own = row.region_id == participant.region_id
            beside = not row.region.code and row.region.parent_id == participant.region.parent_id
            if own or beside:
                found[participant.pk].append(arrival)
    return found


def outcomes(programme: Programme, only: Participant | None = None) -> list[Outcomes]:
    """Each recipient's outcomes (or one recipient's), from the whole daily record."""
    participants = [only] if only else queries.recipients(programme)
    records = queries.daily_records(participants)
    staff_on = programme.current_date()
    paired = {row.id: row.paired.get(STAFF) for row in coverage.as_of(programme).recipient_rows}
    first_pairing = {
        recipient_id: valid_from
        for recipient_id, valid_from in Pairing.objects.filter(
            programme=programme, recipient__in=participants
        )
        .order_by("-valid_from")
        .values_list("recipient_id", "valid_from")
    }
    arrivals = _arrivals(participants)
    found = []
    for participant in participants:
        days = [
            OutcomeDay(datetime.date.fromisoformat(day), confirmed, cured, dead)
            for day, confirmed, cured, dead in records[participant.pk]
        ]
        found.append(
            Outcomes(
                participant=participant,
                days=days,
                paired_from=first_pairing.get(participant.pk),
                last_new_case=_last_new_case(days),
                staff=paired.get(translate.engine_id(participant)),
                staff_on=staff_on,
                arrivals=arrivals[participant.pk],
            )
        )
    return found
