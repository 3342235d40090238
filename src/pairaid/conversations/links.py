"""Where each thing a notification or a thread is about is shown: the address that takes its
reader straight to it (pages only: the domain knows no URLs)."""

from collections.abc import Callable
from typing import Any

from django.db import models
from django.urls import reverse

from pairaid.assessment.models import Review
from pairaid.conversations import queries
from pairaid.conversations.models import Event, Message, Thread
from pairaid.operations.models import (
    Deployment,
    Facility,
    Offer,
    Pledge,
    Request,
    Shipment,
    Transfer,
)
from pairaid.pairing.models import PairingNotice, PlanRun
from pairaid.programmes.models import Participant
from pairaid.situation.models import SituationReport


def _requests(slug: str, number: int) -> str:
    return reverse("operations:requests", args=[slug]) + f"#request-{number}"


def thread_url(thread: Thread) -> str:
    return reverse(
        "conversations:thread", args=[thread.programme.slug, thread.kind, queries.key(thread)]
    )


# Each kind of object, and its page (with the anchor of its row where the page lists many).
PAGES: dict[type[models.Model], Callable[[Any], str]] = {
    Request: lambda r: _requests(r.programme.slug, r.number),
    Pledge: lambda p: _requests(p.line.request.programme.slug, p.line.request.number),
    Shipment: lambda s: _requests(
        s.pledge.line.request.programme.slug, s.pledge.line.request.number
    ),
    Deployment: lambda d: reverse("operations:teams", args=[d.team.programme.slug]),
    Transfer: lambda t: (
        reverse("operations:transfers", args=[t.programme.slug]) + f"#transfer-{t.number}"
    ),
    Offer: lambda o: reverse("operations:offers", args=[o.programme.slug]) + f"#offer-{o.number}",
    PlanRun: lambda r: reverse("pairing:run", args=[r.programme.slug, r.number]),
    PairingNotice: lambda n: reverse("pairing:notice", args=[n.programme.slug, n.number]),
    Message: lambda m: thread_url(m.thread) + f"#message-{m.pk}",
    SituationReport: lambda r: (
        reverse("situation:report", args=[r.programme.slug, r.number]) + f"?revision={r.revision}"
    ),
    Facility: lambda f: reverse("operations:facilities", args=[f.programme.slug]),
    Participant: lambda p: reverse("operations:gaps", args=[p.programme.slug]),
    # an escalation leads to what was not acknowledged
    Event: lambda e: of_event(e),
    Review: lambda r: reverse(
        "assessment:review", args=[r.assessment.programme.slug, r.assessment.year, r.pk]
    ),
}


def of_event(event: Event) -> str:
    """The page of the event's object ("" where it has since been deleted)."""
    subject = event.subject
    if subject is None:
        return ""
    return PAGES[type(subject)](subject)
