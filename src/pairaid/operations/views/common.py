"""What the operations pages share: the page's date and the pledge a donor fulfils."""

import datetime

from django.http import HttpRequest
from django.shortcuts import get_object_or_404

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.forms import DateQuery, query
from pairaid.operations.models import Pledge
from pairaid.programmes.models import Programme


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
