"""Background tasks: forecast runs execute in the task worker (`pairaid worker`), not a request."""

from django_tasks import task

from pairaid.foresight import backtests, comparisons, rolling_runs, services


@task()
def execute_forecast_run(run_id: int) -> str:
    services.fail_stalled()  # a worker that died before this one leaves its runs to be failed
    return str(services.execute(run_id).state)


def enqueue_forecast_run(run_id: int) -> None:
    execute_forecast_run.enqueue(run_id)


@task()
def execute_backtest_run(run_id: int) -> str:
    services.fail_stalled()
    return str(backtests.execute(run_id).state)


def enqueue_backtest_run(run_id: int) -> None:
    execute_backtest_run.enqueue(run_id)


@task()
def execute_plan_comparison(comparison_id: int) -> str:
    comparisons.fail_stalled()
    return str(comparisons.execute(comparison_id).state)


def enqueue_plan_comparison(comparison_id: int) -> None:
    execute_plan_comparison.enqueue(comparison_id)


@task()
def execute_rolling_plan(run_id: int) -> str:
    services.fail_stalled()
    return str(rolling_runs.execute(run_id).state)


def enqueue_rolling_plan(run_id: int) -> None:
    execute_rolling_plan.enqueue(run_id)
