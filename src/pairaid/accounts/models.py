"""Users (with the platform-administrator flag) and their memberships in programmes."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pairaid.programmes.models import Participant, Programme, validate_time_zone
from pairaid.registry.models import Region


class User(AbstractUser):
    """A PairAid account. Platform administrators maintain the registry and the admin."""

    is_platform_admin = models.BooleanField(
        default=False, help_text=_("maintains the shared registry and accounts")
    )
    is_demo_account = models.BooleanField(
        default=False, help_text="documented demo password; refused outside demo mode"
    )
    phone = models.CharField(max_length=40, blank=True)
    language = models.CharField(
        max_length=10, blank=True, help_text="the interface language this user chose last"
    )
    # Where the user reads mail: a donor's team abroad, or officers across US time zones, get
    # the daily digest at its hour in their own zone rather than in the programme's.
    time_zone = models.CharField(
        max_length=64,
        blank=True,
        validators=[validate_time_zone],
        help_text="IANA name for the daily digest's hour; empty: each programme's time zone",
    )
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    @property
    def may_sign_in(self) -> bool:
        """Active, and no demo account outside demo mode: its password is public (README), so
        neither its password, its sessions nor its tokens count anywhere else."""
        return self.is_active and (settings.DEMO_MODE or not self.is_demo_account)


class Membership(models.Model):
    """A user's role in one programme; officers act for exactly one region, a facility officer
    for exactly one facility (and its recipient's region, which `region` repeats so that every
    officer's scope reads the same way; services.grant keeps the two in step)."""

    class Role(models.TextChoices):
        COORDINATOR = "coordinator", _("coordinator")
        DONOR_OFFICER = "donor_officer", _("donor officer")
        RECIPIENT_OFFICER = "recipient_officer", _("recipient officer")
        OBSERVER = "observer", _("observer")
        # Files one facility's bed reports, so that a city's officer need not report for every
        # hospital by the deadline (issue 19); changes nothing else.
        FACILITY_OFFICER = "facility_officer", _("facility officer")

    # An officer acts for one participant region of the matching role.
    OFFICER_PARTICIPANT_ROLE = {
        Role.DONOR_OFFICER: Participant.Role.DONOR,
        Role.RECIPIENT_OFFICER: Participant.Role.RECIPIENT,
    }
    OFFICER_ROLES = tuple(OFFICER_PARTICIPANT_ROLE)

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=20, choices=Role.choices)
    region = models.ForeignKey(
        Region, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # By name, not import: operations imports programmes, and accounts must not depend on it.
    # PROTECT: a facility that officers report for is not deleted under them (revoke first).
    facility = models.ForeignKey(
        "operations.Facility",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="officers",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "programme", "role", "region"],
                condition=Q(facility__isnull=True),
                name="membership_unique",
            ),
            models.UniqueConstraint(
                fields=["user", "programme", "facility"],
                condition=Q(facility__isnull=False),
                name="membership_unique_per_facility",
            ),
            models.UniqueConstraint(
                fields=["user", "programme", "role"],
                condition=Q(region__isnull=True),
                name="membership_unique_without_region",
            ),
            models.CheckConstraint(
                condition=(
                    Q(
                        role__in=["donor_officer", "recipient_officer"],
                        region__isnull=False,
                        facility__isnull=True,
                    )
                    | Q(role="facility_officer", region__isnull=False, facility__isnull=False)
                    | Q(
                        role__in=["coordinator", "observer"],
                        region__isnull=True,
                        facility__isnull=True,
                    )
                ),
                name="officers_have_exactly_one_region",
            ),
        ]

    def __str__(self) -> str:
        scope = self.facility.name if self.facility else self.region.name_en if self.region else ""
        where = f" for {scope}" if scope else ""
        return f"{self.user.username}: {self.role} of {self.programme.slug}{where}"


class ApiToken(models.Model):
    """A per-user API token; only its hash is stored, the key is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, help_text="first characters, to recognise the key")
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["last_used_at"])

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.user.username}: {self.name} ({self.prefix}…)"

    @property
    def active(self) -> bool:
        return self.revoked_at is None
