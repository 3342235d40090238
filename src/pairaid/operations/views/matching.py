"""Matching: the coordinator asks the matcher which offered lots should fill which open
request lines, everyone in the programme reads its proposals, and each donor's officer accepts
its own lines as pledges in one step (services.matching)."""

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.forms import valid
from pairaid.labels import local_name
from pairaid.operations.forms import MatchingDonorForm
from pairaid.operations.models import MatchingLine, MatchingProposal
from pairaid.operations.queries import matching as matching_queries
from pairaid.operations.services import matching as matching_services
from pairaid.operations.views.common import shown_or_latest
from pairaid.pairing import engine_messages
from pairaid.programmes.models import Participant, Programme


def level_names() -> dict[str, str]:
    """The matcher's levels (engine.matching), in the order it proves them, in words."""
    return {
        "worst_fill_share": _("1. the worst-off recipient's fill share"),
        "quantity_filled": _("2. the quantity filled"),
        "distance": _("3. distance (quantity × km)"),
    }


def metric_names() -> dict[str, str]:
    """The result's metrics in words."""
    return {
        "recipients_counted": _("Recipients asking for an item someone offers"),
        "recipients_receiving": _("Recipients receiving anything"),
        "share_receiving": _("Share of them receiving anything"),
        "quantity_filled": _("Quantity filled"),
        "mean_fill_share": _("Mean fill share"),
        "fill_gini": _("Gini of the fill shares (0: even)"),
        "km_weighted": _("Quantity × km"),
    }


def _shown(programme: Programme, number: str | None) -> MatchingProposal | None:
    return shown_or_latest(MatchingProposal.objects.filter(programme=programme), number)


def names(lines: list[tuple[int, MatchingLine]], programme: Programme) -> dict[str, str]:
    """Engine ids of a proposal -> names in the active language: its donors and recipients,
    its lots and request lines (labels.IdNames puts them into explanations)."""
    named = {
        p.region.reference: local_name(p.region)
        for p in programme.participants.select_related("region")
    }
    for _number, line in lines:
        offered, needed = line.offer_line, line.request_line
        named[matching_queries.lot_id(offered)] = _("offer %(number)s (%(item)s)") % {
            "number": offered.offer.number,
            "item": local_name(offered.resource_type),
        }
        named[matching_queries.need_id(needed)] = _("request %(number)s (%(item)s)") % {
            "number": needed.request.number,
            "item": local_name(needed.resource_type),
        }
    return named


@member_required
def matching(request: HttpRequest, slug: str) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    if request.method == "POST":
        made = matching_services.propose(programme=programme, user=request.user)
        messages.success(
            request,
            ngettext(
                "Proposal %(number)s: %(count)s line.",
                "Proposal %(number)s: %(count)s lines.",
                made.lines.count(),
            )
            % {"number": made.number, "count": made.lines.count()},
        )
        return redirect(f"{request.path}?number={made.number}")
    shown = _shown(programme, request.GET.get("number"))
    return render(
        request,
        "operations/matching.html",
        {
            "programme": programme,
            "may_propose": permissions.can(request.user, Action.PROPOSE_MATCHING, programme),
            "shown": shown,
            **(_proposal_context(request, shown) if shown else {}),
            "earlier": MatchingProposal.objects.filter(programme=programme).only(
                "number", "made_at"
            )[:20],
        },
    )


def _proposal_context(request: HttpRequest, shown: MatchingProposal) -> dict[str, Any]:
    lines = matching_services.numbered_lines(shown)
    named = names(lines, shown.programme)
    result = shown.result
    levels = level_names()
    metrics = metric_names()
    return {
        "result": result,
        "levels": [
            {**level, "label": levels.get(level["name"], level["name"])}
            for level in result.get("levels", [])
        ],
        "metrics": [
            {"label": label, "value": result.get("metrics", {})[key]}
            for key, label in metrics.items()
            if key in result.get("metrics", {})
        ],
        "explanations": [
            engine_messages.render(m, names=named) for m in result.get("explanations", [])
        ],
        "donors": _by_donor(request, shown, lines),
    }


def _by_donor(
    request: HttpRequest, shown: MatchingProposal, lines: list[tuple[int, MatchingLine]]
) -> list[dict[str, Any]]:
    """The proposal's lines grouped by donor, donors by name, each with whether the user may
    accept its lines and whether any are left to accept."""
    groups: dict[int, dict[str, Any]] = {}
    for number, line in lines:
        donor = line.offer_line.offer.donor
        group = groups.setdefault(
            donor.pk, {"donor": donor, "name": local_name(donor.region), "lines": []}
        )
        needed = line.request_line
        group["lines"].append(
            {
                "number": number,
                "offer": line.offer_line.offer.number,
                "item": local_name(line.offer_line.resource_type),
                "unit": line.offer_line.resource_type.unit,
                "recipient": local_name(needed.request.recipient.region),
                "request": needed.request.number,
                "quantity": line.quantity,
                "km": line.km,
                "accepted": line.pledge_id is not None,
            }
        )
    for group in groups.values():
        group["left"] = any(not line["accepted"] for line in group["lines"])
        group["may_accept"] = group["left"] and permissions.can(
            request.user, Action.ACCEPT_MATCHING, shown.programme, group["donor"].region_id
        )
    return sorted(groups.values(), key=lambda group: group["name"])


@member_required
@require_POST
def accept(request: HttpRequest, slug: str, number: int) -> HttpResponse:
    programme = permissions.programme_for(request.user, slug)
    shown = _shown(programme, str(number))
    assert shown is not None  # _shown raises Http404 for a number it does not find
    data = valid(MatchingDonorForm(request.POST))
    donor = get_object_or_404(
        Participant.objects.select_related("region"),
        programme=programme,
        role=Participant.Role.DONOR,
        pk=data["donor"],
    )
    made = matching_services.accept_for_donor(proposal=shown, donor=donor, user=request.user)
    messages.success(
        request,
        ngettext(
            "%(donor)s pledged %(count)s line of proposal %(number)s.",
            "%(donor)s pledged %(count)s lines of proposal %(number)s.",
            len(made),
        )
        % {"donor": local_name(donor.region), "count": len(made), "number": shown.number},
    )
    return redirect(reverse("operations:matching", args=[slug]) + f"?number={shown.number}")
