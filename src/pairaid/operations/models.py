"""Running the programme: facilities, teams and deployments, the one ledger of requests, pledges,
shipments and receipts (goods, staff and funds), and contacts. Every status change is kept in
the history (who and when)."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from pairaid.edits import Versioned
from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import COUNTS, PROFESSIONS
from pairaid.figures import number
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType, Source
from pairaid.text_limits import NOTE_MAX_CHARS, limited_text

BED_TYPE_LABELS = {
    "general": _("general"),
    "oxygen": _("oxygen-supplied"),
    "icu": _("ICU"),
    "icu_ventilated": _("ICU with ventilation"),
}
# The codes and their order come from the engine (one place); a code without a label fails here.
BED_TYPE_CHOICES = [(code, BED_TYPE_LABELS[code]) for code in BED_TYPES]

# The professions that staff beds (codes of the resource catalogue, listed by the engine).
PROFESSION_LABELS = {
    "doctor": _("doctors"),
    "nurse": _("nurses"),
    "icu_doctor": _("ICU doctors"),
    "icu_nurse": _("ICU nurses"),
}
PROFESSION_CHOICES = [(code, PROFESSION_LABELS[code]) for code in PROFESSIONS]
COUNTS_LABELS = {
    "headcount": _("headcount (establishment)"),
    "on_duty": _("on duty (per shift)"),
}
COUNTS_CHOICES = [(code, COUNTS_LABELS[code]) for code in COUNTS]


class Facility(Versioned):
    """A hospital or site in a recipient region."""

    class Kind(models.TextChoices):
        HOSPITAL = "hospital", _("hospital")
        FIELD_HOSPITAL = "field_hospital", _("field hospital (方舱)")
        SITE = "site", _("site")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="facilities")
    recipient = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="facilities")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.HOSPITAL)
    ventilators = models.PositiveIntegerField(null=True, blank=True)
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        constraints = [
            models.UniqueConstraint(fields=["recipient", "name"], name="facility_name_unique")
        ]
        ordering = ["recipient", "name"]

    def __str__(self) -> str:
        return self.name


class FacilityBeds(models.Model):
    """A facility's capacity of one bed type: the beds it has (one row per facility and type; a
    type without a row is unknown, not zero)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="bed_counts")
    bed_type = models.CharField(max_length=20, choices=BED_TYPE_CHOICES)
    beds = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facility", "bed_type"], name="facility_beds_unique")
        ]
        ordering = ["facility", "bed_type"]
        verbose_name = _("beds of a type")
        verbose_name_plural = _("beds by type")

    def __str__(self) -> str:
        return f"{self.facility} {self.bed_type} {self.beds}"


class FacilityStaff(models.Model):
    """A facility's own staff of one profession (headcount), before any team is deployed to it;
    a profession without a row is none known."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="own_staff")
    profession = models.CharField(max_length=20, choices=PROFESSION_CHOICES)
    count = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["facility", "profession"], name="facility_staff_unique")
        ]
        ordering = ["facility", "profession"]
        verbose_name = _("facility's own staff")
        verbose_name_plural = _("facilities' own staff")

    def __str__(self) -> str:
        return f"{self.facility} {self.profession} {self.count}"


class CareRatio(models.Model):
    """The programme's care ratio for one bed type: the doctors and nurses one bed needs, as its
    source counts them. A figure is kept as staff per bed because sources state it so (China's
    ICU guide: doctors to beds at least 0.8 : 1), which a decimal holds exactly. A figure absent,
    or a row without a source, is unknown: staffed beds then rest on the beds alone."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="care_ratios")
    bed_type = models.CharField(max_length=20, choices=BED_TYPE_CHOICES)
    doctors_per_bed = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    nurses_per_bed = models.DecimalField(
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    # Headcount (staff on the establishment) and on-duty (at work in a shift) figures differ by
    # the rota, several times over; the engine never applies one to staff counted the other way.
    counts = models.CharField(max_length=12, choices=COUNTS_CHOICES, default="headcount")
    source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["programme", "bed_type"], name="care_ratio_unique")
        ]
        ordering = ["programme", "bed_type"]
        verbose_name = _("care ratio")
        verbose_name_plural = _("care ratios")

    def __str__(self) -> str:
        return f"{self.programme} {self.bed_type}"


class FacilitySnapshot(models.Model):
    """A facility's report of its beds, per bed type (`SnapshotBeds`), at a moment. `date` is
    the programme-time date of `reported_at` (one report per facility and day)."""

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="snapshots")
    date = models.DateField()
    reported_at = models.DateTimeField()
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("facility snapshot")
        verbose_name_plural = _("facility snapshots")
        constraints = [
            models.UniqueConstraint(fields=["facility", "date"], name="one_snapshot_per_day")
        ]
        ordering = ["facility", "date"]

    def __str__(self) -> str:
        return f"{self.facility} {self.date}"


class SnapshotBeds(models.Model):
    """One bed type's figures in a snapshot: beds open (in service) and beds occupied. Occupied
    may exceed open: a facility in surge reports patients on extra beds, and the report is kept
    as a fact (pages flag it) rather than refused."""

    snapshot = models.ForeignKey(FacilitySnapshot, on_delete=models.CASCADE, related_name="beds")
    bed_type = models.CharField(max_length=20, choices=BED_TYPE_CHOICES)
    open = models.PositiveIntegerField(null=True, blank=True)
    occupied = models.PositiveIntegerField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "bed_type"], name="snapshot_beds_unique")
        ]
        ordering = ["snapshot", "bed_type"]
        verbose_name = _("reported beds of a type")
        verbose_name_plural = _("reported beds by type")

    def __str__(self) -> str:
        return f"{self.snapshot} {self.bed_type} {self.occupied}/{self.open}"


class Team(Versioned):
    """A donor's medical team (WHO EMT classification where it fits)."""

    class EmtType(models.TextChoices):
        TYPE_1_MOBILE = "emt1_mobile", _("EMT type 1 mobile")
        TYPE_1_FIXED = "emt1_fixed", _("EMT type 1 fixed")
        TYPE_2 = "emt2", _("EMT type 2 (inpatient surgical)")
        TYPE_3 = "emt3", _("EMT type 3 (referral)")
        SPECIALISED = "specialised", _("specialised care team")
        OTHER = "other", _("other team")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="teams")
    donor = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="teams")
    name = models.CharField(max_length=200)
    emt_type = models.CharField(max_length=20, choices=EmtType.choices, default=EmtType.OTHER)
    leader = models.CharField(max_length=120, blank=True)
    home_institution = models.CharField(max_length=200, blank=True)
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        constraints = [models.UniqueConstraint(fields=["donor", "name"], name="team_name_unique")]
        ordering = ["donor", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def size(self) -> int:
        return sum(member.count for member in self.members.all())


class TeamMember(models.Model):
    """How many members of one profession and specialty (a personnel resource type) a team has."""

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    resource_type = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="+")
    count = models.PositiveIntegerField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["team", "resource_type"], name="team_member_unique")
        ]

    def __str__(self) -> str:
        return f"{self.team}: {self.count} {self.resource_type.name_en}"


class Request(Versioned):
    """A recipient's request for resources; it expires unless renewed (EU: after 90 days)."""

    class Status(models.TextChoices):
        OPEN = "open", _("open")
        CLOSED = "closed", _("closed")
        WITHDRAWN = "withdrawn", _("withdrawn")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="requests")
    recipient = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="requests")
    number = models.PositiveIntegerField()
    raised_on = models.DateField()
    expires_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    note = limited_text(NOTE_MAX_CHARS, blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="request_number_unique")
        ]
        ordering = ["programme", "-number"]

    def __str__(self) -> str:
        return f"request {self.number} of {self.recipient.region.name_en}"


class RequestLine(models.Model):
    class Priority(models.TextChoices):
        URGENT = "urgent", _("urgent")
        HIGH = "high", _("high")
        NORMAL = "normal", _("normal")

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="lines")
    resource_type = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    priority = models.CharField(max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    needed_by = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("request line")
        verbose_name_plural = _("request lines")
        ordering = ["request", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="request_line_gt_0")
        ]

    def __str__(self) -> str:
        return f"{number(self.quantity)} {self.resource_type.name_en}"


class Pledge(models.Model):
    """A donor's promise against a request line: goods become shipments, staff deployments,
    funds disbursements."""

    class Status(models.TextChoices):
        PLEDGED = "pledged", _("pledged")
        CANCELLED = "cancelled", _("cancelled")

    line = models.ForeignKey(RequestLine, on_delete=models.PROTECT, related_name="pledges")
    donor = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="pledges")
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    pledged_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PLEDGED)
    note = limited_text(
        NOTE_MAX_CHARS, blank=True, help_text="required when the pledge goes beyond the line"
    )
    pledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # The offered lot this pledge takes from, if any: what an offer line has given is the sum
    # of its pledges (a cancelled pledge gives its quantity back to the lot).
    from_offer = models.ForeignKey(
        "OfferLine", null=True, blank=True, on_delete=models.PROTECT, related_name="pledges"
    )
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["line", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="pledge_gt_0")
        ]

    def __str__(self) -> str:
        return f"pledge of {number(self.quantity)} by {self.donor.region.name_en}"


# A lot offered is taken by at most this many pledges unless the donor says otherwise: each take
# becomes its own consignment (a truck, a customs form, a receipt to confirm), so a lot of 10,000
# masks is not split into crumbs of 50 for every requester; three still lets a donor serve its
# paired city and two neighbours from one lot.
DEFAULT_TAKES_PER_OFFER_LINE = 3


class Offer(models.Model):
    """Goods a donor offers before anyone asks (a pledge needs a request line, an offer does
    not); each line is taken, in part or whole, as a pledge against a request line."""

    class Standing(models.TextChoices):
        # What is stored: whether the donor still offers it. How much is taken, and whether
        # it has run out or expired, is read from its pledges and dates (queries.offers).
        OPEN = "open", _("open")
        WITHDRAWN = "withdrawn", _("withdrawn")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="offers")
    donor = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="offers")
    number = models.PositiveIntegerField()
    available_from = models.DateField()
    available_until = models.DateField(null=True, blank=True)
    standing = models.CharField(max_length=10, choices=Standing.choices, default=Standing.OPEN)
    note = limited_text(NOTE_MAX_CHARS, blank=True)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="offer_number_unique")
        ]
        ordering = ["programme", "-number"]

    def __str__(self) -> str:
        return f"offer {self.number} of {self.donor.region.name_en}"


class OfferLine(models.Model):
    """A lot of one resource on an offer; its unit is the catalogue's (resource_type.unit)."""

    offer = models.ForeignKey(Offer, on_delete=models.CASCADE, related_name="lines")
    resource_type = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    max_takes = models.PositiveSmallIntegerField(
        default=DEFAULT_TAKES_PER_OFFER_LINE,
        validators=[MinValueValidator(1)],
        help_text="at most this many pledges (shipments) are made from the lot",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("offer line")
        verbose_name_plural = _("offer lines")
        ordering = ["offer", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="offer_line_gt_0"),
            models.CheckConstraint(condition=models.Q(max_takes__gt=0), name="offer_takes_gt_0"),
        ]

    def __str__(self) -> str:
        return f"{number(self.quantity)} {self.resource_type.name_en}"


class PushDelivery(models.Model):
    """Goods a donor sends ahead, before anyone asks and with no pledge (the "push-type"
    supplies Japan sent after the Kumamoto earthquake): sent → accepted or declined by the
    recipient; a declined one is returned to the donor or redirected to another recipient,
    which is a new push delivery (`redirected_from`). Its moves are
    services.push_deliveries.MOVES; each is kept in PushDeliveryEvent."""

    class Status(models.TextChoices):
        SENT = "sent", pgettext_lazy("push delivery status", "sent")
        ACCEPTED = "accepted", pgettext_lazy("push delivery status", "accepted")
        DECLINED = "declined", pgettext_lazy("push delivery status", "declined")
        RETURNED = "returned", pgettext_lazy("push delivery status", "returned")
        REDIRECTED = "redirected", pgettext_lazy("push delivery status", "redirected")

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="push_deliveries"
    )
    number = models.PositiveIntegerField()
    donor = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="push_deliveries_sent"
    )
    recipient = models.ForeignKey(
        Participant, on_delete=models.PROTECT, related_name="push_deliveries_received"
    )
    resource_type = models.ForeignKey(ResourceType, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    dispatched_on = models.DateField()
    # The programme date the recipient accepted it: from then on it counts as received (gaps).
    accepted_on = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SENT)
    note = limited_text(NOTE_MAX_CHARS, blank=True)
    redirected_from = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="redirected_to",
        help_text="the declined push delivery whose goods this one carries on",
    )
    updated_at = models.DateTimeField()
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    illustrative = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("push delivery")
        verbose_name_plural = _("push deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="push_delivery_number_unique"
            ),
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="push_delivery_gt_0"),
        ]
        ordering = ["programme", "-number"]

    def __str__(self) -> str:
        return f"push delivery {self.number}"


class PushDeliveryEvent(models.Model):
    """One move of a push delivery: who, when, from which status to which, and its note (the
    reason of a decline)."""

    delivery = models.ForeignKey(PushDelivery, on_delete=models.CASCADE, related_name="events")
    move = models.CharField(max_length=20)
    status_from = models.CharField(max_length=12, blank=True, choices=PushDelivery.Status.choices)
    status_to = models.CharField(max_length=12, choices=PushDelivery.Status.choices)
    note = limited_text(NOTE_MAX_CHARS, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("push delivery event")
        verbose_name_plural = _("push delivery events")
        ordering = ["delivery", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.delivery} {self.status_from} → {self.status_to}"


class Shipment(models.Model):
    """Goods sent against a pledge: dispatched → in transit → received (funds are disbursed)."""

    class Status(models.TextChoices):
        DISPATCHED = "dispatched", _("dispatched")
        IN_TRANSIT = "in_transit", _("in transit")
        RECEIVED = "received", pgettext_lazy("shipment status", "received")

    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="shipments")
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DISPATCHED)
    dispatched_on = models.DateField()
    received_on = models.DateField(null=True, blank=True)
    received_quantity = models.DecimalField(max_digits=18, decimal_places=4, null=True, blank=True)
    value_cny = models.DecimalField(
        max_digits=18, decimal_places=2, null=True, blank=True, help_text="value of in-kind aid"
    )
    reference = models.CharField(max_length=120, blank=True, help_text="waybill or transfer number")
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("shipment")
        verbose_name_plural = _("shipments")
        ordering = ["pledge", "pk"]

    def __str__(self) -> str:
        return f"shipment of {number(self.quantity)} ({self.status})"


class Deployment(models.Model):
    """A team sent to a recipient facility: planned → dispatched (in transit) → arrived
    (received, confirmed by the recipient) → ended. A rotation replaces an earlier deployment."""

    class Status(models.TextChoices):
        PLANNED = "planned", _("planned")
        DISPATCHED = "dispatched", _("dispatched (in transit)")
        ARRIVED = "arrived", _("arrived (on duty)")
        ENDED = "ended", _("ended")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="deployments")
    recipient = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="deployments")
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.PROTECT, related_name="deployments"
    )
    pledge = models.ForeignKey(
        Pledge, null=True, blank=True, on_delete=models.SET_NULL, related_name="deployments"
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.PLANNED)
    planned_start = models.DateField()
    planned_end = models.DateField(null=True, blank=True)
    dispatched_on = models.DateField(null=True, blank=True)
    arrived_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    replaces = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="replaced_by"
    )
    overlap_days = models.PositiveSmallIntegerField(default=0)
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("deployment")
        verbose_name_plural = _("deployments")
        ordering = ["team", "planned_start"]

    def __str__(self) -> str:
        return f"{self.team} → {self.recipient.region.name_en} ({self.status})"


class FundCommitment(models.Model):
    """Funds or in-kind aid a donor commits to its recipient for a year (programme currency).
    Disbursing against a funds pledge draws on the pair's cash commitment of that year, creating
    or raising it to cover the disbursement (services.disburse_pledge)."""

    class Kind(models.TextChoices):
        CASH = "cash", _("funds")
        IN_KIND = "in_kind", _("in-kind aid")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="commitments")
    donor = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="commitments")
    recipient = models.ForeignKey(Participant, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.CASH)
    amount = models.DecimalField(max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])
    description = limited_text(NOTE_MAX_CHARS, blank=True)
    # The project the money is for (IATI transaction type 2 of that activity): the project's
    # commitments are these rows, never copies of them (projects.queries.transactions).
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="commitments",
    )
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("fund commitment")
        verbose_name_plural = _("fund commitments")

    def __str__(self) -> str:
        return f"{self.donor.region.name_en} {self.year}: {number(self.amount)}"


class Disbursement(models.Model):
    """Money or in-kind value actually transferred against a commitment (IATI: disbursement):
    disbursed (in transit) → received, confirmed by the recipient with the amount that arrived.
    A disbursement that fulfils a funds pledge names it; the request line counts it."""

    class Status(models.TextChoices):
        DISBURSED = "disbursed", _("disbursed (in transit)")
        RECEIVED = "received", pgettext_lazy("disbursement status", "received")

    commitment = models.ForeignKey(
        FundCommitment, on_delete=models.PROTECT, related_name="disbursements"
    )
    pledge = models.ForeignKey(
        Pledge, null=True, blank=True, on_delete=models.PROTECT, related_name="disbursements"
    )
    date = models.DateField()
    amount = models.DecimalField(max_digits=18, decimal_places=2, validators=[MinValueValidator(0)])
    reference = models.CharField(max_length=120, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DISBURSED)
    received_on = models.DateField(null=True, blank=True)
    received_amount = models.DecimalField(max_digits=18, decimal_places=2, null=True, blank=True)
    # The project the money went to (IATI transaction type 3); a disbursement on a project's
    # commitment belongs to that project (projects.services.link).
    project = models.ForeignKey(
        "projects.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="disbursements",
    )
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("disbursement")
        verbose_name_plural = _("disbursements")
        ordering = ["commitment", "date", "pk"]

    def __str__(self) -> str:
        return f"{self.date}: {number(self.amount)} ({self.status})"


class Discrepancy(models.Model):
    """What a receipt found wrong, of a shipment or of a disbursement; recorded, never lost."""

    class Kind(models.TextChoices):
        SHORT = "short", _("short")
        DAMAGED = "damaged", _("damaged")
        WRONG_ITEM = "wrong_item", _("wrong item")

    shipment = models.ForeignKey(
        Shipment, null=True, blank=True, on_delete=models.CASCADE, related_name="discrepancies"
    )
    disbursement = models.ForeignKey(
        "Disbursement",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="discrepancies",
    )
    kind = models.CharField(max_length=12, choices=Kind.choices)
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    note = limited_text(NOTE_MAX_CHARS, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("discrepancy")
        verbose_name_plural = _("discrepancies")
        constraints = [
            # One receipt found it: a shipment's or a disbursement's, never both or neither.
            models.CheckConstraint(
                condition=(
                    models.Q(shipment__isnull=False, disbursement__isnull=True)
                    | models.Q(shipment__isnull=True, disbursement__isnull=False)
                ),
                name="discrepancy_of_one_receipt",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {number(self.quantity)}"


class Contact(Versioned):
    """A person responsible in a participant, team or facility. Phone and e-mail are personal
    data: members with a role see them, observers see names and roles only."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="contacts")
    participant = models.ForeignKey(
        Participant, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    team = models.ForeignKey(
        Team, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    facility = models.ForeignKey(
        Facility, null=True, blank=True, on_delete=models.CASCADE, related_name="contacts"
    )
    name = models.CharField(max_length=120)
    role = models.CharField(max_length=120)
    phone = models.CharField(max_length=40, blank=True)
    email = models.EmailField(blank=True)
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")
        ordering = ["participant", "team", "facility", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.role})"


class DailyReport(models.Model):
    """A team's daily report (WHO EMT minimum data set where it fits)."""

    # The figures a report carries, in the order every form, sheet, table and summary lists them.
    FIGURES = (
        "patients_seen",
        "admitted",
        "severe",
        "critical",
        "recovered",
        "deaths",
        "staff_on_duty",
    )

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="reports")
    date = models.DateField()
    patients_seen = models.PositiveIntegerField(_("Patients seen"), default=0)
    admitted = models.PositiveIntegerField(_("Admitted"), default=0)
    severe = models.PositiveIntegerField(_("Severe"), default=0)
    critical = models.PositiveIntegerField(_("Critical"), default=0)
    recovered = models.PositiveIntegerField(_("Recovered"), default=0)
    deaths = models.PositiveIntegerField(_("Deaths"), default=0)
    staff_on_duty = models.PositiveIntegerField(_("Staff on duty"), default=0)
    shortages = limited_text(NOTE_MAX_CHARS, blank=True)
    illustrative = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("daily report")
        verbose_name_plural = _("daily reports")
        constraints = [models.UniqueConstraint(fields=["team", "date"], name="one_report_per_day")]
        ordering = ["team", "date"]

    def __str__(self) -> str:
        return f"{self.team} {self.date}"


class BedMovement(models.Model):
    """A count of patients that moved into or out of a facility's beds of one type at a moment:
    the one ledger that moves occupancy between snapshots. Occupancy now = the latest
    snapshot's occupied + arrivals and admissions − departures and discharges recorded since its
    `reported_at` (queries.transfers). A transfer writes its departure (set off from a sending
    facility) and its arrival here; admissions and discharges are recorded by hand."""

    class Kind(models.TextChoices):
        ADMISSION = "admission", _("admission")
        DISCHARGE = "discharge", _("discharge")
        ARRIVAL = "arrival", _("arrival (transfer)")
        DEPARTURE = "departure", _("departure (transfer)")

    # Whether a kind fills (+1) or frees (−1) beds: written once, read by the accounting.
    SIGN = {Kind.ADMISSION: 1, Kind.ARRIVAL: 1, Kind.DISCHARGE: -1, Kind.DEPARTURE: -1}

    facility = models.ForeignKey(Facility, on_delete=models.CASCADE, related_name="movements")
    bed_type = models.CharField(max_length=20, choices=BED_TYPE_CHOICES)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    count = models.PositiveIntegerField(validators=[MinValueValidator(1)])
    recorded_at = models.DateTimeField()
    transfer = models.ForeignKey(
        "Transfer", null=True, blank=True, on_delete=models.PROTECT, related_name="movements"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("bed movement")
        verbose_name_plural = _("bed movements")
        ordering = ["facility", "recorded_at", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(count__gt=0), name="bed_movement_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.facility} {self.kind} {self.count} {self.bed_type}"


class QueueEntry(models.Model):
    """A recipient region's community queue of one acuity, counted by hand at a moment: the
    patients waiting outside hospitals for a bed of that type. The queue now = the latest
    entry − the patients transferred out of the queue (set off) since (queries.transfers)."""

    recipient = models.ForeignKey(Participant, on_delete=models.CASCADE, related_name="queue")
    acuity = models.CharField(max_length=20, choices=BED_TYPE_CHOICES)
    waiting = models.PositiveIntegerField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    illustrative = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("community queue count")
        verbose_name_plural = _("community queue counts")
        ordering = ["recipient", "acuity", "recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.recipient} {self.acuity} {self.waiting}"


class Transfer(models.Model):
    """A request to place patients of one acuity: from a sending facility, or from a recipient
    region's community queue (no sending facility), to a receiving facility. Counts only — no
    personal data. Its moves are services.transfers.MOVES; each is kept in TransferEvent."""

    class Status(models.TextChoices):
        REQUESTED = "requested", pgettext_lazy("transfer status", "requested")
        APPROVED = "approved", _("approved by the coordinator")
        ACCEPTED = "accepted", _("accepted")
        DECLINED = "declined", _("declined")
        TRANSPORT_ARRANGED = "transport_arranged", _("transport arranged")
        IN_TRANSIT = "in_transit", pgettext_lazy("transfer status", "in transit")
        ARRIVED = "arrived", _("arrived")
        CANCELLED = "cancelled", pgettext_lazy("transfer status", "cancelled")

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="transfers")
    number = models.PositiveIntegerField()
    sending = models.ForeignKey(
        Participant,
        on_delete=models.PROTECT,
        related_name="transfers_sent",
        verbose_name=_("sending region"),
    )
    sending_facility = models.ForeignKey(
        Facility,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="transfers_sent",
        verbose_name=_("sending facility"),
        help_text=_("empty: the patients wait in the sending region's community queue"),
    )
    receiving_facility = models.ForeignKey(
        Facility,
        on_delete=models.PROTECT,
        related_name="transfers_received",
        verbose_name=_("receiving facility"),
    )
    acuity = models.CharField(_("acuity"), max_length=20, choices=BED_TYPE_CHOICES)
    # The bed the patients take at the receiver: the acuity's own type or a higher one (an oxygen
    # patient may take an ICU bed, engine/beds.py). The sender's beds and its queue are counted
    # by acuity, the receiver's reservation and arrival by this.
    bed_type = models.CharField(
        _("bed type at the receiver"), max_length=20, choices=BED_TYPE_CHOICES
    )
    requested = models.PositiveIntegerField(
        _("patients requested"), validators=[MinValueValidator(1)]
    )
    accepted = models.PositiveIntegerField(_("patients accepted"), null=True, blank=True)
    reference = models.CharField(
        _("reference"),
        max_length=60,
        blank=True,
        help_text=_("a pseudonymous reference only: no name, ID number or other personal data"),
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.REQUESTED)
    decline_reason = limited_text(NOTE_MAX_CHARS, blank=True)
    surge_reason = limited_text(
        NOTE_MAX_CHARS,
        blank=True,
        help_text=_("why the receiving facility accepted beyond its free beds"),
    )
    requested_at = models.DateTimeField()
    updated_at = models.DateTimeField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.UniqueConstraint(fields=["programme", "number"], name="transfer_number_unique"),
            models.CheckConstraint(condition=models.Q(requested__gt=0), name="transfer_gt_0"),
        ]
        ordering = ["programme", "-number"]

    def __str__(self) -> str:
        return f"transfer {self.number}"

    @property
    def cross_region(self) -> bool:
        return self.sending.region_id != self.receiving_facility.recipient.region_id


class TransferEvent(models.Model):
    """One move of a transfer: who, when, from which status to which, the count it concerned
    and its note (a reason, where the move needs one)."""

    transfer = models.ForeignKey(Transfer, on_delete=models.CASCADE, related_name="events")
    move = models.CharField(max_length=20)
    status_from = models.CharField(max_length=20, blank=True, choices=Transfer.Status.choices)
    status_to = models.CharField(max_length=20, choices=Transfer.Status.choices)
    count = models.PositiveIntegerField(null=True, blank=True)
    note = limited_text(NOTE_MAX_CHARS, blank=True)
    at = models.DateTimeField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("transfer event")
        verbose_name_plural = _("transfer events")
        ordering = ["transfer", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.transfer} {self.status_from} → {self.status_to}"


class PlacementRecommendation(models.Model):
    """A placement the recommender proposed (engine.placement): the assumptions the coordinator
    stated, the exact problem it solved and its result, kept so that everyone reads the same
    one and each of its lines becomes a transfer request at most once."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="placement_recommendations"
    )
    number = models.PositiveIntegerField()
    on = models.DateField(help_text="the programme date whose staffed beds it counted")
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    assumptions = models.JSONField(help_text="road speed, road factor, travel limits per acuity")
    problem = models.JSONField()
    result = models.JSONField()
    left_out = models.JSONField(default=list, help_text="facilities without coordinates")
    # Indices into result["placements"] already turned into transfer requests.
    requested = models.JSONField(default=list)

    class Meta:
        verbose_name = _("placement recommendation")
        verbose_name_plural = _("placement recommendations")
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="placement_recommendation_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.slug} placement {self.number}"


class MatchingProposal(models.Model):
    """Which offered lots the matcher (engine.matching) proposed for which open request lines:
    the exact problem it solved and its result, kept so that every donor reads the same one and
    accepts its own lines as pledges."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="matching_proposals"
    )
    number = models.PositiveIntegerField()
    on = models.DateField(help_text="the programme date whose offers and requests it matched")
    made_at = models.DateTimeField()
    made_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    problem = models.JSONField()
    result = models.JSONField()

    class Meta:
        verbose_name = _("matching proposal")
        verbose_name_plural = _("matching proposals")
        ordering = ["programme", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number"], name="matching_proposal_number_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.programme.slug} matching {self.number}"


class MatchingLine(models.Model):
    """One proposed shipment: a quantity from an offered lot for a request line. Its donor
    accepts it by taking the lot as a pledge (`pledge` then names the pledge made)."""

    proposal = models.ForeignKey(MatchingProposal, on_delete=models.CASCADE, related_name="lines")
    offer_line = models.ForeignKey(OfferLine, on_delete=models.PROTECT, related_name="+")
    request_line = models.ForeignKey(RequestLine, on_delete=models.PROTECT, related_name="+")
    quantity = models.DecimalField(
        max_digits=18, decimal_places=4, validators=[MinValueValidator(0)]
    )
    km = models.FloatField(help_text="great-circle distance between the two regions")
    pledge = models.OneToOneField(
        Pledge, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("matching line")
        verbose_name_plural = _("matching lines")
        ordering = ["proposal", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(quantity__gt=0), name="matching_line_gt_0")
        ]

    def __str__(self) -> str:
        return f"{self.proposal}: {number(self.quantity)} {self.offer_line.resource_type.name_en}"
