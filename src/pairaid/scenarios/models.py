"""Which scenario bundles are loaded, at which data version."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pairaid.programmes.models import Programme


class LoadedBundle(models.Model):
    """A bundle loaded into this database; loading it again at the same version is a no-op."""

    class Kind(models.TextChoices):
        PROGRAMME = "programme", _("programme (facts)")
        OVERLAY = "overlay", _("overlay (illustrative)")

    name = models.SlugField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    programme = models.ForeignKey(Programme, on_delete=models.CASCADE, related_name="bundles")
    format_version = models.PositiveSmallIntegerField()
    data_version = models.CharField(max_length=40)
    loaded_at = models.DateTimeField(auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("loaded bundle")
        verbose_name_plural = _("loaded bundles")

    def __str__(self) -> str:
        return f"{self.name} {self.data_version}"
