"""The projects pages: the list with the form to register one, a project's page (its details,
budget, results, the ledger's transactions, its moves and history), its edit page, and the 3W
with its map, its gaps and its HXL CSV. Each write calls one service, which checks the user's
standing (projects.services)."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.errors import Forbidden, NotFound, Problem, ValidationFailed
from pairaid.forms import query, refusals_on, submitted, valid
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Programme
from pairaid.projects import exports, iati, maps, sectors
from pairaid.projects import queries as project_queries
from pairaid.projects import services as project_services
from pairaid.projects.forms import (
    ActualForm,
    DetailsForm,
    ExpenditureForm,
    LinkForm,
    MoveForm,
    ProjectForm,
    ResultForm,
    ThreeWQuery,
)
from pairaid.projects.models import Project
from pairaid.registry.models import ResourceType
from pairaid.spreadsheets import write_csv

# The projects' money by pairing, as the page heads its columns (`queries.MONEY_KINDS`).
MONEY_HEADINGS = list(
    zip(
        project_queries.MONEY_KINDS,
        [
            gettext_lazy("Budget"),
            gettext_lazy("Committed"),
            gettext_lazy("Disbursed"),
            gettext_lazy("Spent"),
        ],
        strict=True,
    )
)


def _editable_pairings(user: Any, programme: Programme) -> list[Pairing]:
    """The decided pairings whose donor side the user acts for: where it may add projects."""
    pairings = (
        Pairing.objects.of_record()
        .filter(programme=programme)
        .select_related("donor__region", "recipient__region")
        .order_by("donor__region__code", "recipient__region__code", "-pk")
    )
    return [
        p
        for p in pairings
        if permissions.can(user, Action.EDIT_PROJECT, programme, p.donor.region_id)
    ]


@member_required
def projects(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    pairings = _editable_pairings(request.user, programme)
    form = ProjectForm(request.POST or None, programme=programme, pairings=pairings)
    if request.method == "POST":
        if not pairings:
            raise Forbidden(_("Only donors' officers and coordinators register projects."))
        made: list[Project] = []

        def register(data: dict[str, Any]) -> None:
            made.append(
                project_services.create_project(
                    user=request.user,
                    pairing=data["pairing"],
                    title=data["title"],
                    sector=data["sector"],
                    location=data["location"],
                    planned_start=data["planned_start"],
                    planned_end=data["planned_end"],
                    budget=form.budget(),
                    description=data["description"],
                )
            )

        if submitted(form, register):
            messages.success(request, _("Project registered."))
            return redirect("projects:project", slug=slug, project_id=made[0].pk)
    asked = query(request, ThreeWQuery)
    shown = project_queries.projects(programme, sector=asked["sector"], status=asked["status"])
    sums = project_queries.money(shown)
    return render(
        request,
        "projects/projects.html",
        {
            "programme": programme,
            "rows": [(p, sums[p.pk]) for p in shown],
            "by_pairing": project_queries.money_by_pairing(programme),
            "money_kinds": MONEY_HEADINGS,
            "form": form if pairings else None,
            "sectors": sectors.CHOICES,
            "statuses": Project.Status.choices,
            "asked": asked,
        },
        status=400 if form.is_bound else 200,
    )


def _project(request: HttpRequest, slug: str, project_id: int) -> Project:
    programme = permissions.programme_for(request.user, slug)
    return project_queries.project_of(programme, project_id)


@member_required
def project(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    shown = _project(request, slug, project_id)
    may_edit = project_services.may(request.user, shown, Action.EDIT_PROJECT)
    may_confirm = project_services.may(request.user, shown, Action.CONFIRM_PROJECT)
    link_form = LinkForm(project=shown) if may_edit else None
    return render(
        request,
        "projects/project.html",
        {
            "programme": shown.programme,
            "project": shown,
            "money": project_queries.money(Project.objects.filter(pk=shown.pk))[shown.pk],
            "transactions": project_queries.transactions(shown),
            "results": list(shown.results.all()),
            "moves": [
                (name, move.label)
                for name, move in project_services.MOVES.items()
                if project_services.may_move(request.user, shown, name)
            ],
            "move_form": MoveForm(),
            "may_edit": may_edit and shown.status not in project_services.OVER,
            "may_confirm": may_confirm,
            "result_form": ResultForm() if may_edit else None,
            "actual_form": ActualForm() if may_confirm else None,
            "expenditure_form": ExpenditureForm() if may_edit else None,
            "link_form": link_form if link_form is not None and link_form.offers_any else None,
            "history": shown.history.select_related("history_user").order_by("-history_date"),
        },
    )


@member_required
def edit(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    shown = _project(request, slug, project_id)
    project_services.check(request.user, shown, Action.EDIT_PROJECT)
    form = DetailsForm(
        request.POST or None, programme=shown.programme, initial=DetailsForm.initial_of(shown)
    )
    if request.method == "POST" and submitted(
        form,
        lambda data: project_services.edit_project(
            user=request.user,
            project=shown,
            title=data["title"],
            sector=data["sector"],
            location=data["location"],
            planned_start=data["planned_start"],
            planned_end=data["planned_end"],
            description=data["description"],
            budget=form.budget(),
        ),
    ):
        messages.success(request, _("Project saved."))
        return redirect("projects:project", slug=slug, project_id=shown.pk)
    return render(
        request,
        "projects/edit.html",
        {"programme": shown.programme, "project": shown, "form": form},
        status=400 if form.is_bound else 200,
    )


def _posted(
    request: HttpRequest,
    shown: Project,
    form: forms.Form,
    act: Callable[[dict[str, Any]], object],
    done: str,
) -> HttpResponse:
    """A small form of the project's page: its values given to one service call (`act`), a
    refusal shown where it is in the form's words, then back to the project."""
    data = valid(form)
    with refusals_on(form):
        act(data)
    messages.success(request, done)
    return redirect("projects:project", slug=shown.programme.slug, project_id=shown.pk)


@member_required
@require_POST
def move(request: HttpRequest, slug: str, project_id: int, name: str) -> HttpResponse:
    shown = _project(request, slug, project_id)
    return _posted(
        request,
        shown,
        MoveForm(request.POST),
        lambda data: project_services.move(
            user=request.user,
            project=shown,
            name=name,
            on=data["on"],
            receiving_body=data["receiving_body"] or "",
        ),
        _("Project %(title)s updated.") % {"title": shown.title},
    )


@member_required
@require_POST
def add_result(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    shown = _project(request, slug, project_id)
    return _posted(
        request,
        shown,
        ResultForm(request.POST),
        lambda data: project_services.add_result(user=request.user, project=shown, **data),
        _("Result indicator added."),
    )


@member_required
@require_POST
def record_actual(request: HttpRequest, slug: str, project_id: int, result_id: int) -> HttpResponse:
    shown = _project(request, slug, project_id)
    indicator = shown.results.filter(pk=result_id).first()
    if indicator is None:
        raise NotFound(_("no such result indicator"))
    return _posted(
        request,
        shown,
        ActualForm(request.POST),
        lambda data: project_services.record_actual(
            user=request.user, indicator=indicator, actual=data["actual"], on=data["on"]
        ),
        _("Actual value confirmed."),
    )


@member_required
@require_POST
def record_expenditure(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    shown = _project(request, slug, project_id)
    return _posted(
        request,
        shown,
        ExpenditureForm(request.POST),
        lambda data: project_services.record_expenditure(
            user=request.user,
            project=shown,
            amount=data["amount"],
            on=data["on"],
            description=data["description"],
        ),
        _("Expenditure recorded."),
    )


def _link(user: Any, project: Project, data: dict[str, Any]) -> None:
    """The commitment and the disbursement named (one at least) become the project's."""
    if data["commitment"] is None and data["disbursement"] is None:
        raise ValidationFailed(
            [Problem(_("Choose a commitment or a disbursement."), column="commitment")]
        )
    if data["commitment"] is not None:
        project_services.link_commitment(user=user, project=project, commitment=data["commitment"])
    if data["disbursement"] is not None:
        project_services.link_disbursement(
            user=user, project=project, disbursement=data["disbursement"]
        )


@member_required
@require_POST
def link(request: HttpRequest, slug: str, project_id: int) -> HttpResponse:
    shown = _project(request, slug, project_id)
    project_services.check(request.user, shown, Action.EDIT_PROJECT)
    return _posted(
        request,
        shown,
        LinkForm(request.POST, project=shown),
        lambda data: _link(request.user, shown, data),
        _("Money linked to the project."),
    )


@member_required
def iati_activities(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's projects as IATI activity XML 2.03, to download."""
    programme = permissions.programme_for(request.user, slug)
    response = HttpResponse(iati.of_programme(programme), content_type="application/xml")
    response["Content-Disposition"] = f'attachment; filename="{slug}-iati-activities.xml"'
    return response


@member_required
def three_w(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    asked = query(request, ThreeWQuery)
    cells = project_queries.three_w(programme, sector=asked["sector"], status=asked["status"])
    if asked["format"] == "csv":
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{slug}-3w.csv"'
        write_csv(response, exports.hxl_rows(cells))
        return response
    gaps = [
        gap
        for gap in project_queries.gaps(programme, programme.current_date())
        if not asked["sector"] or gap.sector.code == asked["sector"]
    ]
    return render(
        request,
        "projects/three_w.html",
        {
            "programme": programme,
            "cells": cells,
            "gaps": gaps,
            "map_data": maps.map_data(cells),
            "resources": ResourceType.objects.filter(
                code__in={code for gap in gaps for code in gap.resources}
            ),
            "sectors": sectors.CHOICES,
            "statuses": Project.Status.choices,
            "asked": asked,
            "query": request.GET.urlencode(),
        },
    )
