"""What the operations pages share: the page's date and the pledge a donor fulfils."""

import datetime
from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404, HttpRequest
from django.shortcuts import get_object_or_404

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.forms import DateQuery, query
from pairaid.operations.models import Pledge
from pairaid.programmes.models import Programme

Numbered = TypeVar("Numbered", bound=Model)


def programme_date(request: HttpRequest, programme: Programme) -> datetime.date:
    """The page's `?date=` (YYYY-MM-DD), or the programme date when absent."""
    on: datetime.date | None = query(request, DateQuery)["date"]
    return on or programme.current_date()


def donors_pledge(request: HttpRequest, slug: str, pledge_id: int) -> Pledge:
    """A pledge of the programme that the user may fulfil for its donor."""
    programme = permissions.programme_for(request.user, slug)
    found = get_object_or_404(
        Pledge.objects.select_related("donor"), pk=pledge_id, line__request__programme=programme
    )
    permissions.check(request.user, Action.PLEDGE, programme, found.donor.region_id)
    return found


def shown_or_latest(found: QuerySet[Numbered], number: str | None) -> Numbered | None:
    """The record of `?number=` among a programme's numbered records (latest first), or the
    latest when absent (None: there is none); 404 for a number not among them."""
    if number is None:
        return found.first()
    if not number.isdigit():
        raise Http404
    chosen = found.filter(number=int(number)).first()
    if chosen is None:
        raise Http404
    return chosen
