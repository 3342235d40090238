"""What the operations pages share: the participants a user may act for, the page's date, the
pledge a donor fulfils, and form values read with a clear refusal."""

import datetime
from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.errors import Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.operations.models import Pledge
from pairaid.programmes.models import Programme


def choices(user: Any, programme: Programme, role: str, action: Action) -> list[tuple[int, str]]:
    """The participants of a role the user may act for, as (id, name in the page's language)."""
    members = (
        programme.participants.filter(role=role).select_related("region").order_by("region__code")
    )
    return [
        (p.pk, local_name(p.region))
        for p in members
        if permissions.can(user, action, programme, p.region_id)
    ]


def programme_date(request: HttpRequest, programme: Programme) -> datetime.date:
    """The page's `?date=`, or the programme date when absent or not a date."""
    text = request.GET.get("date", "")
    try:
        return datetime.date.fromisoformat(text) if text else programme.current_date()
    except ValueError:
        return programme.current_date()


def donors_pledge(request: HttpRequest, slug: str, pledge_id: int) -> Pledge:
    """A pledge of the programme that the user may fulfil for its donor."""
    programme = permissions.programme_for(request.user, slug)
    found = get_object_or_404(
        Pledge.objects.select_related("donor"), pk=pledge_id, line__request__programme=programme
    )
    permissions.check(request.user, Action.PLEDGE, programme, found.donor.region_id)
    return found


def whole_number(text: str, column: str) -> int | None:
    """A form's whole number (None when empty); anything else is refused naming the field."""
    if not text:
        return None
    if not text.isdigit():
        raise ValidationFailed([Problem(f"expected a whole number, got {text!r}", column=column)])
    return int(text)


def day(text: str, column: str) -> datetime.date | None:
    """A form's date as YYYY-MM-DD (None when empty); anything else is refused naming the field."""
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValidationFailed(
            [Problem(f"expected a date as YYYY-MM-DD, got {text!r}", column=column)]
        ) from None
