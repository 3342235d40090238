"""Placement: the coordinator asks the recommender where the patients waiting now should go,
everyone in the programme reads its recommendations, and the chosen lines become transfer
requests (services.placement)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.forms import submitted, valid
from pairaid.labels import local_name
from pairaid.operations.forms import PlacementForm, PlacementLinesForm
from pairaid.operations.models import BED_TYPE_CHOICES, Facility, PlacementRecommendation
from pairaid.operations.queries import placement as placement_queries
from pairaid.operations.queries import placement_map
from pairaid.operations.services import placement as placement_services
from pairaid.operations.views.common import shown_or_latest
from pairaid.pairing import engine_messages
from pairaid.programmes.models import Participant, Programme


def tier_names() -> dict[int, str]:
    """The escalation tiers (engine.tiers) in words, for the map's legend and its table."""
    return {
        1: _("1: within the region"),
        2: _("2: within the parent region"),
        3: _("3: within the cluster"),
        4: _("4: across the programme"),
    }


def _shown(programme: Programme, number: str | None) -> PlacementRecommendation | None:
    return shown_or_latest(PlacementRecommendation.objects.filter(programme=programme), number)


def names(recommendation: PlacementRecommendation) -> dict[str, str]:
    """Engine ids of a recommendation -> names in the active language: its facilities, the
    places patients wait, and its regions (labels.IdNames puts them into explanations)."""
    problem = recommendation.problem
    facility_ids = [placement_queries.facility_pk(f["id"]) for f in problem.get("facilities", [])]
    facilities = {
        f.pk: f
        for f in Facility.objects.filter(pk__in=facility_ids).select_related("recipient__region")
    }
    named = {placement_queries.facility_id(f): f.name for f in facilities.values()}
    queue_ids = []
    for site in problem.get("sites", []):
        kind, pk = placement_queries.origin_of(site["id"])
        if kind == "facility" and pk in facilities:
            named[site["id"]] = _("%(facility)s (waiting)") % {"facility": facilities[pk].name}
        elif kind == "queue":
            queue_ids.append(pk)
    for participant in Participant.objects.filter(pk__in=queue_ids).select_related("region"):
        named[f"{placement_queries.QUEUE}{participant.pk}"] = _("%(region)s: community queue") % {
            "region": local_name(participant.region)
        }
    references = {r["id"] for r in problem.get("regions", [])}
    for participant in recommendation.programme.participants.select_related("region"):
        if participant.region.reference in references:
            named[participant.region.reference] = local_name(participant.region)
    return named


@member_required
def placement(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    may_recommend = permissions.can(request.user, Action.RECOMMEND_PLACEMENT, programme)
    form = PlacementForm(request.POST or None)
    made: list[PlacementRecommendation] = []
    if request.method == "POST":
        permissions.check(request.user, Action.RECOMMEND_PLACEMENT, programme)
        if submitted(
            form,
            lambda _data: made.append(
                placement_services.recommend(
                    programme=programme, user=request.user, assumptions=form.assumptions()
                )
            ),
        ):
            messages.success(request, _("Placement recommended."))
            return redirect(
                f"{request.path}?number={made[0].number}",
            )
    shown = _shown(programme, request.GET.get("number"))
    return render(
        request,
        "operations/placement.html",
        {
            "programme": programme,
            "form": form,
            "may_recommend": may_recommend,
            "shown": shown,
            **(_result_context(request, shown) if shown else {}),
            "earlier": PlacementRecommendation.objects.filter(programme=programme).only(
                "number", "made_at"
            )[:20],
        },
        status=400 if form.is_bound else 200,
    )


def _result_context(request: HttpRequest, shown: PlacementRecommendation) -> dict[str, Any]:
    named = names(shown)
    result = shown.result
    lines = [
        {
            "index": index,
            "line": index + 1,
            "site": named.get(p["site"], p["site"]),
            "facility": named.get(p["facility"], p["facility"]),
            **{k: p[k] for k in ("acuity", "bed_type", "patients", "travel_hours", "tier")},
            "requested": index in shown.requested,
        }
        for index, p in enumerate(result.get("placements", []))
    ]
    drawn = placement_map.map_data(shown)
    return {
        "result": result,
        "lines": lines,
        "map_data": drawn,
        "map_rows": _map_rows(drawn),
        "tier_names": tier_names(),
        "may_request": any(not line["requested"] for line in lines)
        and permissions.can(request.user, Action.RECOMMEND_PLACEMENT, shown.programme),
        "explanations": [
            engine_messages.render(m, names=named) for m in result.get("explanations", [])
        ],
        "bed_labels": dict(BED_TYPE_CHOICES),
        "waiting": sum(sum(s["waiting"].values()) for s in shown.problem.get("sites", [])),
    }


def _map_rows(drawn: dict[str, Any]) -> list[dict[str, Any]]:
    """The map's facts as a table (for those who cannot see the map): each receiving region,
    the farthest tier its patients come at, how many, and from where."""
    region_names = {r["id"]: r["name"] for r in drawn["regions"]}
    words = tier_names()
    rows = []
    for receiver in drawn["receivers"]:
        coming: dict[str, int] = {}
        for arc in drawn["arcs"]:
            if arc["to"] == receiver["region"]:
                origin = region_names[arc["from"]]
                coming[origin] = coming.get(origin, 0) + arc["patients"]
        rows.append(
            {
                "region": region_names[receiver["region"]],
                "tier": words.get(receiver["tier"], str(receiver["tier"])),
                "patients": receiver["patients"],
                "origins": [
                    ngettext(
                        "%(region)s (%(patients)s patient)",
                        "%(region)s (%(patients)s patients)",
                        count,
                    )
                    % {"region": name, "patients": count}
                    for name, count in sorted(coming.items())
                ],
            }
        )
    return rows


@member_required
@require_POST
def request_lines(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    shown = _shown(programme, str(number))
    assert shown is not None  # _shown raises Http404 for a number it does not find
    form = PlacementLinesForm(request.POST, count=len(shown.result.get("placements", [])))
    data = valid(form)
    made = placement_services.request_transfers(
        recommendation=shown, lines=data["lines"], user=request.user
    )
    messages.success(
        request,
        _("%(count)s transfer(s) requested: the receiving facilities decide on them.")
        % {"count": len(made)},
    )
    return redirect("operations:transfers", slug=slug)
