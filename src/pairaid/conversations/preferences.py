"""How each user wants each kind of event beyond the inbox: mailed at once, gathered in the
daily digest, or not mailed at all. The inbox records every event whatever the choice (a
notification is a record first); the outbox (`outbox.write`) asks here before it writes a
delivery."""

import zoneinfo
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext

from pairaid.conversations.models import Event, NotificationPreference
from pairaid.errors import Problem, ValidationFailed
from pairaid.programmes.models import Programme, validate_time_zone

Kind = Event.Kind
Mode = NotificationPreference.Mode

# A kind's mode for a user who has not chosen. What asks for someone's action or attention
# (a request to answer or to renew before it expires, a transfer to decide, an overdue report,
# an escalation, a mention) goes at once; the steps of the ledger that only inform (a pledge, a
# dispatch, a receipt, a team on duty, a finished run, a published notice) wait for the daily
# digest.
DEFAULTS: dict[str, str] = {
    Kind.PAIRING_APPROVED: Mode.IMMEDIATE,
    Kind.NOTICE_PUBLISHED: Mode.DIGEST,
    Kind.REQUEST_RAISED: Mode.IMMEDIATE,
    Kind.REQUEST_EXPIRING: Mode.IMMEDIATE,
    Kind.PLEDGE_MADE: Mode.DIGEST,
    Kind.GOODS_DISPATCHED: Mode.DIGEST,
    Kind.TEAM_ARRIVED: Mode.DIGEST,
    Kind.GOODS_RECEIVED: Mode.DIGEST,
    Kind.TRANSFER_REQUESTED: Mode.IMMEDIATE,
    Kind.TRANSFER_AWAITING_APPROVAL: Mode.IMMEDIATE,
    Kind.TRANSFER_ACCEPTED: Mode.IMMEDIATE,
    Kind.TRANSFER_DECLINED: Mode.IMMEDIATE,
    Kind.OFFER_MADE: Mode.IMMEDIATE,
    Kind.PLAN_RUN_FINISHED: Mode.DIGEST,
    Kind.MENTION: Mode.IMMEDIATE,
    Kind.MESSAGE: Mode.IMMEDIATE,
    Kind.FACILITY_REPORT_OVERDUE: Mode.IMMEDIATE,
    Kind.OCCUPANCY_RED: Mode.IMMEDIATE,
    Kind.TEAM_REPORT_OVERDUE: Mode.IMMEDIATE,
    Kind.GAP_OVER_THRESHOLD: Mode.DIGEST,
    Kind.ESCALATED: Mode.IMMEDIATE,
}


def default(kind: str) -> str:
    """A kind's default; a kind added without one (another app's) is mailed at once."""
    return DEFAULTS.get(kind, Mode.IMMEDIATE)


def modes(user_ids: Iterable[int], kind: str) -> dict[int, str]:
    """Each user's mode for one kind (one query: an event's recipients at once)."""
    ids = list(user_ids)
    chosen = dict(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind).values_list(
            "user_id", "mode"
        )
    )
    return {user_id: chosen.get(user_id, default(kind)) for user_id in ids}


def of_user(user: Any) -> dict[str, str]:
    """Every kind's mode for the user, chosen or default, in the kinds' order."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "mode"))
    return {kind: chosen.get(kind, default(kind)) for kind in Kind.values}


def digest_zone(user: Any, programme: Programme) -> zoneinfo.ZoneInfo:
    """The time zone whose PAIRAID_DIGEST_HOUR the user's digest of a programme's events waits
    for: the user's own where chosen, else the programme's."""
    return zoneinfo.ZoneInfo(user.time_zone) if user.time_zone else programme.zone()


@transaction.atomic
def choose(
    *, user: Any, choices: Mapping[str, str], time_zone: str | None = None
) -> dict[str, str]:
    """Set the user's modes for the kinds named (the others keep theirs) and, unless None, the
    time zone of their digest ("": each programme's); all or none. Returns every kind's mode."""
    problems = (
        _zone_problems(time_zone)
        + [
            Problem(
                gettext("no kind of event %(kind)s (expected one of %(kinds)s)")
                % {"kind": repr(kind), "kinds": ", ".join(Kind.values)},
                column=kind,
            )
            for kind in choices
            if kind not in Kind.values
        ]
        + [
            Problem(
                gettext("expected one of %(modes)s, got %(mode)s")
                % {"modes": ", ".join(Mode.values), "mode": repr(mode)},
                column=kind,
            )
            for kind, mode in choices.items()
            if kind in Kind.values and mode not in Mode.values
        ]
    )
    if problems:
        raise ValidationFailed(problems)
    for kind, mode in choices.items():
        NotificationPreference.objects.update_or_create(
            user=user, kind=kind, defaults={"mode": mode}
        )
    if time_zone is not None and time_zone != user.time_zone:
        user.time_zone = time_zone
        user.save(update_fields=["time_zone"])
    return of_user(user)


def _zone_problems(time_zone: str | None) -> list[Problem]:
    """The refusal of a time zone that is no IANA name (empty and None are the default)."""
    if not time_zone:
        return []
    try:
        validate_time_zone(time_zone)
    except ValidationError as error:
        return [Problem(message, column="time_zone") for message in error.messages]
    return []
