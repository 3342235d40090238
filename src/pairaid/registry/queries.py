"""Finding regions by reference: the one lookup pages, API, workbooks and bundles use; and the
regions a terminal's lines name by code, named; resource types by code, to name what a stored
code stands for."""

import re
from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext

from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.labels import IdNames
from pairaid.registry import references
from pairaid.registry.models import Region, ResourceType


def region(
    text: str | references.Reference,
    *,
    among: QuerySet[Region] | None = None,
    country: str = "",
    field: str = "",
) -> Region:
    """The region a reference names (in full or short form; `country` completes the short
    form). NotFound if none; ValidationFailed if the text is no reference, or a short one names
    regions in several countries."""
    reference = (
        text
        if isinstance(text, references.Reference)
        else references.parse(text, country=country, field=field)
    )
    regions = among if among is not None else Region.objects.all()
    found = list(regions.filter(reference.matches())[:2])
    if not found:
        raise NotFound(gettext("no region %(reference)s") % {"reference": reference})
    if len(found) > 1:
        raise ValidationFailed(
            [
                Problem(
                    f"{reference} names regions in several countries: write CC:{reference}",
                    column=field,
                )
            ]
        )
    return found[0]


def names_beside_codes(texts: Iterable[str]) -> IdNames:
    """The region codes found in `texts` (six digits, alone or in a full reference), each as
    "Name (code)" in English: for a terminal's lines (one query)."""
    codes = {code for text in texts for code in re.findall(r"(?<!\d)\d{6}(?!\d)", text)}
    regions = (
        Region.objects.filter(code__in=codes).only("code", "country", "name_en") if codes else []
    )
    names = {}
    for region in regions:  # the short form and the full one ("CN:370000") alike
        for reference in (region.code, f"{region.country}:{region.code}"):
            names[reference] = f"{region.name_en} ({reference})"
    return IdNames(names)


def resource_types(codes: Iterable[str] | None = None) -> dict[str, ResourceType]:
    """The resource types by code (all, or those of `codes`), in one query: what a page or a
    document needs to name each code it stores (`labels.name_in`)."""
    found = (
        ResourceType.objects.all()
        if codes is None
        else ResourceType.objects.filter(code__in=list(codes))
    )
    return {resource.code: resource for resource in found}
