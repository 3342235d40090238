from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from pairaid.operations.models import (
    Contact,
    DailyReport,
    Deployment,
    Disbursement,
    Discrepancy,
    Facility,
    FacilityBeds,
    FacilitySnapshot,
    FundCommitment,
    Pledge,
    Request,
    RequestLine,
    Shipment,
    SnapshotBeds,
    Team,
    TeamMember,
)


class TeamMemberInline(admin.TabularInline):
    model = TeamMember
    extra = 0


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "donor", "emt_type", "leader", "illustrative"]
    list_filter = ["programme", "emt_type", "illustrative"]
    search_fields = ["name", "leader", "home_institution"]
    inlines = [TeamMemberInline]


class SnapshotInline(admin.TabularInline):
    model = FacilitySnapshot
    extra = 0
    show_change_link = True  # its figures per bed type are on the snapshot's own page


class FacilityBedsInline(admin.TabularInline):
    model = FacilityBeds
    extra = 0


@admin.register(Facility)
class FacilityAdmin(SimpleHistoryAdmin):
    list_display = ["name", "recipient", "kind", "ventilators", "illustrative"]
    list_filter = ["programme", "kind"]
    search_fields = ["name"]
    inlines = [FacilityBedsInline, SnapshotInline]


class SnapshotBedsInline(admin.TabularInline):
    model = SnapshotBeds
    extra = 0


@admin.register(FacilitySnapshot)
class FacilitySnapshotAdmin(SimpleHistoryAdmin):
    list_display = ["facility", "date", "reported_at", "illustrative"]
    list_filter = ["facility__programme"]
    inlines = [SnapshotBedsInline]


class RequestLineInline(admin.TabularInline):
    model = RequestLine
    extra = 0


@admin.register(Request)
class RequestAdmin(SimpleHistoryAdmin):
    list_display = ["number", "recipient", "raised_on", "expires_on", "status", "illustrative"]
    list_filter = ["programme", "status"]
    inlines = [RequestLineInline]


class DiscrepancyInline(admin.TabularInline):
    model = Discrepancy
    extra = 0


@admin.register(Shipment)
class ShipmentAdmin(SimpleHistoryAdmin):
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
class PledgeAdmin(SimpleHistoryAdmin):
    list_display = ["line", "donor", "quantity", "pledged_on", "status"]
    list_filter = ["status"]


@admin.register(Deployment)
class DeploymentAdmin(SimpleHistoryAdmin):
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
class FundCommitmentAdmin(SimpleHistoryAdmin):
    list_display = ["donor", "recipient", "year", "kind", "amount"]
    list_filter = ["programme", "year", "kind"]


@admin.register(Disbursement)
class DisbursementAdmin(SimpleHistoryAdmin):
    list_display = ["commitment", "date", "amount", "reference"]


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["name", "role", "participant", "team", "facility", "phone", "email"]
    list_filter = ["programme"]
    search_fields = ["name", "role"]


@admin.register(DailyReport)
class DailyReportAdmin(SimpleHistoryAdmin):
    list_display = ["team", "date", *DailyReport.FIGURES]
    list_filter = ["team__programme"]
    date_hierarchy = "date"
