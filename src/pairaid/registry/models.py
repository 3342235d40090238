"""The shared registry: sources, regions, indicator values and the resource catalogue."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from pairaid.figures import number
from pairaid.registry import references
from pairaid.text_limits import (
    DESCRIPTION_MAX_CHARS,
    NOTE_MAX_CHARS,
    SOURCE_MAX_CHARS,
    limited_text,
)


class Certainty(models.TextChoices):
    VERIFIED = "verified", _("verified")
    UNCERTAIN = "uncertain", _("uncertain")
    DERIVED = "derived", _("derived")


class Source(models.Model):
    """Where a figure comes from: every figure in PairAid names one (DESIGN.md §2)."""

    class Kind(models.TextChoices):
        DOCUMENT = "document", _("document")
        DATASET = "dataset", _("dataset")
        PACKAGE = "package", _("registry package")
        DERIVED = "derived", _("derived by PairAid")
        ENTRY = "entry", _("entered by a user")

    key = models.SlugField(max_length=120, unique=True)
    issuer = models.CharField(max_length=300, blank=True)
    title = limited_text(SOURCE_MAX_CHARS)
    date = models.DateField(null=True, blank=True)
    url = limited_text(SOURCE_MAX_CHARS, blank=True, help_text="where it can be read")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.DOCUMENT)
    method = limited_text(NOTE_MAX_CHARS, blank=True, help_text="for derived figures: how computed")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("source")
        verbose_name_plural = _("sources")

    def __str__(self) -> str:
        return self.key


class Sourced(models.Model):
    """A figure with its source and certainty."""

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    certainty = models.CharField(
        max_length=10, choices=Certainty.choices, default=Certainty.VERIFIED
    )
    illustrative = models.BooleanField(
        default=False, help_text="example data from an overlay bundle, not a fact"
    )

    class Meta:
        abstract = True


class Region(models.Model):
    """An administrative unit, or a code-less area, in a hierarchy (DESIGN.md §2)."""

    class Level(models.TextChoices):
        COUNTRY = "country", _("country")
        PROVINCE = "province", _("province")
        PREFECTURE = "prefecture", _("prefecture")
        COUNTY = "county", _("county")
        AREA = "area", _("area")

    country = models.CharField(max_length=2, default="CN", help_text="ISO 3166-1 alpha-2")
    code = models.CharField(
        max_length=20, blank=True, help_text="official code (GB/T 2260 in China); empty for areas"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    level = models.CharField(max_length=12, choices=Level.choices)
    name_zh = models.CharField(max_length=120, blank=True)
    name_en = models.CharField(max_length=160)
    name_en_certainty = models.CharField(
        max_length=10, choices=Certainty.choices, default=Certainty.VERIFIED
    )
    latitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    longitude = models.DecimalField(
        max_digits=9,
        decimal_places=6,
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    coordinates_source = models.ForeignKey(
        Source, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    certainty = models.CharField(
        max_length=10, choices=Certainty.choices, default=Certainty.VERIFIED
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        constraints = [
            models.UniqueConstraint(
                fields=["country", "code"], condition=~Q(code=""), name="region_code_unique"
            ),
            models.UniqueConstraint(
                fields=["country", "parent", "name_en"],
                condition=Q(code=""),
                name="area_name_unique_in_parent",
            ),
            models.CheckConstraint(
                condition=Q(level="area") | ~Q(code=""), name="only_areas_lack_codes"
            ),
        ]
        ordering = ["country", "code", "name_en"]

    def __str__(self) -> str:
        return f"{self.name_en} ({self.code or 'area'})"

    def as_reference(self) -> references.Reference:
        parent_code = self.parent.code if self.parent else ""
        return references.of(self.country, self.code, parent_code, self.name_en)

    @property
    def reference(self) -> str:
        """This region's public id, in full form (`registry.references`)."""
        return str(self.as_reference())

    def display_name(self, language: str = "en") -> str:
        if language.startswith("zh") and self.name_zh:
            return self.name_zh
        return self.name_en


class RegionRename(models.Model):
    """A later change of a region's code or name (安县 510724 became 安州区 510705 in 2016)."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="renames")
    new_code = models.CharField(max_length=20, blank=True)
    new_name_zh = models.CharField(max_length=120, blank=True)
    new_name_en = models.CharField(max_length=160, blank=True)
    date = models.DateField(null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("region rename")
        verbose_name_plural = _("region renames")
        constraints = [
            models.UniqueConstraint(fields=["region", "new_code"], name="rename_once"),
        ]

    def __str__(self) -> str:
        return f"{self.region} → {self.new_code} {self.new_name_zh}"


class IndicatorType(models.Model):
    """An entry of the extensible indicator catalogue, with its unit."""

    code = models.SlugField(max_length=60, unique=True)
    name_en = models.CharField(max_length=160)
    name_zh = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=60)
    description = limited_text(DESCRIPTION_MAX_CHARS, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("indicator type")
        verbose_name_plural = _("indicator types")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name_en} ({self.unit})"


class RegionalIndicator(Sourced):
    """One value of an indicator for a region at a date. Unknown figures are absent, never 0."""

    region = models.ForeignKey(Region, on_delete=models.CASCADE, related_name="indicators")
    indicator = models.ForeignKey(IndicatorType, on_delete=models.PROTECT, related_name="values")
    value = models.DecimalField(max_digits=20, decimal_places=4)
    as_of = models.DateField()
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("regional indicator")
        verbose_name_plural = _("regional indicators")
        constraints = [
            models.UniqueConstraint(
                fields=["region", "indicator", "as_of"], name="one_indicator_value_per_date"
            ),
        ]
        ordering = ["region", "indicator", "as_of"]

    def __str__(self) -> str:
        return f"{self.region.name_en} {self.indicator.name_en} {self.as_of}: {number(self.value)}"


class ResourceType(models.Model):
    """What flows along a pair: personnel by profession, materiel, funds, expertise."""

    class Kind(models.TextChoices):
        PERSONNEL = "personnel", _("personnel")
        MATERIEL = "materiel", _("materiel")
        FUNDS = "funds", _("funds")
        EXPERTISE = "expertise", _("expertise")

    code = models.SlugField(max_length=60, unique=True)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    name_en = models.CharField(max_length=160)
    name_zh = models.CharField(max_length=120, blank=True)
    unit = models.CharField(max_length=40)
    profession = models.CharField(max_length=60, blank=True, help_text="personnel: profession")
    specialty = models.CharField(max_length=60, blank=True, help_text="personnel: specialty")
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("resource type")
        verbose_name_plural = _("resource types")
        ordering = ["kind", "code"]

    def __str__(self) -> str:
        return self.name_en

    @property
    def is_integral(self) -> bool:
        """People and whole items are counted in integers; funds are not."""
        return self.kind != self.Kind.FUNDS
