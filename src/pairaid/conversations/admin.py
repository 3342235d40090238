"""The platform administrators' view of threads and events: to look into a complaint, not to
write messages on anyone's behalf (messages are posted and edited through the services)."""

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from pairaid.admin_figures import FiguresAdmin, FiguresInline
from pairaid.conversations import outbox
from pairaid.conversations.models import (
    Attachment,
    Delivery,
    Event,
    Message,
    Notification,
    Thread,
)


class MessageInline(FiguresInline):
    model = Message
    extra = 0
    fields = ["author", "body", "created_at", "edited_at"]
    readonly_fields = ["author", "body", "created_at", "edited_at"]
    show_change_link = True


@admin.register(Thread)
class ThreadAdmin(FiguresAdmin):
    list_display = ["pk", "programme", "kind", "donor", "recipient", "created_at"]
    list_filter = ["programme", "kind"]
    inlines = [MessageInline]


class AttachmentInline(FiguresInline):
    model = Attachment
    extra = 0
    readonly_fields = ["name", "content_type", "size", "file"]


@admin.register(Message)
class MessageAdmin(FiguresAdmin):
    list_display = ["pk", "thread", "author", "created_at", "edited_at", "illustrative"]
    list_filter = ["thread__programme", "illustrative"]
    search_fields = ["body"]
    readonly_fields = ["thread", "author", "body", "created_at", "edited_at", "mentions"]
    inlines = [AttachmentInline]


class NotificationInline(FiguresInline):
    model = Notification
    extra = 0
    readonly_fields = ["recipient", "read_at"]


@admin.register(Event)
class EventAdmin(FiguresAdmin):
    list_display = ["occurred_at", "programme", "kind", "actor", "stands_out"]
    list_filter = ["programme", "kind", "stands_out"]
    readonly_fields = ["programme", "kind", "subject_type", "subject_id", "actor", "args"]
    inlines = [NotificationInline]


@admin.register(Delivery)
class DeliveryAdmin(FiguresAdmin):
    """The outbox: what was sent, what failed and why, and when it is tried again."""

    list_display = [
        "created_at",
        "channel",
        "address",
        "state",
        "digest",
        "attempts",
        "next_attempt_at",
    ]
    list_filter = ["channel", "state", "digest"]
    search_fields = ["address", "message_id"]
    actions = ["send_now"]
    readonly_fields = [
        "notification",
        "channel",
        "address",
        "message_id",
        "state",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
        "carrier",
        "digest",
    ]

    @admin.action(description=_("Send the selected unsent deliveries now"))
    def send_now(self, request: HttpRequest, queryset: QuerySet[Delivery]) -> None:
        queued = outbox.send_now(queryset.values_list("pk", flat=True))
        self.message_user(
            request,
            ngettext(
                "%(count)d delivery queued to be sent now.",
                "%(count)d deliveries queued to be sent now.",
                queued,
            )
            % {"count": queued},
        )
