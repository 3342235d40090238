"""The thread pages (a programme's threads, one thread, a message's edit, an attachment) and the
inbox (its page, mark as read, the header's count that htmx refreshes)."""

import zoneinfo
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from pairaid.accounts import permissions
from pairaid.accounts.decorators import member_required
from pairaid.accounts.permissions import Action
from pairaid.conversations import (
    attachments,
    audiences,
    links,
    outbox,
    preferences,
    queries,
    services,
    texts,
)
from pairaid.conversations.forms import MessageForm, PreferencesForm, SearchForm
from pairaid.conversations.models import Attachment, Message, Thread
from pairaid.errors import NotFound
from pairaid.forms import query, submitted
from pairaid.pairing.models import Pairing
from pairaid.programmes.models import Programme
from pairaid.uploads import TOO_LARGE

# The header's count asks again every 12 s: a request raised is seen within 15 s (issue 21),
# and one small query per open tab every 12 s costs nothing a web worker notices.
POLL_SECONDS = 12


def _my_pairs(user: Any, programme: Programme) -> list[Thread]:
    """The pairs in force (or due) the user takes part in, as their threads, stored or not."""
    standing = permissions.access(user, programme)
    pairings = (
        Pairing.objects.filter(programme=programme)
        .open()
        .select_related("donor__region", "recipient__region")
        .order_by("recipient__region__code", "donor__region__code")
    )
    return [
        Thread(programme=programme, kind=Thread.Kind.PAIR, donor=p.donor, recipient=p.recipient)
        for p in pairings
        if standing.in_pair(p.donor.region_id, p.recipient.region_id)
    ]


@member_required
@require_GET
def threads(request: HttpRequest, slug: str) -> HttpResponse:
    """The threads the user may read, with their unread counts; the user's own pairs (to start
    their thread); the announcements; a search of the programme's messages."""
    programme = permissions.programme_for(request.user, slug)
    searched = query(request, SearchForm)["q"] or ""
    stored = list(queries.with_unread(queries.readable(request.user, programme), request.user))
    started = {(t.donor_id, t.recipient_id) for t in stored if t.kind == Thread.Kind.PAIR}
    unstarted = [
        t for t in _my_pairs(request.user, programme) if (t.donor_id, t.recipient_id) not in started
    ]
    announcements = next((t for t in stored if t.kind == Thread.Kind.ANNOUNCEMENTS), None)
    return render(
        request,
        "conversations/threads.html",
        {
            "programme": programme,
            "threads": [(t, links.thread_url(t)) for t in stored],
            "unstarted": [(t, links.thread_url(t)) for t in unstarted],
            "announcements_url": None
            if announcements
            else links.thread_url(Thread(programme=programme, kind=Thread.Kind.ANNOUNCEMENTS)),
            "searched": searched,
            "found": [
                (m, links.thread_url(m.thread))
                for m in (queries.search(request.user, programme, searched) if searched else [])
            ],
            "search_form": SearchForm(request.GET or None),
        },
    )


def _files(request: HttpRequest) -> list[services.FileIn]:
    """The files sent with a message; one the upload handler dropped for its size is refused
    by name (`uploads.SizeLimitedUploadHandler`)."""
    dropped = getattr(request, TOO_LARGE, [])
    if dropped:
        raise attachments.too_large(dropped[0])
    return [
        services.FileIn(name=upload.name or "file", data=upload.read())
        for upload in request.FILES.getlist("files")
    ]


@member_required
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, slug: str, kind: str, key: str) -> HttpResponse:
    """A thread: its messages (read once shown), the form to write (where the user may)."""
    programme = permissions.programme_for(request.user, slug)
    found = queries.thread_at(request.user, programme, kind, key)
    form = MessageForm(request.POST or None)
    if request.method == "POST":
        audiences.check_post(request.user, found)
        posted: list[Message] = []

        def post(data: dict[str, Any]) -> None:
            posted.append(
                services.post(
                    thread=found, author=request.user, body=data["body"], files=_files(request)
                )
            )

        if submitted(form, post):
            messages.success(request, _("Message sent."))
            return redirect(links.thread_url(posted[0].thread) + f"#message-{posted[0].pk}")
    elif found.pk is not None:
        services.mark_thread_read(thread=found, user=request.user)
    return render(
        request,
        "conversations/thread.html",
        {
            "programme": programme,
            "thread": found,
            "subject_url": links.PAGES[type(found.subject)](found.subject)
            if found.subject is not None
            else "",
            "thread_messages": queries.messages(found),
            "may_post": audiences.may_post(request.user, found),
            "is_open": audiences.is_open(found),
            "form": form,
            "max_bytes": settings.PAIRAID_UPLOAD_MAX_BYTES,
            "accepted": attachments.ACCEPTED,
        },
        status=400 if form.is_bound else 200,
    )


def _message(request: HttpRequest, programme: Programme, message_id: int) -> Message:
    found = (
        Message.objects.filter(pk=message_id, thread__programme=programme)
        .select_related("thread__programme", "thread__donor", "thread__recipient")
        .first()
    )
    if found is None or not audiences.may_read(request.user, found.thread):
        raise NotFound(f"no message {message_id} in {programme.slug}")
    return found


@member_required
@require_http_methods(["GET", "POST"])
def edit_message(request: HttpRequest, slug: str, message_id: int) -> HttpResponse:
    """Correct one's own message; its earlier text stays in its history."""
    programme = permissions.programme_for(request.user, slug)
    message = _message(request, programme, message_id)
    audiences.check_edit(request.user, message)
    form = MessageForm(request.POST or None, initial={"body": message.body})
    if request.method == "POST" and submitted(
        form,
        lambda data: services.edit(message=message, editor=request.user, body=data["body"]),
    ):
        messages.success(request, _("Message corrected; its earlier text is kept."))
        return redirect(links.thread_url(message.thread) + f"#message-{message.pk}")
    return render(
        request,
        "conversations/edit_message.html",
        {"programme": programme, "message": message, "form": form},
        status=400 if form.is_bound else 200,
    )


@member_required
@require_GET
def attachment(request: HttpRequest, slug: str, attachment_id: int) -> HttpResponse:
    """An attachment, to whoever may read its thread; always downloaded, never shown inline
    (a file is the sender's, not PairAid's, content)."""
    programme = permissions.programme_for(request.user, slug)
    found = (
        Attachment.objects.filter(pk=attachment_id, message__thread__programme=programme)
        .select_related("message__thread__programme", "message__thread__donor")
        .select_related("message__thread__recipient")
        .first()
    )
    if found is None or not audiences.may_read(request.user, found.message.thread):
        raise NotFound(f"no attachment {attachment_id} in {slug}")
    with found.file.open("rb") as stored:  # within the upload limit: read whole
        response = HttpResponse(stored.read(), content_type=found.content_type)
    response["Content-Disposition"] = content_disposition_header(True, found.name) or ""
    return response


@member_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    """The user's notifications in every programme, newest first, each linked to its object."""
    rows = list(queries.inbox(request.user)[:200])
    events = [n.event for n in rows]
    named = texts.regions(events)
    return render(
        request,
        "conversations/inbox.html",
        {
            "rows": [(n, texts.summary(n.event, named), links.of_event(n.event)) for n in rows],
            "unread": queries.unread_count(request.user),
        },
    )


@member_required
@require_POST
def mark_read(request: HttpRequest, notification_id: int | None = None) -> HttpResponse:
    """Mark one notification read, or all (no id)."""
    ids = None if notification_id is None else [notification_id]
    services.mark_read(user=request.user, notification_ids=ids)
    return redirect("conversations:inbox")


@require_GET
def inbox_count(request: HttpRequest) -> HttpResponse:
    """The header's inbox link with its unread count, polled by htmx."""
    return render(
        request,
        "conversations/_inbox_count.html",
        {"unread": queries.unread_count(request.user), "poll_seconds": POLL_SECONDS},
    )


@member_required
@require_http_methods(["GET", "POST"])
def notification_preferences(request: HttpRequest) -> HttpResponse:
    """The user's choice, per kind of event, of mail at once, in the daily digest, or none (the
    inbox records every event whatever is chosen), and the time zone of the digest's hour."""
    user = request.user
    initial = {**preferences.of_user(user), "time_zone": user.time_zone}  # type: ignore[union-attr]
    form = PreferencesForm(request.POST or None, initial=initial)

    def save(data: dict[str, Any]) -> object:
        zone = data.pop("time_zone")
        return preferences.choose(user=user, choices=data, time_zone=zone)

    if request.method == "POST" and submitted(form, save):
        messages.success(request, _("Your notification preferences are saved."))
        return redirect("conversations:preferences")
    return render(
        request,
        "conversations/preferences.html",
        {
            "form": form,
            "defaults": {k: preferences.default(k) for k in preferences.Kind.values},
            "digest_hour": settings.PAIRAID_DIGEST_HOUR,
            "time_zones": sorted(zoneinfo.available_timezones()),
            "burst": settings.PAIRAID_MAIL_BURST,
            "burst_minutes": settings.PAIRAID_MAIL_BURST_MINUTES,
        },
        status=400 if form.is_bound else 200,
    )


@member_required
@require_http_methods(["GET", "POST"])
def failed_deliveries(request: HttpRequest, slug: str) -> HttpResponse:
    """The programme's e-mail that failed, with its error, to send again (one, or all): for its
    coordinators. Each goes again with its own Message-ID, so a duplicate stays recognisable."""
    programme = permissions.programme_for(request.user, slug, Action.RESEND_MAIL)
    failed = queries.failed_deliveries(programme)
    if request.method == "POST":
        chosen = request.POST.get("delivery", "")
        if chosen == "all":
            ids = list(failed.values_list("pk", flat=True))
        elif chosen.isdigit() and len(chosen) < 19:
            ids = list(failed.filter(pk=int(chosen)).values_list("pk", flat=True))
            if not ids:
                raise NotFound(f"no failed delivery {chosen} in {slug}")
        else:
            return HttpResponse(_("expected the delivery to send again, or all"), status=400)
        count = outbox.send_now(ids)
        messages.success(
            request,
            ngettext(
                "%(count)s e-mail queued to be sent again.",
                "%(count)s e-mails queued to be sent again.",
                count,
            )
            % {"count": count},
        )
        return redirect("conversations:failed_deliveries", slug=slug)
    rows = list(failed.select_related("notification__event", "notification__recipient")[:500])
    named = texts.regions([d.notification.event for d in rows])
    return render(
        request,
        "conversations/failed_deliveries.html",
        {
            "programme": programme,
            "rows": [(d, texts.summary(d.notification.event, named)) for d in rows],
            "total": len(rows),
        },
    )
