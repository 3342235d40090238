"""Phases over the API: a programme's phase view, and setting the phase it took over from."""

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Field, Router, Schema

from pairaid import api_fields
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.pairing.phases import PhasePair, PhaseStep, PhaseView, visible_phase_view
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Programme
from pairaid.registry.models import Source

router = Router(tags=["phases"])


class PhaseProgrammeOut(Schema):
    slug: str
    name_en: str
    name_zh: str
    period_start: datetime.date
    period_end: datetime.date | None
    follows: str = Field(description="the slug of the previous phase; empty for the first")
    follows_source: str = Field(description="the key of the source that states the link")


class PhasePairOut(Schema):
    donor: str = Field(description="the donor's region, by reference")
    recipient: str = Field(description="the recipient's region, by reference")


class PhaseCarriedOut(Schema):
    before: PhasePairOut
    after: PhasePairOut


class PhaseChangeOut(Schema):
    before: PhasePairOut
    after: list[PhasePairOut] = Field(
        description="the later pairs of the same recipient (another donor) or of the same donor "
        "(another recipient)"
    )


class PhaseStepOut(Schema):
    earlier: str
    later: str
    carried: list[PhaseCarriedOut]
    changed: list[PhaseChangeOut]
    ended: list[PhasePairOut]
    new: list[PhasePairOut]


class PhasesOut(Schema):
    programme: str
    timeline: list[PhaseProgrammeOut] = Field(description="the phases you can see, earliest first")
    steps: list[PhaseStepOut]


class PreviousPhaseIn(Schema):
    follows: Annotated[str, api_fields.text(Programme, "slug")] = Field(
        "", description="the slug of the previous phase; empty unlinks"
    )
    source: Annotated[str, api_fields.text(Source, "key")] = Field(
        "", description="the key of the source that states the link (required with follows)"
    )


def _pair_out(pair: PhasePair) -> dict[str, str]:
    return {"donor": pair.donor.region.reference, "recipient": pair.recipient.region.reference}


def _step_out(step: PhaseStep) -> dict[str, object]:
    return {
        "earlier": step.earlier.slug,
        "later": step.later.slug,
        "carried": [{"before": _pair_out(a), "after": _pair_out(b)} for a, b in step.carried],
        "changed": [
            {"before": _pair_out(c.before), "after": [_pair_out(p) for p in c.after]}
            for c in step.changed
        ],
        "ended": [_pair_out(p) for p in step.ended],
        "new": [_pair_out(p) for p in step.new],
    }


def _phases_out(view: PhaseView) -> dict[str, object]:
    timeline = [
        {
            "slug": p.slug,
            "name_en": p.name_en,
            "name_zh": p.name_zh,
            "period_start": p.period_start,
            "period_end": p.period_end,
            "follows": p.follows.slug if p.follows else "",
            "follows_source": p.follows_source.key if p.follows_source else "",
        }
        for p in view.timeline
    ]
    return {
        "programme": view.programme.slug,
        "timeline": timeline,
        "steps": [_step_out(s) for s in view.steps],
    }


@router.get(
    "/programmes/{slug}/phases",
    response=PhasesOut,
    summary="The programme's phases: timeline, and which pairs carried over, changed or ended",
)
def get_phases(request: HttpRequest, slug: str) -> dict[str, object]:
    programme = permissions.programme_for(request.user, slug)
    return _phases_out(visible_phase_view(request.user, programme))


@router.post(
    "/programmes/{slug}/previous-phase",
    response=PhasesOut,
    summary="Link the programme to the phase it took over from, with the source (coordinators)",
)
def set_previous_phase(
    request: HttpRequest, slug: str, payload: PreviousPhaseIn
) -> dict[str, object]:
    programme = permissions.programme_for(request.user, slug, Action.SET_PROGRAMME_DATE)
    # Linking names another programme: only one the user can see.
    previous = permissions.programme_for(request.user, payload.follows) if payload.follows else None
    programme_services.set_previous_phase(
        programme=programme, previous=previous, source_key=payload.source
    )
    return _phases_out(visible_phase_view(request.user, programme))
