from django.db import models
from django.utils.translation import gettext_lazy as _

from pairaid.freshness.triggers import STAMP_TABLE


class Stamp(models.Model):
    """The one row that names the data's version: the generation, and (under SQLite) the count
    of writes; PostgreSQL counts in a sequence (`triggers.py`)."""

    generation = models.CharField(max_length=32)
    changes = models.BigIntegerField(default=0)

    class Meta:
        verbose_name = _("data version stamp")
        verbose_name_plural = _("data version stamps")
        db_table = STAMP_TABLE

    def __str__(self) -> str:
        return f"generation {self.generation}"
