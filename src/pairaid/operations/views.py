"""Operations pages: the request ledger (raise, pledge, dispatch, receive), gaps, the league
table. Every action is permission-checked per region (DESIGN.md §7) and calls one service."""

import csv
import datetime
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.dashboard import services as dashboard_services
from pairaid.errors import Forbidden
from pairaid.operations import ledger, workbook
from pairaid.operations import services as ops
from pairaid.operations.forms import (
    DisburseForm,
    DispatchForm,
    FundReceiptForm,
    PledgeForm,
    ReceiptForm,
    RequestForm,
)
from pairaid.operations.models import Disbursement, Pledge, RequestLine, Shipment
from pairaid.programmes.models import Programme
from pairaid.registry.models import ResourceType
from pairaid.web.auth import member_required
from pairaid.web.uploads import handle_upload


def _choices(user: Any, programme: Programme, role: str, action: Action) -> list[tuple[int, str]]:
    members = (
        programme.participants.filter(role=role).select_related("region").order_by("region__code")
    )
    return [
        (p.pk, ledger.local_name(p.region))
        for p in members
        if permissions.can(user, action, programme, p.region_id)
    ]


def _date(request: HttpRequest, programme: Programme) -> datetime.date:
    text = request.GET.get("date", "")
    try:
        return datetime.date.fromisoformat(text) if text else programme.current_date()
    except ValueError:
        return programme.current_date()


@member_required
def requests(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    on = _date(request, programme)
    recipients = _choices(request.user, programme, "recipient", Action.RAISE_REQUEST)
    donors = _choices(request.user, programme, "donor", Action.PLEDGE)
    form = RequestForm(request.POST or None, recipients=recipients)
    if request.method == "POST":
        if not recipients:
            raise Forbidden(_("Only the recipient's officers and coordinators raise requests."))
        if not form.is_valid():
            messages.error(request, _("The request was not raised: check the fields."))
        else:
            recipient = programme.participants.get(pk=form.cleaned_data["recipient"])
            permissions.check(request.user, Action.RAISE_REQUEST, programme, recipient.region_id)
            ops.raise_request(
                recipient=recipient,
                lines=[
                    ops.LineIn(
                        form.cleaned_data["resource_type"],
                        form.cleaned_data["quantity"],
                        form.cleaned_data["priority"],
                        form.cleaned_data["needed_by"],
                    )
                ],
                user=request.user,
                note=form.cleaned_data["note"],
            )
            messages.success(request, _("Request raised."))
            return redirect("operations:requests", slug=slug)
    return render(
        request,
        "operations/requests.html",
        {
            "programme": programme,
            "on": on,
            "rows": ledger.requests_with_progress(programme, on),
            "duplicates": ledger.duplicate_requests(programme, on),
            "resources": ResourceType.objects.all(),
            "form": form if recipients else None,
            "pledge_form": PledgeForm(donors=donors) if donors else None,
            "can_receive": {
                p for p, _ in _choices(request.user, programme, "recipient", Action.CONFIRM_RECEIPT)
            },
            "can_dispatch": {p for p, _ in donors},
            "open_pledges": _pledges_left_to_fulfil(programme),
            "dispatch_form": DispatchForm(),
            "receipt_form": ReceiptForm(),
            "disburse_form": DisburseForm(),
            "fund_receipt_form": FundReceiptForm(),
        },
    )


def _pledges_left_to_fulfil(programme: Programme) -> set[int]:
    """Pledges with something still to ship or disburse (a fulfilled pledge offers no form)."""
    from django.db.models import Sum

    pledges = Pledge.objects.filter(line__request__programme=programme, status="pledged")
    # Two separate sums: one query joining both would multiply the rows of each.
    shipped = dict(pledges.annotate(sent=Sum("shipments__quantity")).values_list("pk", "sent"))
    paid = dict(pledges.annotate(sent=Sum("disbursements__amount")).values_list("pk", "sent"))
    return {p.pk for p in pledges if (shipped.get(p.pk) or 0) + (paid.get(p.pk) or 0) < p.quantity}


@member_required
@require_POST
def pledge(request: HttpRequest, slug: str, line_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    line = get_object_or_404(
        RequestLine.objects.select_related("request"), pk=line_id, request__programme=programme
    )
    donors = _choices(request.user, programme, "donor", Action.PLEDGE)
    if not donors:
        raise Forbidden(_("Only donors' officers and coordinators pledge."))
    form = PledgeForm(request.POST, donors=donors)
    if not form.is_valid():
        messages.error(request, _("The pledge was not recorded: check the fields."))
        return redirect("operations:requests", slug=slug)
    donor = programme.participants.get(pk=form.cleaned_data["donor"])
    permissions.check(request.user, Action.PLEDGE, programme, donor.region_id)
    ops.pledge(
        line=line,
        donor=donor,
        quantity=form.cleaned_data["quantity"],
        note=form.cleaned_data["note"],
        user=request.user,
    )
    messages.success(request, _("Pledge recorded."))
    return redirect("operations:requests", slug=slug)


def _donors_pledge(request: HttpRequest, slug: str, pledge_id: int) -> Pledge:
    """A pledge of the programme that the user may fulfil for its donor."""
    programme = permissions.programme_for(request.user, slug)
    found = get_object_or_404(
        Pledge.objects.select_related("donor"), pk=pledge_id, line__request__programme=programme
    )
    permissions.check(request.user, Action.PLEDGE, programme, found.donor.region_id)
    return found


@member_required
@require_POST
def dispatch(request: HttpRequest, slug: str, pledge_id: int) -> HttpResponse:
    found = _donors_pledge(request, slug, pledge_id)
    form = DispatchForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was dispatched: check the fields."))
        return redirect("operations:requests", slug=slug)
    ops.dispatch(
        pledge=found,
        quantity=form.cleaned_data["quantity"],
        reference=form.cleaned_data["reference"],
        value_cny=form.cleaned_data["value_cny"],
    )
    messages.success(request, _("Dispatched."))
    return redirect("operations:requests", slug=slug)


@member_required
@require_POST
def receive(request: HttpRequest, slug: str, shipment_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    shipment = get_object_or_404(
        Shipment.objects.select_related("pledge__line__request__recipient"),
        pk=shipment_id,
        pledge__line__request__programme=programme,
    )
    permissions.check(
        request.user,
        Action.CONFIRM_RECEIPT,
        programme,
        shipment.pledge.line.request.recipient.region_id,
    )
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The receipt was not recorded: check the fields."))
        return redirect("operations:requests", slug=slug)
    data = form.cleaned_data
    found = []
    if data["discrepancy"]:
        quantity = (
            data["discrepancy_quantity"]
            if data["discrepancy_quantity"] is not None
            else shipment.quantity - data["received_quantity"]
        )
        found.append(ops.DiscrepancyIn(data["discrepancy"], Decimal(quantity), data["note"]))
    ops.confirm_receipt(
        shipment=shipment, received_quantity=data["received_quantity"], discrepancies=found
    )
    messages.success(request, _("Receipt confirmed."))
    return redirect("operations:requests", slug=slug)


@member_required
@require_POST
def disburse(request: HttpRequest, slug: str, pledge_id: int) -> HttpResponse:
    """The donor disburses money against its funds pledge."""
    found = _donors_pledge(request, slug, pledge_id)
    form = DisburseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Nothing was disbursed: check the fields."))
        return redirect("operations:requests", slug=slug)
    ops.disburse_pledge(
        pledge=found, amount=form.cleaned_data["amount"], reference=form.cleaned_data["reference"]
    )
    messages.success(request, _("Disbursed."))
    return redirect("operations:requests", slug=slug)


@member_required
@require_POST
def receive_disbursement(request: HttpRequest, slug: str, disbursement_id: int) -> HttpResponse:
    """The recipient confirms the money that arrived (from the requests or the funds page)."""
    programme = permissions.programme_for(request.user, slug)
    disbursement = get_object_or_404(
        Disbursement.objects.select_related("commitment__recipient"),
        pk=disbursement_id,
        commitment__programme=programme,
    )
    permissions.check(
        request.user,
        Action.CONFIRM_RECEIPT,
        programme,
        disbursement.commitment.recipient.region_id,
    )
    back = "operations:funds" if request.POST.get("back") == "funds" else "operations:requests"
    form = FundReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The receipt was not recorded: check the fields."))
        return redirect(back, slug=slug)
    ops.confirm_disbursement(
        disbursement=disbursement,
        received_amount=form.cleaned_data["received_amount"],
        note=form.cleaned_data["note"],
    )
    messages.success(request, _("Receipt confirmed."))
    return redirect(back, slug=slug)


@member_required
def gaps(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    on = _date(request, programme)
    year = int(request.GET.get("year") or on.year)
    return render(
        request,
        "operations/gaps.html",
        {
            "programme": programme,
            "on": on,
            "gaps": ledger.gaps(programme, on),
            "duplicates": ledger.duplicate_requests(programme, on),
            "resources": ResourceType.objects.all(),
            "year": year,
            "contributions": ledger.contribution_checks(programme, year),
        },
    )


SORTS = {
    "staff_deployed",
    "staff_pledged",
    "days_to_first_arrival",
    "fulfilment_rate",
    "median_lead_days",
    "coverage",
    "donor",
}
HXL = {
    "donor_code": "#org+code",
    "donor": "#org+name",
    "staff_pledged": "#value+staff+pledged",
    "staff_deployed": "#value+staff+deployed",
    "days_to_first_arrival": "#indicator+days_to_arrival",
    "already_present": "#status+already_present",
    "fulfilment_rate": "#indicator+fulfilment",
    "median_lead_days": "#indicator+lead_days",
    "coverage": "#indicator+coverage",
}


def sort_league(rows: list[dict[str, Any]], column: str) -> list[dict[str, Any]]:
    """Best first (most staff, highest rate; fewest days); donors without the figure last."""
    known = [r for r in rows if r[column] is not None]
    unknown = [r for r in rows if r[column] is None]
    ascending = column in ("days_to_first_arrival", "median_lead_days", "donor")
    return sorted(known, key=lambda r: r[column], reverse=not ascending) + unknown


@member_required
def league(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    on = _date(request, programme)
    overview = dashboard_services.overview(programme, on=on)
    coverage = {row.id: row.coverage for row in overview.recipient_rows if row.coverage is not None}
    table = ledger.league_table(programme, on, coverage)
    rows = ledger.as_rows(table)
    sort = request.GET.get("sort", "staff_deployed")
    if sort in SORTS:
        rows = sort_league(rows, sort)
    if request.GET.get("format") == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-league-{on}.csv"'
        writer = csv.writer(response)
        writer.writerow(list(HXL))
        writer.writerow(list(HXL.values()))
        for row in rows:
            writer.writerow([row[k] for k in HXL])
        return response
    regions = {row.donor.region.code: row.donor.region for row in table}
    for row in rows:
        row["region"] = regions[row["donor_code"]]  # the donor's name in the page's language
    return render(
        request,
        "operations/league.html",
        {
            "programme": programme,
            "on": on,
            "rows": rows,
            "sort": sort,
            "formula": ledger.LEAGUE_FORMULA,
        },
    )


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _applied(count: int) -> str:
    if not count:
        return _(
            "The workbook held no new rows: nothing was changed (the rows already in the ledger "
            "are listed for reference)."
        )
    return ngettext("%(count)s row applied.", "%(count)s rows applied.", count) % {"count": count}


@member_required
def operations_workbook(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    if request.method == "POST":
        return handle_upload(
            request,
            programme,
            apply=lambda data, name: workbook.upload(
                programme=programme, user=request.user, data=data, filename=name
            ),
            done=_applied,
            back="operations:workbook",
        )
    sheet = request.GET.get("csv", "")
    if sheet in workbook.SHEETS:
        response = HttpResponse(
            workbook.as_csv(programme, sheet), content_type="text/csv; charset=utf-8"
        )
        response["Content-Disposition"] = f'attachment; filename="{slug}-{sheet}.csv"'
        return response
    if request.GET.get("download"):
        response = HttpResponse(workbook.template(programme, request.user), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{slug}-operations.xlsx"'
        return response
    return render(
        request,
        "operations/workbook.html",
        {"programme": programme, "sheets": list(workbook.SHEETS)},
    )


@member_required
@require_POST
def renew(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    from pairaid.operations.models import Request

    programme = permissions.programme_for(request.user, slug)
    found = get_object_or_404(
        Request.objects.select_related("recipient"), programme=programme, number=number
    )
    permissions.check(request.user, Action.RAISE_REQUEST, programme, found.recipient.region_id)
    ops.renew_request(request=found)
    messages.success(request, _("Request renewed."))
    return redirect("operations:requests", slug=slug)
