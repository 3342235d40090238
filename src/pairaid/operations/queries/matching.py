"""A programme's matching problem now (`engine.matching`, docs/problem-format.md): which offered
lots could fill which open request lines of goods, built from the figures the Requests page and
the offers show.

- **Lots:** each line of an offer still open (not withdrawn, not expired) with something left:
  what remains of it (offered − taken) and the takes it still allows (its `max_takes` − the
  pledges already taken from it), as `take_offer` counts them.
- **Needs:** each line of goods of an open, unexpired request, with what donors have pledged
  against it; staff go as teams and money as disbursements, so they are not matched.
- **Distances:** the straight line between the donor's and the recipient's regions; a pair
  whose region has no coordinates has no distance, and the matcher says so.
- **The pairing:** where the programme's rule says aid follows the pairing, only the pairs in
  force at the date (a subset of what the pledge rule allows, so every proposed line passes it).
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Final

from pairaid.operations.common import is_funds, is_personnel, paired_in_force
from pairaid.operations.models import Offer, OfferLine, Request, RequestLine
from pairaid.operations.queries import offers as offer_queries
from pairaid.operations.queries.requests import lines_with_pledged
from pairaid.pairing.translate import distance_km
from pairaid.programmes.models import Participant, Programme

# Each request line keeps at most this many nearest lots it could receive from: enough for a
# province's donors, and the problem stays sparse at national size (docs/algorithms.md).
NEAREST_LOTS: Final = 50


@dataclass
class Built:
    """The problem document, and the records behind its engine ids."""

    document: dict[str, Any]
    lots: dict[str, OfferLine] = field(default_factory=dict)
    needs: dict[str, RequestLine] = field(default_factory=dict)
    participants: dict[str, Participant] = field(default_factory=dict)  # region reference ->


def lot_id(line: OfferLine) -> str:
    return f"offer-{line.offer.number}/line-{line.pk}"


def need_id(line: RequestLine) -> str:
    return f"request-{line.request.number}/line-{line.pk}"


def _quantity(value: Decimal) -> float:
    return float(value)


def open_lots(programme: Programme, on: datetime.date) -> list[OfferLine]:
    """The lines of the programme's open offers that still have something to give and a take
    left, annotated with `taken` and `takes` (queries.offers)."""
    lines = offer_queries.lines_with_takes(
        OfferLine.objects.filter(
            offer__programme=programme, offer__standing=Offer.Standing.OPEN
        ).select_related("offer__donor__region", "resource_type")
    ).order_by("offer__number", "pk")
    return [
        line
        for line in lines
        if not offer_queries.is_expired(line.offer, on)
        and line.taken < line.quantity  # type: ignore[attr-defined]
        and line.takes < line.max_takes  # type: ignore[attr-defined]
    ]


def open_needs(programme: Programme, on: datetime.date) -> list[RequestLine]:
    """The goods lines of the programme's open, unexpired requests, annotated with `pledged`
    (queries.requests)."""
    lines = lines_with_pledged(
        RequestLine.objects.filter(
            request__programme=programme,
            request__status=Request.Status.OPEN,
            request__expires_on__gte=on,
        ).select_related("request__recipient__region", "resource_type")
    ).order_by("request__number", "pk")
    return [
        line
        for line in lines
        if not is_personnel(line.resource_type) and not is_funds(line.resource_type)
    ]


def build(programme: Programme, on: datetime.date) -> Built:
    """The programme's matching problem at the date, now."""
    built = Built(document={})
    lots = []
    for line in open_lots(programme, on):
        key = lot_id(line)
        donor = line.offer.donor
        built.lots[key] = line
        built.participants[donor.region.reference] = donor
        lots.append(
            {
                "id": key,
                "donor": donor.region.reference,
                "item": line.resource_type.code,
                "quantity": _quantity(line.quantity - line.taken),  # type: ignore[attr-defined]
                "max_shipments": line.max_takes - line.takes,  # type: ignore[attr-defined]
            }
        )
    needs = []
    for need in open_needs(programme, on):
        key = need_id(need)
        recipient = need.request.recipient
        built.needs[key] = need
        built.participants[recipient.region.reference] = recipient
        needs.append(
            {
                "id": key,
                "recipient": recipient.region.reference,
                "item": need.resource_type.code,
                "quantity": _quantity(need.quantity),
                "pledged": _quantity(need.pledged),  # type: ignore[attr-defined]
            }
        )
    follow = not programme.pledges_beyond_pairs
    pairs = _pairs(programme, on, built)
    built.document = {
        "kind": "matching",
        "name": f"{programme.slug} {on.isoformat()}",
        "lots": lots,
        "needs": needs,
        "distances": _distances(built, pairs if follow else None),
        "follow_pairing": follow,
        "pairs": [list(pair) for pair in sorted(pairs)],
        "options": {"nearest": NEAREST_LOTS},
    }
    return built


def _pairs(programme: Programme, on: datetime.date, built: Built) -> set[tuple[str, str]]:
    """The pairs in force between the problem's donors and recipients, by region reference."""
    by_id = {p.pk: reference for reference, p in built.participants.items()}
    return {
        (by_id[donor], by_id[recipient])
        for donor, recipients in paired_in_force(programme.pk, on).items()
        if donor in by_id
        for recipient in recipients
        if recipient in by_id
    }


def _distances(built: Built, pairs: set[tuple[str, str]] | None) -> list[dict[str, Any]]:
    """The km between each donor with a lot and each recipient with a need (only the pairs,
    when aid follows the pairing); none for a region without coordinates."""
    donors = sorted({line.offer.donor.region.reference for line in built.lots.values()})
    recipients = sorted({n.request.recipient.region.reference for n in built.needs.values()})
    distances = []
    for donor in donors:
        for recipient in recipients:
            if pairs is not None and (donor, recipient) not in pairs:
                continue
            km = distance_km(built.participants[donor], built.participants[recipient])
            if km is not None:
                distances.append({"donor": donor, "recipient": recipient, "km": round(km, 1)})
    return distances
