"""`pairaid demo setup|serve`: the first look at PairAid that `make demo` gives."""

import datetime
import signal
import subprocess
import sys
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError, CommandParser

from pairaid import commands
from pairaid.accounts import services as account_services
from pairaid.accounts.models import User
from pairaid.assessment import demo as assessment_demo
from pairaid.errors import PairAidError
from pairaid.foresight import services as forecast_services
from pairaid.foresight.models import ForecastRun
from pairaid.pairing import services as pairing_services
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Programme
from pairaid.scenarios import services as scenario_services
from pairaid.situation import services as situation_services

DEMO_BUNDLES = (
    "hubei-2020",
    "hubei-2020-demo",
    # The emergency phase first: wenchuan-2008 links to it as its previous phase on load.
    "wenchuan-2008-emergency",
    "wenchuan-2008",
    "wenchuan-2008-demo",
    "eastwest-2016",
)
HUBEI_DEMO_DATE = datetime.date(2020, 2, 12)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


class Command(commands.Command):
    help = "Set up the demo (migrate, load bundles, demo accounts) or serve it."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("setup", help="migrate, load the bundled programmes, demo accounts")
        serve = actions.add_parser("serve", help="serve PairAid until Ctrl-C")
        serve.add_argument("--addr", default="127.0.0.1:8000")

    def handle(self, *args: Any, **options: Any) -> None:
        if not settings.DEMO_MODE:
            raise CommandError(
                "the demo runs only in demo mode: set PAIRAID_DEMO=1 (make demo does)"
            )
        if options["action"] == "setup":
            self.setup()
        else:
            self.serve(options["addr"])

    def serve(self, addr: str) -> None:
        """The web server and the task worker together; Ctrl-C stops both."""
        worker = subprocess.Popen(
            [sys.executable, "-m", "pairaid", "worker", "--no-reload", "--interval", "0.5"]
        )
        self.stdout.write(f"task worker started (pid {worker.pid})")
        # Ctrl-C and a plain kill both stop the server, even where a parent shell ignored SIGINT.
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.signal(signal.SIGTERM, _interrupt)
        try:
            call_command("runserver", addr, use_reloader=False)
        except (KeyboardInterrupt, SystemExit):
            pass
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=10)
            except subprocess.TimeoutExpired:
                worker.kill()
            self.stdout.write("stopped the web server and the task worker")

    def setup(self) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        try:
            for name in DEMO_BUNDLES:
                report = scenario_services.load_bundle(name)
                state = "already loaded" if report.outcome == "unchanged" else report.outcome
                self.stdout.write(f"{name} {report.data_version}: {state}")
            hubei = programme_services.get_programme(slug="hubei-2020")
            programme_services.set_programme_date(programme=hubei, date=HUBEI_DEMO_DATE)
            # Shanxi's split over its three cities is unknown: store the derived split once.
            pairing_services.fill_missing_splits(programme=hubei)
            _forecast_once(hubei)
            accounts = account_services.ensure_demo_accounts()
            _situation_report_once(hubei)
            _sample_assessment()
        except PairAidError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"hubei-2020 programme date: {HUBEI_DEMO_DATE}")
        self.stdout.write("\nDemo accounts (demo mode only; refused otherwise):")
        for account in accounts:
            self.stdout.write(
                f"  {account.username:12} {account.password:26} {account.description}"
            )
        self.stdout.write("")


def _situation_report_once(programme: Programme) -> None:
    """The demo date's situation report, issued once after the accounts exist, so that the
    coordinator finds it in the inbox: the demo's date is frozen, so the worker never issues
    one (it issues the reports of live programmes only)."""
    situation_services.issue(programme=programme, user=None, once=True)


def _sample_assessment() -> None:
    """wenchuan-2008's illustrative 2009 assessment, two reviews of it published, as its demo
    coordinator (made once)."""
    wenchuan = programme_services.get_programme(slug="wenchuan-2008")
    coordinator = User.objects.get(username="wenchuan")
    assessment_demo.ensure_sample(wenchuan, coordinator)


def _forecast_once(programme: Programme) -> None:
    """A forecast run from the demo date, so that a city's page shows its projected cases at
    once; run here (about a second), not in the worker, which may not have started yet."""
    origin = programme.current_date()
    if programme.forecast_runs.filter(origin=origin, state=ForecastRun.State.FINISHED).exists():
        return
    run = forecast_services.start(programme=programme, user=None, enqueue=lambda _pk: None)
    forecast_services.execute(run.pk)
