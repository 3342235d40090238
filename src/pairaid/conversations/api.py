"""Threads, messages and the inbox in the JSON API: the same audiences as the pages. A thread is
named by its kind and key (`queries.key`), so that a client writes the first message of a thread
nobody has started, as the page does. Files are sent on the pages (multipart), and listed here."""

import datetime
from typing import Annotated, Any

from django.http import HttpRequest
from django.urls import reverse
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from pairaid import api_fields
from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.conversations import (
    audiences,
    links,
    outbox,
    preferences,
    queries,
    services,
    texts,
)
from pairaid.conversations.models import Message, Notification, Thread
from pairaid.errors import NotFound

router = Router(tags=["conversations"])
PAGE_SIZE = 50
KindOfThread = Annotated[str, Field(description="pair, announcements, request, transfer, …")]


class ThreadOut(Schema):
    id: int
    kind: str
    key: str = Field(description="names the thread with its kind in the messages' address")
    unread: int
    open: bool = Field(description="false for an ended pair's thread, kept read-only")


class ThreadAttachmentOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    url: str = Field(description="the download, for whoever may read the thread")


class ThreadMessageOut(Schema):
    id: int
    thread: int
    author: str | None
    body: str
    created_at: datetime.datetime
    edited_at: datetime.datetime | None
    mentions: list[str]
    attachments: list[ThreadAttachmentOut]


class ThreadMessageIn(Schema):
    body: Annotated[str, api_fields.text(Message, "body"), Field(min_length=1)]


def _message_out(message: Message) -> dict[str, Any]:
    slug = message.thread.programme.slug
    return {
        "id": message.pk,
        "thread": message.thread_id,
        "author": message.author.username if message.author else None,
        "body": message.body,
        "created_at": message.created_at,
        "edited_at": message.edited_at,
        "mentions": sorted(u.username for u in message.mentions.all()),
        "attachments": [
            {
                "id": a.pk,
                "name": a.name,
                "content_type": a.content_type,
                "size": a.size,
                "url": reverse("conversations:attachment", args=[slug, a.pk]),
            }
            for a in message.attachments.all()
        ],
    }


@router.get(
    "/programmes/{slug}/threads",
    response=list[ThreadOut],
    summary="The threads the caller may read, with their unread counts",
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_threads(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    rows = queries.with_unread(queries.readable(request.user, programme), request.user)
    return [
        {
            "id": t.pk,
            "kind": t.kind,
            "key": queries.key(t),
            "unread": getattr(t, "unread", 0),  # annotated by with_unread
            "open": audiences.is_open(t),
        }
        for t in rows
    ]


class SearchIn(Schema):
    q: Annotated[str, Field(min_length=1, max_length=200, description="text to find, any case")]


@router.get(
    "/programmes/{slug}/messages",
    response=list[ThreadMessageOut],
    summary="Search the messages of the threads the caller may read (a substring, any case)",
)
@paginate(Pages, page_size=PAGE_SIZE)
def search_messages(
    request: HttpRequest, slug: str, search: Query[SearchIn]
) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug)
    return [_message_out(m) for m in queries.search(request.user, programme, search.q)]


def _thread(request: HttpRequest, slug: str, kind: str, key: str) -> Thread:
    programme = permissions.programme_for(request.user, slug)
    if kind not in Thread.Kind.values:
        raise NotFound(f"no kind of thread {kind!r} (expected one of {', '.join(Thread.Kind)})")
    return queries.thread_at(request.user, programme, kind, key)


@router.get(
    "/programmes/{slug}/threads/{kind}/{key}/messages",
    response=list[ThreadMessageOut],
    summary="A thread's messages, oldest first (an unstarted thread has none)",
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_messages(
    request: HttpRequest, slug: str, kind: KindOfThread, key: str
) -> list[dict[str, Any]]:
    thread = _thread(request, slug, kind, key)
    return [_message_out(m) for m in queries.messages(thread).prefetch_related("mentions")]


@router.post(
    "/programmes/{slug}/threads/{kind}/{key}/messages",
    response={201: ThreadMessageOut},
    summary="Write in a thread (its first message starts it); @name mentions a reader",
)
def post_message(
    request: HttpRequest, slug: str, kind: KindOfThread, key: str, payload: ThreadMessageIn
) -> Status:
    thread = _thread(request, slug, kind, key)
    message = services.post(thread=thread, author=request.user, body=payload.body)
    return Status(201, _message_out(message))


@router.patch(
    "/programmes/{slug}/messages/{message_id}",
    response=ThreadMessageOut,
    summary="Correct one's own message (its earlier text stays in its history)",
)
def edit_message(
    request: HttpRequest, slug: str, message_id: int, payload: ThreadMessageIn
) -> dict[str, Any]:
    programme = permissions.programme_for(request.user, slug)
    found = Message.objects.filter(pk=message_id, thread__programme=programme).first()
    if found is None or not audiences.may_read(request.user, found.thread):
        raise NotFound(f"no message {message_id} in {slug}")
    return _message_out(services.edit(message=found, editor=request.user, body=payload.body))


class InboxNotificationOut(Schema):
    id: int
    programme: str
    kind: str
    summary: str = Field(description="in the caller's language (Accept-Language)")
    url: str = Field(description="the page of what it is about")
    occurred_at: datetime.datetime
    read: bool
    stands_out: bool = Field(description="e.g. a receipt with a discrepancy")


def _notifications_out(rows: list[Notification]) -> list[dict[str, Any]]:
    named = texts.regions([n.event for n in rows])
    return [
        {
            "id": n.pk,
            "programme": n.event.programme.slug,
            "kind": n.event.kind,
            "summary": texts.summary(n.event, named),
            "url": links.of_event(n.event),
            "occurred_at": n.event.occurred_at,
            "read": n.read_at is not None,
            "stands_out": n.event.stands_out,
        }
        for n in rows
    ]


class InboxRows:
    """The caller's notifications as `Pages` reads them, worded a page at a time."""

    def __init__(self, user: Any) -> None:
        self.rows = queries.inbox(user)

    def all(self) -> "InboxRows":
        return self

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return _notifications_out(list(self.rows[page]))


@router.get("/inbox", response=list[InboxNotificationOut], summary="The caller's notifications")
@paginate(Pages, page_size=PAGE_SIZE)
def list_inbox(request: HttpRequest) -> InboxRows:
    return InboxRows(request.user)


class InboxCountOut(Schema):
    unread: int


@router.get("/inbox/count", response=InboxCountOut, summary="How many notifications are unread")
def inbox_count(request: HttpRequest) -> dict[str, int]:
    return {"unread": queries.unread_count(request.user)}


class InboxReadIn(Schema):
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(
        None, max_length=1000, description="the notifications to mark read; null: all"
    )


@router.post("/inbox/read", response=InboxCountOut, summary="Mark notifications read")
def mark_read(request: HttpRequest, payload: InboxReadIn) -> dict[str, int]:
    services.mark_read(user=request.user, notification_ids=payload.ids)
    return {"unread": queries.unread_count(request.user)}


ModeOfMail = Annotated[
    str, Field(description="immediate, digest or off", max_length=16, examples=["digest"])
]
KindOfEvent = Annotated[str, Field(description="a kind of event", max_length=40)]


class PreferenceOut(Schema):
    kind: str
    mode: str = Field(description="immediate, digest (the daily digest) or off")
    default: str = Field(description="the mode when the caller has not chosen")


class PreferencesIn(Schema):
    modes: dict[KindOfEvent, ModeOfMail] = Field(
        description="the kinds to set, each with its mode; the others keep theirs",
        max_length=100,
    )


def _preferences_out(modes: dict[str, str]) -> list[dict[str, str]]:
    return [
        {"kind": kind, "mode": mode, "default": preferences.default(kind)}
        for kind, mode in modes.items()
    ]


@router.get(
    "/notification-preferences",
    response=list[PreferenceOut],
    summary="How each kind of event is mailed to the caller (the inbox records every one)",
)
def get_preferences(request: HttpRequest) -> list[dict[str, str]]:
    return _preferences_out(preferences.of_user(request.user))


@router.put(
    "/notification-preferences",
    response=list[PreferenceOut],
    summary="Choose, per kind of event, mail at once, in the daily digest, or none",
)
def put_preferences(request: HttpRequest, payload: PreferencesIn) -> list[dict[str, str]]:
    return _preferences_out(preferences.choose(user=request.user, choices=payload.modes))


class DigestTimeZoneIO(Schema):
    time_zone: str = Field(
        description="the IANA time zone whose PAIRAID_DIGEST_HOUR the caller's daily digest "
        "goes at (e.g. America/Chicago); empty: each programme's own",
        max_length=64,
        examples=["Europe/Berlin"],
    )


@router.get(
    "/notification-preferences/time-zone",
    response=DigestTimeZoneIO,
    summary="The time zone of the caller's daily digest",
)
def get_digest_time_zone(request: HttpRequest) -> DigestTimeZoneIO:
    return DigestTimeZoneIO(time_zone=request.user.time_zone)  # type: ignore[union-attr]


@router.put(
    "/notification-preferences/time-zone",
    response=DigestTimeZoneIO,
    summary="Choose the time zone of the caller's daily digest (empty: each programme's)",
)
def put_digest_time_zone(request: HttpRequest, payload: DigestTimeZoneIO) -> DigestTimeZoneIO:
    preferences.choose(user=request.user, choices={}, time_zone=payload.time_zone)
    return DigestTimeZoneIO(time_zone=payload.time_zone)


class FailedDeliveryOut(Schema):
    id: int
    recipient: str = Field(description="the user's name")
    address: str
    kind: str = Field(description="the kind of event of the notification that carries the mail")
    summary: str = Field(description="in the caller's language")
    carried: int = Field(description="how many more notifications the same mail carries")
    message_id: str = Field(description="kept when sent again: a copy is recognisable")
    attempts: int
    last_error: str
    next_attempt_at: datetime.datetime | None
    created_at: datetime.datetime


@router.get(
    "/programmes/{slug}/failed-deliveries",
    response=list[FailedDeliveryOut],
    summary="The programme's e-mail whose last attempt failed, with its error (coordinators)",
)
@paginate(Pages, page_size=PAGE_SIZE)
def list_failed_deliveries(request: HttpRequest, slug: str) -> list[dict[str, Any]]:
    programme = permissions.programme_for(request.user, slug, Action.RESEND_MAIL)
    rows = list(
        queries.failed_deliveries(programme).select_related(
            "notification__event", "notification__recipient"
        )
    )
    named = texts.regions([d.notification.event for d in rows])
    return [
        {
            "id": d.pk,
            "recipient": d.notification.recipient.username,
            "address": d.address,
            "kind": d.notification.event.kind,
            "summary": texts.summary(d.notification.event, named),
            "carried": d.carried_count,  # type: ignore[attr-defined]  # annotated by the query
            "message_id": d.message_id,
            "attempts": d.attempts,
            "last_error": d.last_error,
            "next_attempt_at": d.next_attempt_at,
            "created_at": d.created_at,
        }
        for d in rows
    ]


class ResendIn(Schema):
    ids: list[Annotated[int, Field(ge=1, le=2**63 - 1)]] | None = Field(
        None, max_length=1000, description="the failed deliveries to send again; null: all"
    )


class ResendOut(Schema):
    queued: int = Field(description="how many mails were queued to be sent again")


@router.post(
    "/programmes/{slug}/failed-deliveries/resend",
    response=ResendOut,
    summary="Send failed e-mail again now, with its own Message-ID (coordinators)",
)
def resend_failed_deliveries(request: HttpRequest, slug: str, payload: ResendIn) -> dict[str, int]:
    programme = permissions.programme_for(request.user, slug, Action.RESEND_MAIL)
    failed = queries.failed_deliveries(programme)
    if payload.ids is not None:
        failed = failed.filter(pk__in=payload.ids)
    return {"queued": outbox.send_now(failed.values_list("pk", flat=True))}
