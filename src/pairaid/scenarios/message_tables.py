"""messages.csv of a bundle: messages in a pair's thread (conversations.Message), e.g. the demo's
illustrative talk between Shandong and Huanggang about a request. Validated with the rest of
the bundle (refused by file, row and column), written through the conversations services as
one layer that a newer version replaces whole, and exported back the same."""

import datetime
from collections.abc import Callable
from typing import Any

from pairaid.conversations import services as conversation_services
from pairaid.conversations.models import Message, Thread
from pairaid.programmes.models import Participant, Programme
from pairaid.scenarios.tables import moment_text, whole_text
from pairaid.scenarios.validate import RawRow, _Rows

NAME = "messages.csv"


def check_messages(v: Any) -> None:  # v: the bundle validator (validate._Validator)
    """Each message names a pair of this programme (a donor and a recipient that a pairing of
    the bundle or its base joins), when it was sent, and its text."""
    rows: _Rows
    raw: list[RawRow]
    rows, raw = v.table(NAME)
    for row in raw:
        values = {
            "number": rows.cell(row, "number", whole_text, required=True),
            "donor": v.participant(rows, row, "donor", "donor"),
            "recipient": v.participant(rows, row, "recipient", "recipient"),
            "sent_at": rows.cell(row, "sent_at", moment_text, required=True),
            "body": row.cells.get("body", ""),
        }
        for problem in conversation_services.message_problems(values["body"]):
            rows.fail(row, "body", problem)
        if values["donor"] and values["recipient"] and not _paired(v, values):
            rows.fail(
                row,
                "recipient",
                f"{values['recipient']} is not paired with {values['donor']} in this programme: "
                "a pair's thread needs a pairing (pairings.csv)",
            )
        v.keep(NAME, rows, row, values)


def _paired(v: Any, values: dict[str, str]) -> bool:
    """Whether a pairing of the bundle, or of its base programme, joins the donor and recipient
    (as allocations.csv asks)."""
    pair = (values["donor"], values["recipient"])
    in_bundle = {
        (record.values["donor"], record.values["recipient"])
        for record in v.parsed.tables.get("pairings.csv", {}).values()
    }
    return pair in in_bundle or pair in v.registry.base_pairs


def remove_messages(programme: Programme, *, illustrative: bool) -> None:
    """Delete this layer's messages, then the pair threads they leave empty (a thread is made by
    its first message, so an empty one was only ever this layer's)."""
    Message.objects.filter(thread__programme=programme, illustrative=illustrative).delete()
    Thread.objects.filter(
        programme=programme, kind=Thread.Kind.PAIR, messages__isnull=True
    ).delete()


def write_messages(
    tables: dict[str, list[dict[str, str]]],
    programme: Programme,
    who: Callable[[str, str], Participant],
    illustrative: bool,
) -> None:
    """The messages in number order (the order a thread shows them in)."""
    for row in sorted(tables.get(NAME, []), key=lambda r: int(r["number"])):
        thread = Thread(
            programme=programme,
            kind=Thread.Kind.PAIR,
            donor=who(row["donor"], "donor"),
            recipient=who(row["recipient"], "recipient"),
        )
        conversation_services.load_message(
            thread=thread,
            body=row["body"],
            sent_at=datetime.datetime.fromisoformat(row["sent_at"]),
            illustrative=illustrative,
        )


def export_messages(programme: Programme, flag: dict[str, Any]) -> list[dict[str, str]]:
    """The pair threads' messages (of one layer when `flag` names it) as messages.csv rows,
    numbered in the order they were written."""
    found = (
        Message.objects.filter(thread__programme=programme, thread__kind=Thread.Kind.PAIR, **flag)
        .select_related("thread__donor__region__parent", "thread__recipient__region__parent")
        .order_by("created_at", "pk")
    )
    zone = programme.zone()  # written in programme time, as the other tables' moments
    return [
        {
            "number": str(number),
            "donor": _reference(m.thread.donor),
            "recipient": _reference(m.thread.recipient),
            "sent_at": m.created_at.astimezone(zone).isoformat(),
            "body": m.body,
        }
        for number, m in enumerate(found, start=1)
    ]


def _reference(participant: Participant | None) -> str:
    assert participant is not None  # a pair's thread names both (its check constraint)
    return str(participant.region.reference)
