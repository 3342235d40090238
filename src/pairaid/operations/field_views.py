"""Teams and deployments (with rotations), facilities with the responsibility matrix, contacts,
and daily team reports. Each action checks the region-scoped permission and calls one service."""

import datetime
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.errors import Forbidden, Problem, ValidationFailed
from pairaid.operations import ledger
from pairaid.operations import services as ops
from pairaid.operations.models import Contact, Deployment, Facility, Team
from pairaid.operations.views import _choices, _date
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType
from pairaid.web.auth import member_required


def _int(text: str, column: str) -> int | None:
    if not text:
        return None
    if not text.isdigit():
        raise ValidationFailed([Problem(f"expected a whole number, got {text!r}", column=column)])
    return int(text)


def _day(text: str, column: str) -> datetime.date | None:
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            [Problem(f"expected a date as YYYY-MM-DD, got {text!r}", column=column)]
        ) from None


def parse_members(text: str) -> dict[ResourceType, int]:
    """`icu_nurse:30, icu_doctor:5` -> {resource: count}."""
    resources = {r.code: r for r in ResourceType.objects.filter(kind="personnel")}
    members: dict[ResourceType, int] = {}
    problems = []
    for part in (p.strip() for p in text.replace("\n", ",").split(",") if p.strip()):
        code, _, count = part.partition(":")
        if code.strip() not in resources or not count.strip().isdigit():
            problems.append(
                Problem(
                    f"expected PROFESSION:COUNT with a personnel code, got {part!r}",
                    column="members",
                )
            )
            continue
        members[resources[code.strip()]] = int(count)
    if problems:
        raise ValidationFailed(problems)
    return members


@member_required
def teams(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    if request.method == "POST":
        return _register_team(request, programme)
    donors = _choices(request.user, programme, "donor", Action.MANAGE_TEAMS)
    team_rows = (
        Team.objects.filter(programme=programme)
        .select_related("donor__region")
        .prefetch_related(
            "members__resource_type", "deployments__recipient__region", "deployments__facility"
        )
    )
    return render(
        request,
        "operations/teams.html",
        {
            "programme": programme,
            "teams": team_rows,
            "donors": donors,
            "manageable": {p for p, _ in donors},
            "receivable": {
                p for p, _ in _choices(request.user, programme, "recipient", Action.CONFIRM_RECEIPT)
            },
            "recipients": programme.participants.filter(role="recipient")
            .select_related("region")
            .order_by("region__code"),
            "facilities": Facility.objects.filter(programme=programme).select_related(
                "recipient__region"
            ),
            "emt_types": Team.EmtType.choices,
        },
    )


def _register_team(request: HttpRequest, programme: Programme) -> HttpResponse:
    donor = get_object_or_404(
        Participant, pk=_int(request.POST.get("donor", ""), "donor") or 0, programme=programme
    )
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, donor.region_id)
    ops.register_team(
        donor=donor,
        name=request.POST.get("name", "").strip(),
        members=parse_members(request.POST.get("members", "")),
        emt_type=request.POST.get("emt_type") or Team.EmtType.OTHER,
        leader=request.POST.get("leader", ""),
        home_institution=request.POST.get("home_institution", ""),
    )
    messages.success(request, _("Team registered."))
    return redirect("operations:teams", slug=programme.slug)


@member_required
@require_POST
def deploy(request: HttpRequest, slug: str, team_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    team = get_object_or_404(Team.objects.select_related("donor"), pk=team_id, programme=programme)
    permissions.check(request.user, Action.MANAGE_TEAMS, programme, team.donor.region_id)
    recipient = get_object_or_404(
        Participant,
        pk=_int(request.POST.get("recipient", ""), "recipient") or 0,
        programme=programme,
    )
    facility_id = _int(request.POST.get("facility", ""), "facility")
    replaces_id = _int(request.POST.get("replaces", ""), "replaces")
    ops.deploy(
        team=team,
        recipient=recipient,
        facility=Facility.objects.filter(pk=facility_id, programme=programme).first()
        if facility_id
        else None,
        start=_day(request.POST.get("start", ""), "start"),
        end=_day(request.POST.get("end", ""), "end"),
        replaces=Deployment.objects.filter(pk=replaces_id, team__programme=programme).first()
        if replaces_id
        else None,
        overlap_days=_int(request.POST.get("overlap_days", ""), "overlap_days") or 0,
    )
    messages.success(request, _("Deployment planned."))
    return redirect("operations:teams", slug=slug)


MOVES = {
    "dispatch": (ops.dispatch_team, Action.MANAGE_TEAMS, "donor"),
    "arrive": (ops.confirm_arrival, Action.CONFIRM_RECEIPT, "recipient"),
    "end": (ops.end_deployment, Action.MANAGE_TEAMS, "donor"),
}


@member_required
@require_POST
def move(request: HttpRequest, slug: str, deployment_id: int, step: str) -> HttpResponse:
    """dispatch (the donor), arrive (the recipient confirms), end (the donor)."""
    programme = permissions.programme_for(request.user, slug)
    deployment = get_object_or_404(
        Deployment.objects.select_related("team__donor", "recipient"),
        pk=deployment_id,
        team__programme=programme,
    )
    if step not in MOVES:
        raise ValidationFailed([Problem(f"unknown step {step!r}")])
    service, action, side = MOVES[step]
    region_id = (
        deployment.team.donor.region_id if side == "donor" else deployment.recipient.region_id
    )
    permissions.check(request.user, action, programme, region_id)
    service(deployment=deployment, on=_day(request.POST.get("on", ""), "on"))
    messages.success(request, _("Deployment updated."))
    return redirect("operations:teams", slug=slug)


@member_required
def facilities(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    recipients = _choices(request.user, programme, "recipient", Action.MANAGE_FACILITIES)
    if request.method == "POST":
        recipient = get_object_or_404(
            Participant,
            pk=_int(request.POST.get("recipient", ""), "recipient") or 0,
            programme=programme,
        )
        permissions.check(request.user, Action.MANAGE_FACILITIES, programme, recipient.region_id)
        ops.register_facility(
            recipient=recipient,
            name=request.POST.get("name", "").strip(),
            kind=request.POST.get("kind") or Facility.Kind.HOSPITAL,
            beds=_int(request.POST.get("beds", ""), "beds"),
            icu_beds=_int(request.POST.get("icu_beds", ""), "icu_beds"),
        )
        messages.success(request, _("Facility registered."))
        return redirect("operations:facilities", slug=slug)
    on = _date(request, programme)
    return render(
        request,
        "operations/facilities.html",
        {
            "programme": programme,
            "on": on,
            "matrix": ledger.responsibility_matrix(programme, on),
            "recipients": recipients,
            "manageable": {p for p, _ in recipients},  # whose capacity the user records
            "kinds": Facility.Kind.choices,
        },
    )


@member_required
def contacts(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    editable = _choices(request.user, programme, "donor", Action.MANAGE_TEAMS) + _choices(
        request.user, programme, "recipient", Action.MANAGE_FACILITIES
    )
    if request.method == "POST":
        participant = get_object_or_404(
            Participant,
            pk=_int(request.POST.get("participant", ""), "participant") or 0,
            programme=programme,
        )
        action = Action.MANAGE_TEAMS if participant.role == "donor" else Action.MANAGE_FACILITIES
        permissions.check(request.user, action, programme, participant.region_id)
        ops.add_contact(
            programme=programme,
            participant=participant,
            name=request.POST.get("name", "").strip(),
            role=request.POST.get("role", "").strip(),
            phone=request.POST.get("phone", "").strip(),
            email=request.POST.get("email", "").strip(),
        )
        messages.success(request, _("Contact added."))
        return redirect("operations:contacts", slug=slug)
    rows = Contact.objects.filter(programme=programme).select_related(
        "participant__region", "team", "facility"
    )
    return render(
        request,
        "operations/contacts.html",
        {
            "programme": programme,
            "contacts": rows,
            "editable": editable,
            "show_contacts": permissions.can(request.user, Action.VIEW_CONTACTS, programme),
        },
    )


@member_required
def reports(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    if request.method == "POST":
        team = get_object_or_404(
            Team.objects.select_related("donor"),
            pk=_int(request.POST.get("team", ""), "team") or 0,
            programme=programme,
        )
        permissions.check(request.user, Action.MANAGE_TEAMS, programme, team.donor.region_id)
        figures: dict[str, Any] = {
            name: _int(request.POST.get(name, "") or "0", name) or 0 for name in ops.REPORT_FIELDS
        }
        ops.file_report(
            team=team,
            on=_day(request.POST.get("date", ""), "date"),
            shortages=request.POST.get("shortages", ""),
            **figures,
        )
        messages.success(request, _("Report filed."))
        return redirect("operations:reports", slug=slug)
    on = _date(request, programme)
    summary, overdue = ledger.report_summary(programme, on)
    donors = {p for p, _ in _choices(request.user, programme, "donor", Action.MANAGE_TEAMS)}
    my_teams = Team.objects.filter(programme=programme, donor_id__in=donors)
    if not donors and request.method == "POST":
        raise Forbidden("only donors' officers file team reports")
    return render(
        request,
        "operations/reports.html",
        {
            "programme": programme,
            "on": on,
            "summary": summary,
            "overdue": overdue,
            "my_teams": my_teams,
            "fields": ops.REPORT_FIELDS,
        },
    )


@member_required
def funds(request: HttpRequest, slug: str) -> HttpResponse:
    from decimal import Decimal, InvalidOperation

    from pairaid.operations.models import FundCommitment

    programme = permissions.programme_for(request.user, slug)
    donors = _choices(request.user, programme, "donor", Action.PLEDGE)
    if request.method == "POST":
        if not donors:
            raise Forbidden("only donors' officers and coordinators record funds")
        try:
            amount = Decimal(request.POST.get("amount", ""))
        except InvalidOperation:
            raise ValidationFailed(
                [
                    Problem(
                        f"expected an amount, got {request.POST.get('amount')!r}", column="amount"
                    )
                ]
            ) from None
        commitment_id = _int(request.POST.get("commitment", ""), "commitment")
        if commitment_id:
            commitment = get_object_or_404(
                FundCommitment.objects.select_related("donor"),
                pk=commitment_id,
                programme=programme,
            )
            permissions.check(request.user, Action.PLEDGE, programme, commitment.donor.region_id)
            ops.disburse(
                commitment=commitment,
                amount=amount,
                on=_day(request.POST.get("date", ""), "date"),
                reference=request.POST.get("reference", ""),
            )
        else:
            donor = get_object_or_404(
                Participant,
                pk=_int(request.POST.get("donor", ""), "donor") or 0,
                programme=programme,
            )
            permissions.check(request.user, Action.PLEDGE, programme, donor.region_id)
            recipient = get_object_or_404(
                Participant,
                pk=_int(request.POST.get("recipient", ""), "recipient") or 0,
                programme=programme,
            )
            ops.commit_funds(
                donor=donor,
                recipient=recipient,
                year=_int(request.POST.get("year", ""), "year") or programme.current_date().year,
                amount=amount,
                kind=request.POST.get("kind") or "cash",
                description=request.POST.get("description", ""),
            )
        messages.success(request, _("Recorded."))
        return redirect("operations:funds", slug=slug)
    commitments = (
        FundCommitment.objects.filter(programme=programme)
        .select_related("donor__region", "recipient__region")
        .prefetch_related("disbursements__discrepancies", "disbursements__pledge__line__request")
        .order_by("year", "donor__region__code")
    )
    return render(
        request,
        "operations/funds.html",
        {
            "programme": programme,
            "commitments": commitments,
            "donors": donors,
            "manageable": {p for p, _ in donors},
            "receivable": {
                p for p, _ in _choices(request.user, programme, "recipient", Action.CONFIRM_RECEIPT)
            },
            "recipients": programme.participants.filter(role="recipient")
            .select_related("region")
            .order_by("region__code"),
            "year": programme.current_date().year,
        },
    )


@member_required
@require_POST
def snapshot(request: HttpRequest, slug: str, facility_id: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    facility = get_object_or_404(
        Facility.objects.select_related("recipient"), pk=facility_id, programme=programme
    )
    permissions.check(
        request.user, Action.MANAGE_FACILITIES, programme, facility.recipient.region_id
    )
    counts = {
        name: _int(request.POST.get(name, ""), name)
        for name in ("beds_available", "beds_occupied", "icu_available", "icu_occupied")
    }
    ops.record_snapshot(facility=facility, on=_day(request.POST.get("date", ""), "date"), **counts)
    messages.success(request, _("Capacity recorded."))
    return redirect("operations:facilities", slug=slug)
