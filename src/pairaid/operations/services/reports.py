"""Team daily reports: one per team and day, filing again replaces it. Each use case is one
transaction; history records who and when."""

import datetime
from typing import Any

from django.db import models, transaction
from django.utils.translation import gettext

from pairaid.errors import Problem, ValidationFailed
from pairaid.operations.models import DailyReport, Team

REPORT_FIELDS = DailyReport.FIGURES


def figure_labels() -> list[tuple[str, str]]:
    """(field name, label in the active language) of each figure, in REPORT_FIELDS order: the
    name is for machines (form inputs, sheets), the label for people."""
    return [(name, _figure_label(name)) for name in REPORT_FIELDS]


def _figure_label(name: str) -> str:
    field = DailyReport._meta.get_field(name)
    assert isinstance(field, models.Field)  # the figures are columns, not relations
    return str(field.verbose_name)


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
        Problem(gettext("must be >= 0, got %(value)s") % {"value": value}, column=name)
        for name, value in figures.items()
        if value < 0
    ]
    if problems:
        raise ValidationFailed(problems)
    report, _ = DailyReport.objects.update_or_create(
        team=team,
        date=on or team.programme.current_date(),
        defaults={**figures, "shortages": shortages},
    )
    return report
