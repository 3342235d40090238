"""Background tasks: plan runs execute in the task worker (`pairaid db_worker`), not a request."""

from django_tasks import task

from pairaid.pairing import runs


@task()
def execute_plan_run(run_id: int) -> str:
    run, _ = runs.execute(run_id)
    return run.status or run.state


def enqueue_plan_run(run_id: int) -> None:
    execute_plan_run.enqueue(run_id)
