"""Failed sign-ins: an account is locked after repeated failures (django-axes, per username),
but an address is only slowed down, never locked out.

A whole health commission may sit behind one NAT address in the middle of an emergency: locking
the address would lock everyone out because of one person's typos (or one attacker's guesses).
So each address gets a few failures free, then must wait before its next attempt — 1 s, 2 s,
4 s … up to a minute — which makes guessing from one address slow without stopping anyone
who types the right password after the wait."""

import datetime
import math

from axes.helpers import get_client_ip_address
from axes.models import AccessFailureLog
from django.http import HttpRequest
from django.utils import timezone

FREE_FAILURES = 10  # per address, in the window: a busy office's typos cost nothing
LONGEST_WAIT_SECONDS = 60
WINDOW = datetime.timedelta(minutes=15)


def wait_seconds(request: HttpRequest) -> int:
    """How long this request's address must still wait before its next sign-in attempt."""
    address = get_client_ip_address(request)
    recent = AccessFailureLog.objects.filter(
        ip_address=address, attempt_time__gte=timezone.now() - WINDOW
    )
    failures = recent.count()
    if failures < FREE_FAILURES:
        return 0
    last = recent.order_by("-attempt_time").values_list("attempt_time", flat=True).first()
    assert last is not None
    wait = min(2 ** (failures - FREE_FAILURES), LONGEST_WAIT_SECONDS)
    waited = (timezone.now() - last).total_seconds()
    return max(0, math.ceil(wait - waited))
