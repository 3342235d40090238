"""The daily situation report: one numbered report per programme date, each issue of it a
revision kept as its own row (a reissue never overwrites what was sent)."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pairaid.programmes.models import Programme


class SituationReport(models.Model):
    """One revision of a programme date's report: its figures as plain values (`figures.py`
    says what they hold), frozen when issued, and the data version they were computed from."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="situation_reports"
    )
    number = models.PositiveIntegerField(help_text=_("one number per programme date"))
    revision = models.PositiveIntegerField(default=1)
    date = models.DateField(help_text=_("the programme date it reports"))
    data_version = models.CharField(
        max_length=80, help_text=_("the data version its figures were computed from")
    )
    figures = models.JSONField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("situation report")
        verbose_name_plural = _("situation reports")
        ordering = ["programme", "-number", "-revision"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "number", "revision"], name="situation_report_revision"
            ),
            models.UniqueConstraint(
                fields=["programme", "date", "revision"], name="situation_report_date_revision"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.programme.slug} situation report {self.number}.{self.revision} ({self.date})"


class Subscription(models.Model):
    """A member who asked to be sent each issued report (coordinators are sent it anyway)."""

    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name = _("situation report subscription")
        verbose_name_plural = _("situation report subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "user"], name="situation_subscription_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user_id} subscribes to {self.programme_id}'s situation reports"
