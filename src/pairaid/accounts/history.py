"""A programme's change history (who, when, what, before/after) from django-simple-history."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils.translation import gettext_lazy as _

from pairaid.accounts.models import Membership
from pairaid.pairing.models import AllocationLine, Pairing, PlanRun
from pairaid.programmes.models import CapacityLine, NeedLine, Participant, Programme
from pairaid.spreadsheets import csv_text

CHANGE = {"+": _("created"), "~": _("changed"), "-": _("deleted")}


@dataclass(frozen=True)
class Entry:
    when: datetime
    who: str
    what: str
    object: str
    change: str
    details: str


def _records(programme: Programme) -> list[Any]:
    """Historical rows of everything that belongs to one programme."""
    pid = programme.pk
    return [
        *Programme.history.filter(id=pid),
        *Participant.history.filter(programme_id=pid),
        *CapacityLine.history.filter(participant__programme_id=pid),
        *NeedLine.history.filter(participant__programme_id=pid),
        *Pairing.history.filter(programme_id=pid),
        *AllocationLine.history.filter(pairing__programme_id=pid),
        *PlanRun.history.filter(programme_id=pid),
        *Membership.history.filter(programme_id=pid),
    ]


def _details(record: Any) -> str:
    if record.history_type != "~" or record.prev_record is None:
        return ""
    delta = record.diff_against(record.prev_record)
    return "; ".join(
        f"{change.field}: {change.old!s:.60} → {change.new!s:.60}"
        for change in delta.changes
        if change.field not in ("result", "problem", "progress", "log")
    )


def entries(programme: Programme, *, limit: int | None = 500) -> list[Entry]:
    """The newest changes first."""
    records = sorted(_records(programme), key=lambda r: r.history_date, reverse=True)
    if limit is not None:
        records = records[:limit]
    return [
        Entry(
            when=r.history_date,
            who=r.history_user.username if r.history_user_id and r.history_user else "system",
            what=str(r.instance._meta.verbose_name),  # in the reader's language, like `change`
            object=str(r.instance)[:120],
            change=str(CHANGE.get(r.history_type, r.history_type)),
            details=_details(r),
        )
        for r in records
    ]


def as_csv(programme: Programme) -> str:
    return csv_text(
        [
            ["when", "who", "what", "object", "change", "details"],
            *(
                [e.when.isoformat(), e.who, e.what, e.object, e.change, e.details]
                for e in entries(programme, limit=None)
            ),
        ]
    )
