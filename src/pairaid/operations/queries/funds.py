"""Money as it reaches recipients: cash flows for the gaps (the contribution rule that counts
it per donor is in `contributions`)."""

import datetime
from decimal import Decimal

from pairaid.operations.common import ZERO
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.programmes.models import Programme
from pairaid.registry.models import ResourceType


def cash_flows(
    programme: Programme, on: datetime.date
) -> list[tuple[tuple[int, str], Decimal, bool]]:
    """Cash disbursed to each recipient by the date: ((recipient, funds resource), amount, whether
    received by then). One row per disbursement, whether it fulfils a pledge or draws on a
    commitment directly, so that nothing is counted twice; in-kind commitments are valued aid,
    not money, and stay out of the funds gap."""
    currency = (
        ResourceType.objects.filter(kind=ResourceType.Kind.FUNDS, unit__iexact=programme.currency)
        .order_by("code")
        .first()
    )
    flows = []
    disbursements = (
        Disbursement.objects.filter(
            commitment__programme=programme,
            commitment__kind=FundCommitment.Kind.CASH,
            date__lte=on,
        )
        .order_by("pk")
        .values_list(
            "commitment__recipient_id",
            "pledge__line__resource_type__code",
            "status",
            "received_on",
            "received_amount",
            "amount",
        )
    )
    for recipient, pledged_resource, status, received_on, received_amount, amount in disbursements:
        resource = pledged_resource or (currency.code if currency else None)
        if resource is None:
            continue  # no funds resource in the programme's currency: no gap to fill
        key = (recipient, resource)
        if status == Disbursement.Status.RECEIVED and received_on and received_on <= on:
            flows.append((key, received_amount or ZERO, True))
        else:
            flows.append((key, amount, False))
    return flows
