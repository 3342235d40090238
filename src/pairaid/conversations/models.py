"""Threads and their messages; events and the inbox (DESIGN.md §9: a notification is a record
first, and each channel is one delivery of it)."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pairaid.programmes.models import Participant, Programme
from pairaid.text_limits import limited_text

# A message is a few paragraphs, as a note is one (text_limits): longer text goes in a file.
MESSAGE_MAX_CHARS = 4000


class Thread(models.Model):
    """A conversation: one per pair (donor × recipient of a programme), one for the programme's
    announcements, one per object (a request, a transfer, a shipment, a plan run). Who reads and
    who posts is decided in `audiences`."""

    class Kind(models.TextChoices):
        PAIR = "pair", _("pair")
        ANNOUNCEMENTS = "announcements", _("announcements")
        REQUEST = "request", _("request")
        TRANSFER = "transfer", _("transfer")
        SHIPMENT = "shipment", _("shipment")
        PLAN_RUN = "plan_run", _("plan run")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="threads")
    kind = models.CharField(max_length=16, choices=Kind.choices)
    donor = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    recipient = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    request = models.OneToOneField(
        "operations.Request", null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    transfer = models.OneToOneField(
        "operations.Transfer",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
    )
    shipment = models.OneToOneField(
        "operations.Shipment",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="thread",
    )
    plan_run = models.OneToOneField(
        "pairing.PlanRun", null=True, blank=True, on_delete=models.CASCADE, related_name="thread"
    )
    created_at = models.DateTimeField(default=timezone.now)

    # The field that names each object thread's object (one fact: used by the constraint, the
    # services and the pages).
    OBJECT_FIELDS = {
        Kind.REQUEST: "request",
        Kind.TRANSFER: "transfer",
        Kind.SHIPMENT: "shipment",
        Kind.PLAN_RUN: "plan_run",
    }

    class Meta:
        verbose_name = _("thread")
        verbose_name_plural = _("threads")
        ordering = ["programme", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme"],
                condition=Q(kind="announcements"),
                name="thread_one_announcements_per_programme",
            ),
            models.UniqueConstraint(
                fields=["donor", "recipient"],
                condition=Q(kind="pair"),
                name="thread_one_per_pair",
            ),
            models.CheckConstraint(
                condition=(
                    Q(kind="pair", donor__isnull=False, recipient__isnull=False)
                    | (Q(donor__isnull=True, recipient__isnull=True) & ~Q(kind="pair"))
                ),
                name="thread_pair_names_its_pair",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.slug}: {self.kind} thread {self.pk}"

    @property
    def subject(self) -> models.Model | None:
        """The object an object thread is about (None for a pair's or the announcements)."""
        field = self.OBJECT_FIELDS.get(self.Kind(self.kind))
        return getattr(self, field) if field else None


class Message(models.Model):
    """A message as plain text (shown escaped, with line breaks and links). An edit keeps the
    earlier text in the history: never changed silently."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = limited_text(MESSAGE_MAX_CHARS)
    created_at = models.DateTimeField(default=timezone.now)
    edited_at = models.DateTimeField(null=True, blank=True)
    mentions = models.ManyToManyField(settings.AUTH_USER_MODEL, blank=True, related_name="+")
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords(excluded_fields=["illustrative"])

    class Meta:
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        ordering = ["thread", "pk"]

    def __str__(self) -> str:
        return f"message {self.pk} in thread {self.thread_id}"


class Attachment(models.Model):
    """A file sent with a message, of a type on the allow-list (`attachments.KINDS`), stored
    through Django's storage API; downloaded only by those who may read its thread."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="attachments/%Y/%m/")
    name = models.CharField(max_length=200, help_text="the name it was sent with")
    content_type = models.CharField(max_length=100, help_text="the type its content shows")
    size = models.PositiveIntegerField(help_text="bytes")

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["message", "pk"]

    def __str__(self) -> str:
        return self.name


class ThreadRead(models.Model):
    """How far a user has read a thread: every message up to `last_read` (a message id)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reads")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_read = models.PositiveBigIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["thread", "user"], name="thread_read_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id} read thread {self.thread_id} up to {self.last_read}"


class Event(models.Model):
    """Something happened that someone must know: the record first (kind, object, programme,
    actor, time). Its recipients are computed once, by the kind's route (`routing.ROUTES`),
    and each gets a Notification."""

    class Kind(models.TextChoices):
        PAIRING_APPROVED = "pairing_approved", _("pairing approved")
        NOTICE_PUBLISHED = "notice_published", _("pairing published")
        REQUEST_RAISED = "request_raised", _("request raised")
        REQUEST_EXPIRING = "request_expiring", _("request expiring")
        PLEDGE_MADE = "pledge_made", _("pledge made")
        GOODS_DISPATCHED = "goods_dispatched", _("goods dispatched")
        TEAM_ARRIVED = "team_arrived", _("team arrived")
        GOODS_RECEIVED = "goods_received", _("goods received")
        TRANSFER_REQUESTED = "transfer_requested", _("transfer requested")
        TRANSFER_AWAITING_APPROVAL = "transfer_awaiting_approval", _("transfer awaiting approval")
        TRANSFER_ACCEPTED = "transfer_accepted", _("transfer accepted")
        TRANSFER_DECLINED = "transfer_declined", _("transfer declined")
        OFFER_MADE = "offer_made", _("offer awaiting acceptance")
        PLAN_RUN_FINISHED = "plan_run_finished", _("plan run finished")
        MENTION = "mention", _("mention")
        MESSAGE = "message", _("message")
        SITUATION_REPORT_ISSUED = "situation_report_issued", _("situation report issued")
        FACILITY_REPORT_OVERDUE = "facility_report_overdue", _("facility's capacity report overdue")
        OCCUPANCY_RED = "occupancy_red", _("facility's occupancy red")
        TEAM_REPORT_OVERDUE = "team_report_overdue", _("team's daily report overdue")
        GAP_OVER_THRESHOLD = "gap_over_threshold", _("gap over the programme's threshold")
        ESCALATED = "escalated", _("unacknowledged, escalated")
        ASSESSMENT_STEP_DUE = "assessment_step_due", _("assessment step due")
        ASSESSMENT_STEP_OVERDUE = "assessment_step_overdue", _("assessment step overdue")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    subject_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    occurred_at = models.DateTimeField(default=timezone.now)
    # What the inbox says of it, as plain values (numbers, references): worded at read time in
    # the reader's language (`texts.summary`).
    args = models.JSONField(default=dict, blank=True)
    stands_out = models.BooleanField(
        default=False, help_text="shown first and marked (e.g. a receipt with a discrepancy)"
    )
    # What makes an event one of a kind, for those the worker's checks record (an overdue
    # report: once per facility and day; an escalation: once per event): a second check of the
    # same finds the key taken and records nothing. None for events of a change.
    once = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        verbose_name = _("event")
        verbose_name_plural = _("events")
        ordering = ["-occurred_at", "-pk"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.kind} in {self.programme_id} at {self.occurred_at:%Y-%m-%d %H:%M}"


class Notification(models.Model):
    """One recipient's copy of an event in the app (the inbox). Another channel (e-mail) will
    be a delivery row beside it, made from the same event."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-event__occurred_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "recipient"], name="notification_unique")
        ]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.event} → {self.recipient_id}"


class Delivery(models.Model):
    """A notification sent through one channel beside the inbox (e-mail; SMS or WeChat later,
    `channels.CHANNELS`): the outbox. Written in the transaction of its event, sent by the task
    worker after commit, and sent again with backoff while it fails: at least once, never lost.

    `message_id` is fixed when the row is written, so a repeated send (the worker died between
    sending and recording it) carries the same Message-ID and the duplicate is recognisable."""

    class State(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    notification = models.ForeignKey(
        Notification, on_delete=models.CASCADE, related_name="deliveries"
    )
    channel = models.CharField(max_length=16)
    address = models.CharField(max_length=254, help_text="where it goes (an e-mail address)")
    message_id = models.CharField(max_length=200, unique=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveIntegerField(default=0)
    next_attempt_at = models.DateTimeField(
        null=True, blank=True, help_text="when the worker sends it (next); none once sent"
    )
    last_error = models.TextField(blank=True, help_text="the last failed attempt's error")
    created_at = models.DateTimeField(default=timezone.now)
    sent_at = models.DateTimeField(null=True, blank=True)
    # Several deliveries to one address go as one mail (a burst merged, the daily digest): the
    # first one sent carries the rest, which point to it and share its state; its Message-ID
    # is the mail's. Fixed at the first attempt, so a retry resends the same mail.
    carrier = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="carried"
    )
    digest = models.BooleanField(default=False, help_text="waits for its recipient's daily digest")

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["notification", "channel"], name="delivery_one_per_channel"
            )
        ]
        indexes = [models.Index(fields=["state", "next_attempt_at"])]

    def __str__(self) -> str:
        return f"{self.channel} delivery {self.pk} ({self.state})"


class NotificationPreference(models.Model):
    """How a user wants one kind of event beyond the inbox (which always records it): mailed
    at once, in the daily digest, or not at all. Without a row, the kind's default
    (`preferences.DEFAULTS`)."""

    class Mode(models.TextChoices):
        IMMEDIATE = "immediate", _("immediately")
        DIGEST = "digest", _("in the daily digest")
        OFF = "off", _("not at all")

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=Event.Kind.choices)
    mode = models.CharField(max_length=10, choices=Mode.choices)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="notification_preference_unique")
        ]

    def __str__(self) -> str:
        return f"{self.user_id}: {self.kind} {self.mode}"
