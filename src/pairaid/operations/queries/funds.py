"""Money as it reaches recipients: cash flows for the gaps (the contribution rule that counts
it per donor is in `contributions`)."""

import datetime
from collections import defaultdict
from decimal import Decimal

from pairaid.operations.common import ZERO
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.pairing import levels
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


LEDGER_KINDS = ("committed", "disbursed", "received")


def ledger_by_pairing(programme: Programme) -> list[levels.FamilyRow]:
    """The funds ledger by pairing: committed, disbursed and received, each pair's rows under
    its pairing, a parent's total with its child pairings' added (`levels.family_rows`). A
    commitment between a donor and a recipient that are not paired (where the programme lets
    aid go beyond the pairs) belongs to no pairing and is left out of this view."""
    pairing_of = levels.pairing_of_pairs(programme.pk)
    own: dict[int, dict[str, Decimal]] = defaultdict(lambda: dict.fromkeys(LEDGER_KINDS, ZERO))
    commitments = FundCommitment.objects.filter(programme=programme).values_list(
        "donor_id", "recipient_id", "amount"
    )
    for donor, recipient, amount in commitments:
        if (pairing := pairing_of.get((donor, recipient))) is not None:
            own[pairing]["committed"] += amount
    disbursements = Disbursement.objects.filter(commitment__programme=programme).values_list(
        "commitment__donor_id", "commitment__recipient_id", "amount", "received_amount"
    )
    for donor, recipient, amount, received in disbursements:
        if (pairing := pairing_of.get((donor, recipient))) is not None:
            own[pairing]["disbursed"] += amount
            own[pairing]["received"] += received or ZERO
    return levels.family_rows(programme.pk, own, LEDGER_KINDS)
