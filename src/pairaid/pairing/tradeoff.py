"""The churn trade-off curve of a programme, and the default churn budget it gives.

The curve (lowest coverage against links changed, `engine.churn_tradeoff`) takes up to a minute
of solves, so it is never computed in a request: the task worker computes it (in a solver child
process, `solver_process.tradeoff`) and caches it twice, under the data version for the plan
page (`pairaid.freshness`: any write makes a new curve), and under the problem it was solved for,
so that a run whose problem is the same finds its default budget without solving again.
"""

import datetime
import hashlib
import json
import threading
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.cache import cache

from pairaid import engine, freshness
from pairaid.pairing import solver_process
from pairaid.programmes.models import Programme

CURVE_POINTS = 10
"""At most this many points on a curve; with `PAIRAID_TRADEOFF_SECONDS` (60 s) its cap."""


def page_key(programme: Programme, on: datetime.date) -> str | None:
    """The page's cache key: the programme's curve as of a date, at the current data version."""
    return freshness.cache_key("churn-tradeoff", programme.pk, on)


def _problem_key(problem: dict[str, Any]) -> str:
    """The key of a curve by what it was solved for: the data and the rules, not the objectives
    or the solver's options (the curve sets its own)."""
    relevant = {k: v for k, v in problem.items() if k not in ("objectives", "options", "name")}
    relevant["policy"] = {k: v for k, v in problem["policy"].items() if k != "churn_budget"}
    digest = hashlib.sha256(json.dumps(relevant, sort_keys=True).encode()).hexdigest()[:40]
    return f"pairaid:churn-tradeoff-problem:{digest}"


def shown(
    programme: Programme, *, enqueue: Callable[[int, str], None]
) -> tuple[str, engine.Tradeoff | None]:
    """The curve shown before a run, as (state, curve): `no_plan` (nothing in force, so no
    budget), `ready` with the curve the worker cached for the current data, or `computing`
    after queueing it (`enqueue(programme id, key)`; the page polls, the API is asked again)."""
    on = programme.current_date()
    if not programme.pairings.in_force(on).exists():
        return "no_plan", None
    key = page_key(programme, on)
    found: engine.Tradeoff | None = cache.get(key) if key else None
    if found is not None:
        return "ready", found
    if key:
        enqueue(programme.pk, key)
    return "computing", None


def default_problem(programme: Programme, on: datetime.date) -> dict[str, Any]:
    """The problem a run with the default options solves as of a date (its curve is the page's)."""
    from pairaid.pairing import runs  # runs resolves its default budget here

    options = runs.RunOptions(as_of=on.isoformat())
    return engine.problem_to_dict(runs.build(programme, options).problem)


def compute_for_page(programme: Programme) -> engine.Tradeoff | None:
    """Compute and cache the page's curve (the task worker's body); None with no plan in force."""
    on = programme.current_date()
    key = page_key(programme, on)  # read first: a write while solving makes the next key differ
    problem = default_problem(programme, on)
    tradeoff = curve(problem, stop=threading.Event())
    if key:
        cache.set(key, tradeoff, timeout=freshness.ENTRY_SECONDS)
    return tradeoff


def curve(
    problem: dict[str, Any],
    *,
    stop: threading.Event,
    seconds: float | None = None,
    on_heartbeat: Any = lambda: None,
) -> engine.Tradeoff | None:
    """The problem's curve, from the cache or solved in a child process (within `seconds`, at
    most `PAIRAID_TRADEOFF_SECONDS`); None where no plan is in force (no budget to choose) or no
    curve could be computed."""
    if not problem["policy"]["existing_plan"]:
        return None
    key = _problem_key(problem)
    found: engine.Tradeoff | None = cache.get(key)
    if found is not None:
        return found
    cap = settings.PAIRAID_TRADEOFF_SECONDS
    outcome = solver_process.tradeoff(
        problem,
        max_points=CURVE_POINTS,
        seconds=min(cap, seconds) if seconds else cap,
        memory_limit_mb=settings.PAIRAID_SOLVER_MEMORY_MB,
        stop=stop,
        on_heartbeat=on_heartbeat,
    )
    if outcome.tradeoff is not None and not outcome.stopped:
        cache.set(key, outcome.tradeoff, timeout=freshness.ENTRY_SECONDS)
    return outcome.tradeoff


def note(tradeoff: engine.Tradeoff | None) -> dict[str, Any] | None:
    """What a run records of the default budget it was given (None: no plan in force)."""
    if tradeoff is None:
        return None
    return {
        "budget": tradeoff.budget,
        "best": tradeoff.best,
        "share": tradeoff.share,
        "exact": tradeoff.exact,
        "points": [
            {"churn_budget": p.churn_budget, "min_coverage": p.min_coverage, "status": p.status}
            for p in tradeoff.points
        ],
    }
