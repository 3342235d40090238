"""What an offer still holds: each line's quantity taken (its pledges) and remaining, and the
offer's status as people read it (open, partly taken, taken, withdrawn, expired)."""

import datetime
from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext_lazy as _

from pairaid.operations.common import ZERO
from pairaid.operations.models import Offer, OfferLine, Pledge

# The statuses an offer is shown in; only `open` and `withdrawn` are stored (Offer.Standing),
# the others follow from its pledges and its dates.
STATUS_LABELS = {
    "open": _("open"),
    "partly_taken": _("partly taken"),
    "taken": _("taken"),
    "withdrawn": _("withdrawn"),
    "expired": _("expired"),
}

_LIVE = Q(pledges__status=Pledge.Status.PLEDGED)
# What an offer line has given (cancelled pledges left out) and in how many pledges: the one
# place a lot's use is counted, per line in a list or for the one line a take locks.
_TAKEN = {"taken": Coalesce(Sum("pledges__quantity", filter=_LIVE), ZERO)}
_TAKES = {"takes": Count("pledges", filter=_LIVE)}


def lines_with_takes(lines: QuerySet[OfferLine]) -> QuerySet[OfferLine]:
    """Offer lines annotated with `taken` and `takes`."""
    return lines.annotate(**_TAKEN, **_TAKES)


def taken(line: OfferLine) -> tuple[Decimal, int]:
    """(quantity taken, number of takes) of one offer line."""
    counted = OfferLine.objects.filter(pk=line.pk).aggregate(**_TAKEN, **_TAKES)
    return counted["taken"], counted["takes"]


def remaining(line: OfferLine) -> Decimal:
    """Offered − taken: what is left of the lot."""
    return left_of(line.quantity, taken(line)[0])


def left_of(offered: Decimal, taken: Decimal) -> Decimal:
    """What is left of a lot offered, of which `taken` is pledged (never below nothing)."""
    return max(ZERO, offered - taken)


def is_expired(offer: Offer, on: datetime.date) -> bool:
    return offer.available_until is not None and offer.available_until < on


def offer_status(offer: Offer, lines: list[OfferLine], on: datetime.date) -> str:
    """The offer's status at a date, from its standing, its dates and its lines (annotated by
    `lines_with_takes`)."""
    if offer.standing == Offer.Standing.WITHDRAWN:
        return "withdrawn"
    used = [line.taken for line in lines]  # type: ignore[attr-defined]
    if lines and all(line.taken >= line.quantity for line in lines):  # type: ignore[attr-defined]
        return "taken"
    if is_expired(offer, on):
        return "expired"
    return "partly_taken" if any(amount > 0 for amount in used) else "open"
