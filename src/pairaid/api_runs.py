"""Starting work in the task worker from the API: plan runs, forecast runs, backtests, what-if
comparisons and rolling re-plans all start the same way.

Who may start any of them is who may start a plan run (`Action.RUN_PLAN`). The service checks
the settings, stores the run and queues it after its transaction commits; no request waits on
the work. The answer is 202 with the run as stored (queued): the client reads it again for its
state and, once finished, its result.
"""

from collections.abc import Callable
from typing import Any

from django.http import HttpRequest
from ninja import Status

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action


def start_in_background(
    request: HttpRequest,
    slug: str,
    start: Callable[..., Any],
    *,
    enqueue: Callable[[int], None],
    **settings: Any,
) -> Status:
    """Start a run of programme `slug` with the service `start`, which stores it with its
    `settings` and hands its id to `enqueue`; answer 202 with the run."""
    programme = permissions.programme_for(request.user, slug, Action.RUN_PLAN)
    run = start(programme=programme, user=request.user, enqueue=enqueue, **settings)
    return Status(202, run)
