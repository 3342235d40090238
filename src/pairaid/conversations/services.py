"""The writers of threads, messages and the inbox. Each use case is one transaction; `record`
joins the transaction of the domain service that calls it, so an event exists exactly when the
change it tells of does."""

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext

from pairaid.accounts.models import User
from pairaid.conversations import attachments, audiences, outbox, routing
from pairaid.conversations.models import (
    MESSAGE_MAX_CHARS,
    Attachment,
    Event,
    Message,
    Notification,
    Thread,
    ThreadRead,
)
from pairaid.errors import Problem, ValidationFailed
from pairaid.programmes.models import Programme
from pairaid.validation import fits

Kind = Event.Kind

# "@name" where a username starts: not inside an e-mail address (a letter, digit or @ before).
_MENTION = re.compile(r"(?<![\w@])@([\w.+-]*\w)")


def _user(user: Any) -> Any:
    return user if getattr(user, "pk", None) else None


# --- events and the inbox ------------------------------------------------------------------


def record(
    *,
    kind: str,
    programme: Programme,
    subject: models.Model,
    actor: Any = None,
    args: dict[str, Any] | None = None,
    stands_out: bool = False,
    among: set[int] | None = None,
    once: str | None = None,
) -> Event:
    """Record an event and give each of its recipients (the kind's route, less the actor; only
    those `among` when given, e.g. the users an edit newly mentions) a notification. Called
    inside the domain service's transaction."""
    event = Event.objects.create(
        once=once,
        programme=programme,
        kind=kind,
        subject_type=ContentType.objects.get_for_model(subject),
        subject_id=subject.pk,
        actor=_user(actor),
        args=args or {},
        stands_out=stands_out,
    )
    recipients = routing.ROUTES[kind](subject) - {getattr(actor, "pk", None)}
    if among is not None:
        recipients &= among  # the route still decides: `among` only narrows it
    Notification.objects.bulk_create(
        Notification(event=event, recipient_id=user_id) for user_id in sorted(recipients)
    )
    # The other channels' deliveries (e-mail), in this same transaction: the outbox.
    outbox.write(event.notifications.select_related("recipient"))
    return event


def record_once(
    *, once: str, kind: str, programme: Programme, subject: models.Model, args: dict[str, Any]
) -> Event | None:
    """Record an event the worker's checks find (an overdue report, an escalation) unless one
    with the same key (`Event.once`: its object and day) exists; None then. Two workers that
    check at once record it once: the key is unique, and the loser's savepoint is undone."""
    if Event.objects.filter(once=once).exists():
        return None
    try:
        with transaction.atomic():
            return record(kind=kind, programme=programme, subject=subject, args=args, once=once)
    except IntegrityError:
        if Event.objects.filter(once=once).exists():
            return None
        raise


@transaction.atomic
def mark_read(*, user: Any, notification_ids: Sequence[int] | None = None) -> int:
    """Mark the user's notifications read: those named, or all of them (None). Returns how many
    changed; another user's notification is never touched."""
    unread = Notification.objects.filter(recipient=user, read_at=None)
    if notification_ids is not None:
        unread = unread.filter(pk__in=list(notification_ids))
    return unread.update(read_at=timezone.now())


# --- threads ---------------------------------------------------------------------------------


def _stored(thread: Thread) -> Thread:
    """The thread as stored: a thread named before anyone wrote in it (`queries.thread_at`) is
    made by its first message; two first messages at once find the same row (its key is
    unique)."""
    if thread.pk is not None:
        return thread
    field = Thread.OBJECT_FIELDS.get(Thread.Kind(thread.kind))
    if field is not None:
        key = {field: getattr(thread, field)}
    elif thread.kind == Thread.Kind.PAIR:
        key = {"kind": thread.kind, "donor": thread.donor, "recipient": thread.recipient}
    else:
        key = {"kind": thread.kind}
    stored, _ = Thread.objects.get_or_create(
        programme=thread.programme, **key, defaults={"kind": thread.kind}
    )
    return stored


@dataclass(frozen=True)
class FileIn:
    name: str
    data: bytes


def _mentioned(thread: Thread, body: str) -> list[User]:
    """The users an @name in the body names; a name that is nobody, or somebody who may not
    read the thread, is refused (a mention must never leak the thread to them)."""
    names = sorted({name.rstrip(".") for name in _MENTION.findall(body)})
    found = {name: User.objects.filter(username__iexact=name).first() for name in names}
    problems = []
    for name in names:
        user = found[name]
        if user is None:
            problems.append(gettext("@%(name)s: there is no such user") % {"name": name})
        elif not (user.is_active and audiences.may_read(user, thread)):
            problems.append(
                gettext("@%(name)s may not read this thread, so cannot be mentioned in it")
                % {"name": name}
            )
    if problems:
        raise ValidationFailed([Problem(p, column="body") for p in problems])
    return [user for user in found.values() if user is not None]


def _attach(message: Message, files: Sequence[FileIn]) -> None:
    if len(files) > attachments.MAX_FILES:
        raise ValidationFailed(
            [
                Problem(
                    gettext("at most %(count)s files to a message")
                    % {"count": attachments.MAX_FILES},
                    column="attachments",
                )
            ]
        )
    problems: list[Problem] = []
    typed = []
    for file in files:
        try:
            typed.append((file, attachments.sniff(file.name, file.data)))
        except ValidationFailed as refusal:
            problems += refusal.problems
    if problems:
        raise ValidationFailed(problems)
    for file, content_type in typed:
        attachment = Attachment(
            message=message, name=file.name[-200:], content_type=content_type, size=len(file.data)
        )
        attachment.file.save(file.name[-100:], ContentFile(file.data), save=False)
        attachment.save()


@transaction.atomic
def post(
    *,
    thread: Thread,
    author: Any,
    body: str,
    files: Sequence[FileIn] = (),
    illustrative: bool = False,
) -> Message:
    """Post a message (with files) where the author may; its mentions and its thread's readers
    are told. An illustrative message (a demo overlay's) tells no one."""
    audiences.check_post(author, thread)
    _check_text(body)
    thread = _stored(thread)
    message = Message(thread=thread, author=_user(author), body=body, illustrative=illustrative)
    fits(message)
    mentioned = _mentioned(thread, body)
    message.save()
    message.mentions.set(mentioned)
    _attach(message, files)
    _read_up_to(thread, author, message.pk)
    if not illustrative:
        args = {"thread": thread.pk}
        record(
            kind=Kind.MESSAGE, programme=thread.programme, subject=message, actor=author, args=args
        )
        if mentioned:
            record(
                kind=Kind.MENTION,
                programme=thread.programme,
                subject=message,
                actor=author,
                args=args,
            )
    return message


def message_problems(body: str) -> list[str]:
    """What is wrong with a message's text whoever writes it: empty, or longer than a message
    holds (one rule for the pages, the API and a bundle's messages.csv)."""
    if not body.strip():
        return [gettext("write a message")]
    if len(body) > MESSAGE_MAX_CHARS:
        return [
            gettext("at most %(count)s characters; longer text goes in a file")
            % {"count": MESSAGE_MAX_CHARS}
        ]
    return []


def _check_text(body: str) -> None:
    problems = message_problems(body)
    if problems:
        raise ValidationFailed([Problem(p, column="body") for p in problems])


def load_message(*, thread: Thread, body: str, sent_at: datetime, illustrative: bool) -> Message:
    """A message as a scenario bundle holds it (`scenarios.message_tables`), in the loader's
    transaction: stored, with its history row, like a posted one, but with no author (a bundle
    names regions, never accounts, which are made per deployment after it loads) and no
    mentions.

    It records no event, so nobody is notified: a bundle holds a conversation's state, not its
    steps (as for push deliveries), and loading a demo must not fill every officer's inbox with
    messages written "days ago". The threads still show them unread to their readers, who open
    them as they would any thread."""
    _check_text(body)
    message = Message(
        thread=_stored(thread),
        author=None,
        body=body,
        created_at=sent_at,
        illustrative=illustrative,
    )
    fits(message, exclude=["author"])  # none, on purpose (above)
    message.save()
    return message


@transaction.atomic
def edit(*, message: Message, editor: Any, body: str) -> Message:
    """Correct one's own message; the earlier text stays in its history, and the message shows
    it was edited. Whoever the edit newly mentions is told, as at posting (and refused, as
    there, if they may not read the thread); the thread's readers are not told again."""
    message = Message.objects.select_for_update().get(pk=message.pk)
    audiences.check_edit(editor, message)
    _check_text(body)
    if body == message.body:
        return message
    mentioned = _mentioned(message.thread, body)
    told = _told_of_mention(message)
    message.body = body
    message.edited_at = timezone.now()
    fits(message)
    message.save()
    message.mentions.set(mentioned)
    newly = {user.pk for user in mentioned} - told
    if newly and not message.illustrative:
        record(
            kind=Kind.MENTION,
            programme=message.thread.programme,
            subject=message,
            actor=editor,
            args={"thread": message.thread_id},
            among=newly,
        )
    return message


def _told_of_mention(message: Message) -> set[int]:
    """Who is named in the message before an edit, or was already told of a mention in it
    (named, unnamed by one edit and named again by the next is told once)."""
    already = set(message.mentions.values_list("pk", flat=True))
    return already | set(
        Notification.objects.filter(
            event__kind=Kind.MENTION,
            event__subject_type=ContentType.objects.get_for_model(Message),
            event__subject_id=message.pk,
        ).values_list("recipient_id", flat=True)
    )


def _read_up_to(thread: Thread, user: Any, message_id: int) -> None:
    if _user(user) is None:
        return
    read, _ = ThreadRead.objects.get_or_create(thread=thread, user=user)
    if message_id > read.last_read:
        read.last_read = message_id
        read.save(update_fields=["last_read"])


@transaction.atomic
def mark_thread_read(*, thread: Thread, user: Any) -> None:
    """The user has read every message of the thread so far."""
    audiences.check_read(user, thread)
    last = thread.messages.aggregate(last=Max("pk"))["last"] or 0
    _read_up_to(thread, user, last)
