"""The sector catalogue of projects, each entry mapped to an OECD-DAC purpose code (5 digits).

Source: OECD Development Assistance Committee, "DAC and CRS code lists: purpose codes (sector
classification)", https://www.oecd.org/dac/financing-sustainable-development/development-finance-standards/dacandcrscodelists.htm,
as published in the IATI Sector codelist (vocabulary 1, "OECD DAC CRS Purpose Codes (5 digit)"),
https://iatistandard.org/en/iati-standard/203/codelists/sector/.

Each entry also names the resource types (codes of registry.catalogue) whose declared need a
project of the sector answers: the 3W view's gap rule reads them (a need line or a request of
that resource is a need of that sector).
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Sector:
    code: str  # PairAid's code, used in bundles, the API and URLs
    dac_code: str  # the OECD-DAC purpose code
    label: Promise
    answers: tuple[str, ...] = ()  # resource type codes whose need the sector answers


SECTORS: tuple[Sector, ...] = (
    Sector("housing", "16040", _("housing"), ("prefab_house", "tent")),
    Sector("education", "11120", _("schools and education facilities")),
    Sector(
        "health",
        "12230",
        _("hospitals and health infrastructure"),
        ("medical_staff", "doctor", "nurse", "ventilator", "icu_doctor", "icu_nurse"),
    ),
    Sector("transport", "21020", _("roads and transport")),
    Sector("water", "14030", _("water supply and sanitation")),
    Sector("industry", "32130", _("industry and enterprises")),
    Sector("agriculture", "31120", _("agriculture")),
    Sector("training", "11330", _("training"), ("training_course",)),
    Sector("public_services", "15110", _("public administration buildings")),
    Sector("reconstruction", "73010", _("reconstruction and rehabilitation (other)")),
)

BY_CODE = {sector.code: sector for sector in SECTORS}
CHOICES = [(sector.code, sector.label) for sector in SECTORS]


def answering(resource_code: str) -> list[Sector]:
    """The sectors whose projects answer a need for the resource type."""
    return [sector for sector in SECTORS if resource_code in sector.answers]
