"""Funds pledges used to be "shipped" as transfers (a Shipment on a funds line). They are now
fulfilled by disbursements: each such shipment becomes a Disbursement that names its pledge and
draws on the pair's cash commitment of its year (created or raised to cover it, as
services.disburse_pledge does), keeping its receipt and discrepancies."""

from decimal import Decimal

from django.db import migrations
from django.db.models import Sum

CENT = Decimal("0.01")


def _commitment_covering(apps, pledge, year, amount):  # type: ignore[no-untyped-def]
    FundCommitment = apps.get_model("operations", "FundCommitment")
    request = pledge.line.request
    commitment = (
        FundCommitment.objects.filter(
            programme_id=request.programme_id,
            donor_id=pledge.donor_id,
            recipient_id=request.recipient_id,
            year=year,
            kind="cash",
        )
        .order_by("pk")
        .first()
    )
    if commitment is None:
        return FundCommitment.objects.create(
            programme_id=request.programme_id,
            donor_id=pledge.donor_id,
            recipient_id=request.recipient_id,
            year=year,
            kind="cash",
            amount=amount,
            description="covers funds pledged against requests",
            illustrative=pledge.illustrative,
        )
    paid = commitment.disbursements.aggregate(total=Sum("amount"))["total"] or Decimal(0)
    if paid + amount > commitment.amount:
        commitment.amount = paid + amount
        commitment.save(update_fields=["amount"])
    return commitment


def forwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Shipment = apps.get_model("operations", "Shipment")
    Disbursement = apps.get_model("operations", "Disbursement")
    Discrepancy = apps.get_model("operations", "Discrepancy")
    funds = Shipment.objects.filter(pledge__line__resource_type__kind="funds").select_related(
        "pledge__line__request"
    )
    for shipment in funds.order_by("pk"):
        amount = shipment.quantity.quantize(CENT)
        received = shipment.status == "received"
        disbursement = Disbursement.objects.create(
            commitment=_commitment_covering(
                apps, shipment.pledge, shipment.dispatched_on.year, amount
            ),
            pledge=shipment.pledge,
            date=shipment.dispatched_on,
            amount=amount,
            reference=shipment.reference,
            status="received" if received else "disbursed",
            received_on=shipment.received_on if received else None,
            received_amount=(shipment.received_quantity or Decimal(0)).quantize(CENT)
            if received
            else None,
            illustrative=shipment.illustrative,
        )
        Discrepancy.objects.filter(shipment=shipment).update(
            shipment=None, disbursement=disbursement
        )
        shipment.delete()


def backwards(apps, schema_editor):  # type: ignore[no-untyped-def]
    Shipment = apps.get_model("operations", "Shipment")
    Disbursement = apps.get_model("operations", "Disbursement")
    Discrepancy = apps.get_model("operations", "Discrepancy")
    for disbursement in Disbursement.objects.filter(pledge__isnull=False).order_by("pk"):
        received = disbursement.status == "received"
        shipment = Shipment.objects.create(
            pledge=disbursement.pledge,
            quantity=disbursement.amount,
            status="received" if received else "dispatched",
            dispatched_on=disbursement.date,
            received_on=disbursement.received_on,
            received_quantity=disbursement.received_amount,
            reference=disbursement.reference,
            illustrative=disbursement.illustrative,
        )
        Discrepancy.objects.filter(disbursement=disbursement).update(
            disbursement=None, shipment=shipment
        )
        disbursement.delete()


class Migration(migrations.Migration):
    dependencies = [("operations", "0002_disbursement_receipts")]

    operations = [migrations.RunPython(forwards, backwards)]
