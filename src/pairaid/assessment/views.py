"""The assessment pages: the programme's assessments (and the coordinator's form to define
one), a year's overview (every review's state, the cross-checkers, the published ranking), and
a review's page (its steps with their scores and evidence, the form of the step the reader may
take, its history). Each write calls one service, which checks the user's standing."""

from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.assessment import queries as assessment_queries
from pairaid.assessment import services as assessment_services
from pairaid.assessment.forms import AssessmentForm, CrossCheckerForm, StepForm
from pairaid.assessment.models import Assessment, Criterion, Review, StepEntry
from pairaid.errors import NotFound
from pairaid.forms import refusals_on, submitted, valid
from pairaid.programmes.models import Programme


@member_required
def assessments(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    may_define = permissions.can(request.user, Action.MANAGE_ASSESSMENT, programme)
    form = AssessmentForm(request.POST or None) if may_define else None
    if request.method == "POST":
        permissions.check(request.user, Action.MANAGE_ASSESSMENT, programme)
        assert form is not None
        made: list[Assessment] = []

        def define(data: dict[str, Any]) -> None:
            made.append(
                assessment_services.define_assessment(
                    user=request.user,
                    programme=programme,
                    year=data["year"],
                    title=data["title"],
                    criteria=data["criteria"],
                    deadlines={name: data[name] for name in assessment_services.DEADLINES},
                )
            )

        if submitted(form, define):
            messages.success(request, _("Assessment defined."))
            return redirect("assessment:assessment", slug=slug, year=made[0].year)
    return render(
        request,
        "assessment/assessments.html",
        {
            "programme": programme,
            "assessments": programme.assessments.prefetch_related("criteria", "reviews"),
            "form": form,
        },
        status=400 if form is not None and form.is_bound else 200,
    )


def _assessment(programme: Programme, year: int) -> Assessment:
    found = programme.assessments.filter(year=year).first()
    if found is None:
        raise NotFound(_("no assessment of %(year)s") % {"year": year})
    return found


@member_required
def assessment(request: HttpRequest, slug: str, year: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    shown = _assessment(programme, year)
    reviews = list(assessment_queries.reviews(shown))
    may_manage = permissions.can(request.user, Action.MANAGE_ASSESSMENT, programme)
    published = sorted(
        (r for r in reviews if r.state == Review.State.PUBLISHED),
        key=lambda r: (-(r.final_score or 0), r.pairing.donor.region.code),
    )
    return render(
        request,
        "assessment/assessment.html",
        {
            "programme": programme,
            "assessment": shown,
            "criteria": list(shown.criteria.all()),
            "rows": [
                (
                    r,
                    assessment_services.awaited_step(r),
                    CrossCheckerForm(review=r)
                    if may_manage and r.state in CROSS_CHECK_OPEN
                    else None,
                )
                for r in reviews
            ],
            "published": published,
            "steps": assessment_services.STEPS,
        },
    )


CROSS_CHECK_OPEN = (Review.State.SELF_ASSESSMENT, Review.State.OPINION, Review.State.CROSS_CHECK)


def _review(request: HttpRequest, slug: str, year: int, review_id: int) -> Review:
    programme = permissions.programme_for(request.user, slug)
    review = assessment_queries.reviews(_assessment(programme, year)).filter(pk=review_id).first()
    if review is None:
        raise NotFound(_("no such review"))
    return review


@member_required
def review(request: HttpRequest, slug: str, year: int, review_id: int) -> HttpResponse:
    shown = _review(request, slug, year, review_id)
    awaited = assessment_services.awaited_step(shown)
    may_take = awaited is not None and assessment_services.may_take(request.user, shown, awaited)
    entries = assessment_queries.entries(shown)
    criteria = list(shown.assessment.criteria.all())
    return render(
        request,
        "assessment/review.html",
        {
            "programme": shown.assessment.programme,
            "assessment": shown.assessment,
            "review": shown,
            "criteria": criteria,
            "entries": [
                (entry, assessment_services.STEPS[entry.step].label, _scores(entry, criteria))
                for entry in entries
            ],
            "awaited": awaited,
            "awaited_label": assessment_services.STEPS[awaited].label if awaited else "",
            "form": StepForm(review=shown, step=awaited) if may_take and awaited else None,
            "history": shown.history.select_related("history_user").order_by("-history_date"),
        },
    )


def _scores(entry: StepEntry, criteria: list[Criterion]) -> list[Decimal | None]:
    """The step's score of each criterion, in the criteria's order (None: not scored)."""
    by_criterion = {score.criterion_id: score.value for score in entry.scores.all()}
    return [by_criterion.get(c.pk) for c in criteria]


@member_required
@require_POST
def take_step(
    request: HttpRequest, slug: str, year: int, review_id: int, name: str
) -> HttpResponse:
    shown = _review(request, slug, year, review_id)
    if name not in assessment_services.STEPS:
        raise assessment_services.unknown_step(name)
    form = StepForm(request.POST, review=shown, step=name)
    data = valid(form)
    with refusals_on(form):
        assessment_services.take_step(
            user=request.user,
            review=shown,
            name=name,
            scores=form.scores(),
            note=data["note"],
            evidence=form.evidence_rows(),
            on=data["on"],
        )
    messages.success(request, _("Step recorded."))
    return redirect("assessment:review", slug=slug, year=year, review_id=shown.pk)


@member_required
@require_POST
def assign_cross_checker(
    request: HttpRequest, slug: str, year: int, review_id: int
) -> HttpResponse:
    shown = _review(request, slug, year, review_id)
    permissions.check(request.user, Action.MANAGE_ASSESSMENT, shown.assessment.programme)
    form = CrossCheckerForm(request.POST, review=shown)
    data = valid(form)
    with refusals_on(form):
        assessment_services.assign_cross_checker(
            user=request.user, review=shown, participant=form.participants[data["participant"]]
        )
    messages.success(request, _("Cross-checker assigned."))
    return redirect("assessment:assessment", slug=slug, year=year)
