"""Team daily reports: one per team and day, filing again replaces it. Each use case is one
transaction; history records who and when."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from pairaid.errors import Problem, ValidationFailed
from pairaid.operations.models import DailyReport, Team
from pairaid.refusals import ZERO_OR_MORE
from pairaid.validation import fits

REPORT_FIELDS = DailyReport.FIGURES


@transaction.atomic
def file_report(
    *, team: Team, on: datetime.date | None = None, shortages: str = "", **figures: int
) -> Any:
    """A team's daily report; filing again for the same day replaces it."""
    problems = [
        Problem(gettext("unknown figure %(name)s") % {"name": repr(name)}, column=name)
        for name in figures
        if name not in REPORT_FIELDS
    ]
    problems += [
        Problem(str(ZERO_OR_MORE), column=name) for name, value in figures.items() if value < 0
    ]
    if problems:
        raise ValidationFailed(problems)
    day = on or team.programme.current_date()
    # Checked as a new row: whether it replaces the day's report is update_or_create's to say.
    fits(DailyReport(team=team, date=day, shortages=shortages, **figures), exclude=["team"])
    report, _ = DailyReport.objects.update_or_create(
        team=team, date=day, defaults={**figures, "shortages": shortages}
    )
    return report
