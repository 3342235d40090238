"""Background tasks: plan runs execute in the task worker (`pairaid worker`), not a request."""

from django_tasks import task

from pairaid.pairing import runs


@task()
def execute_plan_run(run_id: int) -> str:
    runs.fail_stalled()  # a worker that died before this one leaves its runs to be failed here
    run, _ = runs.execute(run_id)
    return run.status or run.state


def enqueue_plan_run(run_id: int) -> None:
    execute_plan_run.enqueue(run_id)


@task()
def compute_missing_splits(programme_id: int) -> int:
    """Store the derived splits the dashboard needs, once, outside any request."""
    from pairaid.pairing import services
    from pairaid.programmes.models import Programme

    return services.fill_missing_splits(programme=Programme.objects.get(pk=programme_id))


def enqueue_missing_splits(programme_id: int) -> None:
    """Queue the split computation unless this process queued it in the last ten minutes."""
    from django.core.cache import cache

    if cache.add(f"pairaid:splits:{programme_id}", True, timeout=600):
        compute_missing_splits.enqueue(programme_id)


@task()
def compute_tradeoff(programme_id: int) -> int:
    """The plan page's churn trade-off curve, cached for the current data; its number of points."""
    from pairaid.pairing import tradeoff
    from pairaid.programmes.models import Programme

    curve = tradeoff.compute_for_page(Programme.objects.get(pk=programme_id))
    return len(curve.points) if curve else 0


def enqueue_tradeoff(programme_id: int, key: str) -> None:
    """Queue the curve of the data version `key` names, once (the plan page asks on each view
    until the worker has cached it)."""
    from django.core.cache import cache

    if cache.add(f"{key}:queued", True, timeout=600):
        compute_tradeoff.enqueue(programme_id)
