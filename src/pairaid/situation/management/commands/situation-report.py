"""`pairaid situation-report PROGRAMME [--date YYYY-MM-DD]`: issue a programme's daily situation
report (its programme date by default; a date issued before gets a new revision) and mail it to
its subscribers, as the coordinator's button does. Prints its number, revision and address.
Exit codes: 0 issued, 1 refused (no such programme, a day out of its range, data changing), 2
bad arguments."""

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import CommandError
from django.urls import reverse

from pairaid import commands
from pairaid.errors import Conflict, ValidationFailed
from pairaid.programmes.models import Programme
from pairaid.situation import services


class Command(commands.Command):
    help = "Issue a programme's daily situation report and mail it to its subscribers."

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument("programme", help="the programme's slug (hubei-2020)")
        parser.add_argument(
            "--date",
            type=commands.date_argument,
            help="the programme date to report, YYYY-MM-DD (default: the programme's date)",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        programme = Programme.objects.filter(slug=options["programme"]).first()
        if programme is None:
            raise CommandError(f"no programme {options['programme']!r}")
        try:
            report = services.issue(programme=programme, user=None, on=options["date"])
        except (Conflict, ValidationFailed) as refusal:
            raise CommandError(str(refusal)) from None
        url = reverse("situation:report", args=[programme.slug, report.number])
        self.stdout.write(
            f"situation report {report.number} revision {report.revision} of {report.date} "
            f"(data version {report.data_version}): {url}?revision={report.revision}"
        )
