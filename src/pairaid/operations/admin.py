from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from pairaid.admin_figures import FiguresAdmin, FiguresInline
from pairaid.operations.models import (
    BedMovement,
    CareRatio,
    Contact,
    DailyReport,
    Deployment,
    Disbursement,
    Discrepancy,
    Facility,
    FacilityBeds,
    FacilitySnapshot,
    FacilityStaff,
    FundCommitment,
    Pledge,
    PushDelivery,
    PushDeliveryEvent,
    QueueEntry,
    Request,
    RequestLine,
    Shipment,
    SnapshotBeds,
    Team,
    TeamMember,
    Transfer,
    TransferEvent,
)


class TeamMemberInline(FiguresInline):
    model = TeamMember
    extra = 0


@admin.register(Team)
class TeamAdmin(FiguresAdmin):
    list_display = ["name", "donor", "emt_type", "leader", "illustrative"]
    list_filter = ["programme", "emt_type", "illustrative"]
    search_fields = ["name", "leader", "home_institution"]
    inlines = [TeamMemberInline]


class SnapshotInline(FiguresInline):
    model = FacilitySnapshot
    extra = 0
    show_change_link = True  # its figures per bed type are on the snapshot's own page


class FacilityBedsInline(FiguresInline):
    model = FacilityBeds
    extra = 0


class FacilityStaffInline(FiguresInline):
    model = FacilityStaff
    extra = 0


@admin.register(Facility)
class FacilityAdmin(FiguresAdmin):
    list_display = ["name", "recipient", "kind", "ventilators", "illustrative"]
    list_filter = ["programme", "kind"]
    search_fields = ["name"]
    inlines = [FacilityBedsInline, FacilityStaffInline, SnapshotInline]


@admin.register(CareRatio)
class CareRatioAdmin(FiguresAdmin):
    list_display = [
        "programme",
        "bed_type",
        "doctors_per_bed",
        "nurses_per_bed",
        "counts",
        "source",
    ]
    list_filter = ["programme", "counts"]


class SnapshotBedsInline(FiguresInline):
    model = SnapshotBeds
    extra = 0


@admin.register(FacilitySnapshot)
class FacilitySnapshotAdmin(FiguresAdmin):
    list_display = ["facility", "date", "reported_at", "illustrative"]
    list_filter = ["facility__programme"]
    inlines = [SnapshotBedsInline]


class RequestLineInline(FiguresInline):
    model = RequestLine
    extra = 0


@admin.register(Request)
class RequestAdmin(FiguresAdmin):
    list_display = ["number", "recipient", "raised_on", "expires_on", "status", "illustrative"]
    list_filter = ["programme", "status"]
    inlines = [RequestLineInline]


class DiscrepancyInline(FiguresInline):
    model = Discrepancy
    extra = 0


@admin.register(Shipment)
class ShipmentAdmin(FiguresAdmin):
    list_display = [
        "pledge",
        "quantity",
        "status",
        "dispatched_on",
        "received_on",
        "received_quantity",
    ]
    list_filter = ["status"]
    inlines = [DiscrepancyInline]


@admin.register(Pledge)
class PledgeAdmin(FiguresAdmin):
    list_display = ["line", "donor", "quantity", "pledged_on", "status"]
    list_filter = ["status"]


@admin.register(Deployment)
class DeploymentAdmin(FiguresAdmin):
    list_display = [
        "team",
        "recipient",
        "facility",
        "status",
        "planned_start",
        "arrived_on",
        "ended_on",
    ]
    list_filter = ["status"]


@admin.register(FundCommitment)
class FundCommitmentAdmin(FiguresAdmin):
    list_display = ["donor", "recipient", "year", "kind", "amount"]
    list_filter = ["programme", "year", "kind"]


@admin.register(Disbursement)
class DisbursementAdmin(FiguresAdmin):
    list_display = ["commitment", "date", "amount", "reference"]


@admin.register(Contact)
class ContactAdmin(FiguresAdmin):
    list_display = ["name", "role", "participant", "team", "facility", "phone", "email"]
    list_filter = ["programme"]
    search_fields = ["name", "role"]


@admin.register(DailyReport)
class DailyReportAdmin(FiguresAdmin):
    list_display = ["team", "date", *DailyReport.FIGURES]
    list_filter = ["team__programme"]
    date_hierarchy = "date"


class ReadOnly:
    """Shown, never changed here: a transfer moves only through its state machine
    (services.transfers.MOVES), which keeps its history and its beds' ledger in step."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class TransferEventInline(ReadOnly, admin.TabularInline):
    model = TransferEvent
    extra = 0


@admin.register(Transfer)
class TransferAdmin(ReadOnly, admin.ModelAdmin):
    # No edit history of its own: a transfer's moves are its history (TransferEvent).
    list_display = ["number", "sending", "receiving_facility", "acuity", "requested", "status"]
    list_filter = ["programme", "status"]
    inlines = [TransferEventInline]


class PushDeliveryEventInline(ReadOnly, admin.TabularInline):
    model = PushDeliveryEvent
    extra = 0


@admin.register(PushDelivery)
class PushDeliveryAdmin(ReadOnly, admin.ModelAdmin):
    # Its moves are its history (PushDeliveryEvent), made through the page or the API.
    list_display = ["number", "donor", "recipient", "resource_type", "quantity", "status"]
    list_filter = ["programme", "status"]
    inlines = [PushDeliveryEventInline]


@admin.register(BedMovement)
class BedMovementAdmin(ReadOnly, admin.ModelAdmin):
    list_display = ["facility", "bed_type", "kind", "count", "recorded_at"]
    list_filter = ["facility__programme", "kind"]


@admin.register(QueueEntry)
class QueueEntryAdmin(admin.ModelAdmin):
    list_display = ["recipient", "acuity", "waiting", "recorded_at"]
    list_filter = ["recipient__programme"]
