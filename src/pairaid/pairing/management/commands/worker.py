"""`pairaid worker`: the task worker. It first fails the plan runs of workers that died (their
heartbeat stopped), then takes tasks as django-tasks' `db_worker` does, with the same options."""

from typing import Any

from django_tasks_db.management.commands import db_worker

from pairaid import commands
from pairaid.pairing import runs


class Command(commands.OneLineErrors, db_worker.Command):
    help = "Run the task worker (plan runs and other background work); fails stalled runs first."

    def handle(self, *args: Any, **options: Any) -> None:
        failed = runs.fail_stalled()
        if failed:
            self.stderr.write(f"marked {failed} stalled plan run(s) failed: their worker had died")
        super().handle(*args, **options)
