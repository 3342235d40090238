"""What the requests ask for and how far each line has come: requested, pledged, in transit,
received (goods shipped, staff deployed, money disbursed); duplicates; what is left to fulfil."""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Coalesce

from pairaid.operations.common import ZERO
from pairaid.operations.models import (
    Deployment,
    Disbursement,
    Pledge,
    Request,
    RequestLine,
    Shipment,
)
from pairaid.operations.queries.teams import staff_counting_for
from pairaid.programmes.models import Programme


@dataclass
class LineProgress:
    line: RequestLine
    requested: Decimal
    pledged: Decimal = ZERO
    in_transit: Decimal = ZERO
    received: Decimal = ZERO
    discrepancies: list[str] = field(default_factory=list)

    @property
    def open(self) -> Decimal:
        return max(ZERO, self.requested - self.pledged)


def _quantity(value: Decimal) -> str:
    return format(value.normalize(), "f")


def is_expired(request: Request, on: datetime.date) -> bool:
    """An open request past its expiry date (it takes no pledges until renewed)."""
    return _expired(request.status, request.expires_on, on)


def _expired(status: str, expires_on: datetime.date, on: datetime.date) -> bool:
    return status == Request.Status.OPEN and expires_on < on


# What donors have pledged against a line (cancelled pledges left out): the one place it is
# summed, for the one line a pledge locks or for every line of a list.
_PLEDGED = {
    "pledged": Coalesce(
        Sum("pledges__quantity", filter=Q(pledges__status=Pledge.Status.PLEDGED)), ZERO
    )
}


def pledged(line: RequestLine) -> Decimal:
    """What donors have pledged against a line (cancelled pledges left out)."""
    total: Decimal = RequestLine.objects.filter(pk=line.pk).aggregate(**_PLEDGED)["pledged"]
    return total


def lines_with_pledged(lines: QuerySet[RequestLine]) -> QuerySet[RequestLine]:
    """Request lines annotated with `pledged`."""
    return lines.annotate(**_PLEDGED)


def _with_progress(requests: QuerySet[Request]) -> QuerySet[Request]:
    """The requests with what `line_progress` reads of them fetched at once."""
    shipments = Shipment.objects.prefetch_related("discrepancies")
    disbursements = Disbursement.objects.prefetch_related("discrepancies")
    deployments = Deployment.objects.select_related("team").prefetch_related("team__members")
    pledges = Pledge.objects.select_related("donor__region__parent").prefetch_related(
        Prefetch("shipments", shipments),
        Prefetch("disbursements", disbursements),
        Prefetch("deployments", deployments),
    )
    return requests.select_related("recipient__region__parent").prefetch_related(
        Prefetch(
            "lines",
            RequestLine.objects.select_related("resource_type").prefetch_related(
                Prefetch("pledges", pledges)
            ),
        )
    )


def requests_with_progress(
    programme: Programme, on: datetime.date
) -> list[tuple[Request, bool, list[LineProgress]]]:
    """Every request with its lines' requested / pledged / in transit / received."""
    requests = _with_progress(Request.objects.filter(programme=programme)).order_by("-number")
    out = []
    for request in requests:
        lines = [line_progress(line) for line in request.lines.all()]
        out.append((request, is_expired(request, on), lines))
    return out


def is_fulfilled(lines: list[LineProgress]) -> bool:
    """A request with every line received in full (one without lines asks for nothing)."""
    return bool(lines) and all(p.received >= p.requested for p in lines)


def expiring(programme: Programme, on: datetime.date, within: datetime.timedelta) -> list[Request]:
    """The open requests, not yet fulfilled, still live on the date and expiring at most
    `within` after it: those to renew before donors can no longer pledge. By number."""
    requests = _with_progress(
        Request.objects.filter(
            programme=programme,
            status=Request.Status.OPEN,
            expires_on__gte=on,
            expires_on__lte=on + within,
        )
    ).order_by("number")
    return [r for r in requests if not is_fulfilled([line_progress(x) for x in r.lines.all()])]


def _described(discrepancies: Any) -> list[str]:
    return [
        f"{d.get_kind_display()} {_quantity(d.quantity)}" + (f": {d.note}" if d.note else "")
        for d in discrepancies
    ]


def line_progress(line: RequestLine) -> LineProgress:
    progress = LineProgress(line, line.quantity)
    for pledge in line.pledges.all():
        if pledge.status != Pledge.Status.PLEDGED:
            continue
        progress.pledged += pledge.quantity
        for shipment in pledge.shipments.all():
            if shipment.status == Shipment.Status.RECEIVED:
                progress.received += shipment.received_quantity or ZERO
                progress.discrepancies += _described(shipment.discrepancies.all())
            else:
                progress.in_transit += shipment.quantity
        # A funds pledge is fulfilled by disbursements: disbursed is in transit, confirmed received.
        for disbursement in pledge.disbursements.all():
            if disbursement.status == Disbursement.Status.RECEIVED:
                progress.received += disbursement.received_amount or ZERO
                progress.discrepancies += _described(disbursement.discrepancies.all())
            else:
                progress.in_transit += disbursement.amount
        for deployment in pledge.deployments.all():
            size = staff_counting_for(deployment, line.resource_type)
            if deployment.status == Deployment.Status.DISPATCHED:
                progress.in_transit += size
            elif deployment.status in (Deployment.Status.ARRIVED, Deployment.Status.ENDED):
                progress.received += size
    return progress


def requested_as_of(programme: Programme, on: datetime.date) -> dict[tuple[int, str], Decimal]:
    """What each recipient's requests ask for at the date, per resource: a live request (open,
    not expired) counts what it asks for; one expired, closed or withdrawn counts only what
    donors had pledged against it, so that what they deliver is never taken for over-supply."""
    asked: dict[tuple[int, str], Decimal] = defaultdict(Decimal)
    # One row per line, its pledges summed by the database: a national programme has thousands.
    pledged = Sum(
        "pledges__quantity",
        filter=Q(pledges__status=Pledge.Status.PLEDGED, pledges__pledged_on__lte=on),
    )
    lines = (
        RequestLine.objects.filter(request__programme=programme, request__raised_on__lte=on)
        .annotate(pledged=pledged)
        .order_by("request", "pk")
        .values_list(
            "request__recipient_id",
            "resource_type__code",
            "quantity",
            "request__status",
            "request__expires_on",
            "pledged",
        )
    )
    for recipient, resource, quantity, status, expires_on, pledged_total in lines:
        live = status == Request.Status.OPEN and not _expired(status, expires_on, on)
        asked[(recipient, resource)] += (
            quantity if live else min(quantity, ZERO if pledged_total is None else pledged_total)
        )
    return asked


def duplicate_requests(
    programme: Programme, on: datetime.date
) -> list[tuple[Request, Request, str]]:
    """Open requests of one recipient asking for the same resource twice."""
    seen: dict[tuple[int, str], Request] = {}
    found = []
    for request in (
        Request.objects.filter(programme=programme)
        .filter(status=Request.Status.OPEN)
        .prefetch_related("lines__resource_type")
        .order_by("number")
    ):
        if is_expired(request, on):
            continue
        for line in request.lines.all():
            key = (request.recipient_id, line.resource_type.code)
            if key in seen and seen[key].pk != request.pk:
                found.append((seen[key], request, line.resource_type.code))
            seen.setdefault(key, request)
    return found


def pledges_left_to_fulfil(programme: Programme) -> set[int]:
    """Pledges with something still to ship or disburse (a fulfilled pledge offers no form)."""
    pledges = Pledge.objects.filter(
        line__request__programme=programme, status=Pledge.Status.PLEDGED
    )
    # Two separate sums: one query joining both would multiply the rows of each.
    shipped = dict(pledges.annotate(sent=Sum("shipments__quantity")).values_list("pk", "sent"))
    paid = dict(pledges.annotate(sent=Sum("disbursements__amount")).values_list("pk", "sent"))
    return {p.pk for p in pledges if (shipped.get(p.pk) or 0) + (paid.get(p.pk) or 0) < p.quantity}


def _last_receipt(line: RequestLine) -> datetime.date | None:
    """The latest date anything pledged against a line arrived (goods or funds received, a team
    arrived); a line of `requests_with_progress`, its pledges prefetched."""
    dates: list[datetime.date] = []
    for pledge in line.pledges.all():
        if pledge.status != Pledge.Status.PLEDGED:
            continue
        dates += [s.received_on for s in pledge.shipments.all() if s.received_on]
        dates += [d.received_on for d in pledge.disbursements.all() if d.received_on]
        dates += [d.arrived_on for d in pledge.deployments.all() if d.arrived_on]
    return max(dates, default=None)


def fulfilled_on(programme: Programme, on: datetime.date) -> list[Request]:
    """The requests fulfilled on the date: every line received in full (`line_progress`), the
    last of it on that date. By number."""
    found = []
    for request, _expired_now, lines in requests_with_progress(programme, on):
        if not is_fulfilled(lines):
            continue
        if max((_last_receipt(p.line) for p in lines), default=None, key=_or_min) == on:
            found.append(request)
    return sorted(found, key=lambda r: r.number)


def _or_min(date: datetime.date | None) -> datetime.date:
    return date or datetime.date.min
