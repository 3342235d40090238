"""Finding regions by reference: the one lookup pages, API, workbooks and bundles use; and the
resource types by code, to name what a stored code stands for."""

from collections.abc import Iterable

from django.db.models import QuerySet
from django.utils.translation import gettext

from pairaid.errors import NotFound, Problem, ValidationFailed
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


def resource_types(codes: Iterable[str] | None = None) -> dict[str, ResourceType]:
    """The resource types by code (all, or those of `codes`), in one query: what a page or a
    document needs to name each code it stores (`labels.name_in`)."""
    found = (
        ResourceType.objects.all()
        if codes is None
        else ResourceType.objects.filter(code__in=list(codes))
    )
    return {resource.code: resource for resource in found}
