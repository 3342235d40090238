"""Reads of threads and the inbox: the threads a user may read, with their unread counts; a
programme's messages searched; a user's notifications."""

from typing import Any

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from pairaid.accounts import permissions
from pairaid.conversations import audiences
from pairaid.conversations.models import Delivery, Message, Notification, Thread, ThreadRead
from pairaid.errors import NotFound
from pairaid.operations.models import Request, Shipment, Transfer
from pairaid.pairing.models import PlanRun
from pairaid.programmes.models import Participant, Programme

# The most messages a search shows (the newest first).
SEARCH_LIMIT = 100


def _pair_scope(user: Any, programme: Programme) -> Q:
    """The pair threads among a programme's threads that the user may read."""
    standing = permissions.access(user, programme)
    if standing.is_admin or audiences.Role.COORDINATOR in standing.roles:
        return Q(kind=Thread.Kind.PAIR)
    donors = standing.regions.get(audiences.Role.DONOR_OFFICER, frozenset())
    recipients = standing.regions.get(audiences.Role.RECIPIENT_OFFICER, frozenset())
    return Q(kind=Thread.Kind.PAIR) & (
        Q(donor__region_id__in=donors) | Q(recipient__region_id__in=recipients)
    )


def readable(user: Any, programme: Programme) -> QuerySet[Thread]:
    """The programme's threads the user may read (none where the programme is unseen)."""
    if not permissions.access(user, programme).can_view:
        return Thread.objects.none()
    return Thread.objects.filter(programme=programme).filter(
        ~Q(kind=Thread.Kind.PAIR) | _pair_scope(user, programme)
    )


def with_unread(threads: QuerySet[Thread], user: Any) -> QuerySet[Thread]:
    """The threads, each with `unread` (messages after the user's last read, not the user's own)
    and `last_at` (its newest message's time), newest first."""
    last_read = ThreadRead.objects.filter(thread=OuterRef("pk"), user=user).values("last_read")
    return (
        threads.annotate(read_up_to=Coalesce(Subquery(last_read[:1]), 0))
        .annotate(
            unread=Count(
                "messages",
                filter=Q(messages__pk__gt=F("read_up_to")) & ~Q(messages__author=user),
            )
        )
        .select_related("donor__region", "recipient__region")
        .order_by("kind", "pk")
    )


def key(thread: Thread) -> str:
    """How a thread is named in addresses, with its kind: the pair's donor and recipient
    participant ids (`12-34`), the number of a request, transfer or plan run, a shipment's id,
    `-` for the announcements. A thread is named before it exists (its first message makes it)."""
    if thread.kind == Thread.Kind.PAIR:
        return f"{thread.donor_id}-{thread.recipient_id}"
    subject = thread.subject
    if subject is None:
        return "-"
    return str(getattr(subject, "number", subject.pk))


def _id(text: str) -> int | None:
    """A key's number, where it is one a column holds (a path may hold any digits)."""
    return int(text) if text.isdigit() and len(text) < 10 else None


def _subject(programme: Programme, kind: str, name: str) -> dict[str, Any]:
    """The fields that identify the thread named `name` of kind `kind` in the programme."""
    if kind == Thread.Kind.ANNOUNCEMENTS and name == "-":
        return {}
    if kind == Thread.Kind.PAIR and name.count("-") == 1:
        donor_id, recipient_id = (_id(part) for part in name.split("-"))
        if donor_id is not None and recipient_id is not None:
            donor = Participant.objects.filter(
                programme=programme, pk=donor_id, role=Participant.Role.DONOR
            ).first()
            recipient = Participant.objects.filter(
                programme=programme, pk=recipient_id, role=Participant.Role.RECIPIENT
            ).first()
            if donor and recipient:
                return {"donor": donor, "recipient": recipient}
    lookups = {
        Thread.Kind.REQUEST: (Request, {"programme": programme}, "number"),
        Thread.Kind.TRANSFER: (Transfer, {"programme": programme}, "number"),
        Thread.Kind.PLAN_RUN: (PlanRun, {"programme": programme}, "number"),
        Thread.Kind.SHIPMENT: (Shipment, {"pledge__line__request__programme": programme}, "pk"),
    }
    number = _id(name)
    if kind in lookups and number is not None:
        model, scope, field = lookups[Thread.Kind(kind)]
        subject = model.objects.filter(**scope, **{field: number}).first()  # type: ignore[attr-defined]
        if subject is not None:
            return {Thread.OBJECT_FIELDS[Thread.Kind(kind)]: subject}
    raise NotFound(f"no {kind} thread {name!r} in {programme.slug}")


def thread_at(user: Any, programme: Programme, kind: str, name: str) -> Thread:
    """The thread named by kind and `key`, as stored, or unsaved where nobody has written in it
    yet; NotFound where there is no such object or the user may not read its thread."""
    fields = _subject(programme, kind, name)
    found = (
        Thread.objects.filter(programme=programme, kind=kind, **fields)
        .select_related("programme", "donor__region", "recipient__region")
        .first()
    ) or Thread(programme=programme, kind=kind, **fields)
    if not audiences.may_read(user, found):
        raise NotFound(f"no {kind} thread {name!r} in {programme.slug}")
    return found


def messages(thread: Thread) -> QuerySet[Message]:
    if thread.pk is None:
        return Message.objects.none()
    return thread.messages.select_related("author").prefetch_related("attachments").order_by("pk")


def search(user: Any, programme: Programme, text: str) -> QuerySet[Message]:
    """The messages of the threads the user may read whose text contains `text`, whatever its
    case: `icontains`, which SQLite and PostgreSQL both answer (PostgreSQL has no Chinese
    full-text search; a substring finds 黄冈 inside a sentence)."""
    return (
        Message.objects.filter(thread__in=readable(user, programme), body__icontains=text)
        .select_related("thread", "author")
        .order_by("-pk")[:SEARCH_LIMIT]
    )


def inbox(user: Any, programme: Programme | None = None) -> QuerySet[Notification]:
    """The user's notifications, newest first; those that stand out before the rest of their
    day is not wanted: the inbox is read in time order, a discrepancy is marked instead."""
    rows = Notification.objects.filter(recipient=user)
    if programme is not None:
        rows = rows.filter(event__programme=programme)
    return rows.select_related("event__programme", "event__actor", "event__subject_type")


def unread_count(user: Any) -> int:
    if not getattr(user, "is_authenticated", False):
        return 0
    return Notification.objects.filter(recipient=user, read_at=None).count()


def failed_deliveries(programme: Programme) -> QuerySet[Delivery]:
    """The programme's mails whose last attempt failed (each as the delivery that carries it),
    newest first; their retries go on meanwhile."""
    return (
        Delivery.objects.filter(
            state=Delivery.State.FAILED,
            carrier=None,
            notification__event__programme=programme,
        )
        .annotate(carried_count=Count("carried"))
        .order_by("-created_at", "-pk")
    )
