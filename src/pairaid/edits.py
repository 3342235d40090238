"""Optimistic locking: no silent lost edit (issue 17, item 4).

An editable record (a participant's need or capacity line, a facility, a team, a contact, a
request before its first pledge) carries a `version`, raised by every save. An editor saves
against the version they saw: the page's edit form carries it in a hidden field, the API in
`If-Match` (the record's `ETag`). If someone saved the record in between, the edit is refused
with a `EditConflict` that says who changed what since that version — read from the record's
history, which keeps every version — and nothing is written. The editor's input is kept (the page
shows it again beside what changed), so the second save is a decision, never an accident.

The check is one conditional UPDATE (`version = seen`) at the start of the edit's transaction:
the database answers it atomically on SQLite and PostgreSQL alike, and the row stays locked until
the edit commits, so of two editors of one version exactly one wins.
"""

import datetime
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pairaid.errors import Conflict
from pairaid.validation import fits


class Versioned(models.Model):
    """A record edited in place by people who may do so at the same time."""

    version = models.PositiveIntegerField(
        default=1,
        editable=False,
        verbose_name=_("version"),
        help_text="raised by every save; an edit names the version it was made from",
    )

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version += 1
            fields = kwargs.get("update_fields")
            if fields is not None:
                kwargs["update_fields"] = {*fields, "version"}
        super().save(*args, **kwargs)


def etag(record: Versioned) -> str:
    """The record's entity tag: its version, quoted as HTTP quotes a strong tag."""
    return f'"{record.version}"'


def version_in(if_match: str) -> int | None:
    """The version an `If-Match` header names (`"3"`, `W/"3"` or `3`), or None when it names
    none."""
    text = if_match.strip().removeprefix("W/").strip('"')
    return int(text) if text.isascii() and text.isdecimal() and len(text) < 10 else None


@dataclass(frozen=True)
class Change:
    """One thing that differs between the version an editor saw and the record now."""

    what: str
    before: str
    after: str

    def __str__(self) -> str:
        return f"{self.what}: {self.before} → {self.after}"


class EditConflict(Conflict):
    """The record changed since the editor's version: who changed it, when, and what."""

    def __init__(
        self,
        record: Versioned,
        *,
        seen: int,
        changes: list[Change],
        by: str,
        at: datetime.datetime | None,
    ) -> None:
        self.record = record
        self.seen = seen
        self.current = record.version
        self.changes = changes
        self.summary = gettext(
            "%(record)s was changed by %(who)s at %(when)s since you opened it (version "
            "%(seen)s, now %(current)s)."
        ) % {
            "record": record,
            "who": by or gettext("someone"),
            "when": timezone.localtime(at).strftime("%Y-%m-%d %H:%M") if at else "?",
            "seen": seen,
            "current": record.version,
        }
        what = "; ".join(str(change) for change in changes) or gettext("no field you can edit")
        super().__init__(
            gettext("%(summary)s Changed: %(what)s. Nothing was saved; check and save again.")
            % {"summary": self.summary, "what": what}
        )


# What an edit of a record with parts (a team's members, a request's lines) compares besides the
# record's own fields: the parts as they were at a moment, as {part: description}.
Parts = Callable[[Any, datetime.datetime | None], dict[str, str]]

V = TypeVar("V", bound=Versioned)


@transaction.atomic
def save_edit(
    record: V,
    *,
    seen: int,
    changes: Mapping[str, Any],
    parts: Parts | None = None,
    also: Callable[[V], None] | None = None,
) -> V:
    """Write `changes` to the record if it is still at version `seen`, the one the editor saw;
    `also` writes its parts in the same transaction. Raise EditConflict, writing nothing, if it
    is not. Returns the record as saved."""
    current = claim(record, seen=seen, parts=parts)
    for name, value in changes.items():
        setattr(current, name, value)
    fits(current)
    current.save()
    if also is not None:
        also(current)
    current.refresh_from_db()  # as stored (120.0000, not the 120 given), as a GET shows it
    return current


def claim(record: V, *, seen: int, parts: Parts | None = None) -> V:
    """The record as stored, locked until the transaction ends, if it is still at version
    `seen`; else EditConflict. The first step of every change made from a version the editor
    saw: an edit (`save_edit`) or a deletion. Call it inside the change's transaction."""
    model = type(record)
    claimed = model._default_manager.filter(pk=record.pk, version=seen).update(version=seen)
    current = model._default_manager.get(pk=record.pk)
    if not claimed:
        raise conflict(current, seen=seen, parts=parts)
    return current


def conflict(record: Versioned, *, seen: int, parts: Parts | None = None) -> EditConflict:
    """The conflict of an edit made from version `seen` of a record that has moved on."""
    history = record.history  # type: ignore[attr-defined]
    base = history.filter(version=seen).order_by("-history_date").first()
    latest = history.order_by("-history_date").first()
    changes = _field_changes(base, latest) if base is not None and latest is not None else []
    if parts is not None:
        changes += _part_changes(parts(record, _end_of(history, seen)), parts(record, None))
    return EditConflict(
        record,
        seen=seen,
        changes=changes,
        by=latest.history_user.get_username() if latest and latest.history_user else "",
        at=latest.history_date if latest else None,
    )


def _end_of(history: Any, seen: int) -> datetime.datetime | None:
    """The last moment of version `seen`: just before the next version was saved. Parts are
    written after their record (`save_edit`'s `also`), so this moment holds version `seen`'s
    parts and none of the next's."""
    after = history.filter(version__gt=seen).order_by("history_date").first()
    return after.history_date - datetime.timedelta(microseconds=1) if after else None


def _field_changes(base: Any, latest: Any) -> list[Change]:
    model = latest.instance_type
    return [
        Change(
            str(model._meta.get_field(change.field).verbose_name),
            shown(change.old),
            shown(change.new),
        )
        for change in latest.diff_against(base).changes
        if change.field != "version"
    ]


def _part_changes(before: Mapping[str, str], after: Mapping[str, str]) -> list[Change]:
    return [
        Change(part, before.get(part, "—"), after.get(part, "—"))
        for part in sorted({*before, *after})
        if before.get(part) != after.get(part)
    ]


def shown(value: Any) -> str:
    """A value as a change shows it."""
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")  # 120, not 120.0000 or 1.2E+2
    return "—" if value in (None, "") else str(value)


def as_of(
    model: type[models.Model], moment: datetime.datetime | None, **filters: Any
) -> Iterable[Any]:
    """Rows of `model` matching `filters` as they were at `moment` (now when None), read from its
    history."""
    if moment is None:
        return model._default_manager.filter(**filters)
    return model.history.as_of(moment).filter(**filters)  # type: ignore[attr-defined]
