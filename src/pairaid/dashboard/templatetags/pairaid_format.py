from django import template
from django.utils.translation import get_language

from pairaid import figures, labels

register = template.Library()


# Figures as people read them (`pairaid.figures`, shared with the admin).
register.filter("number", figures.number)


@register.filter
def percent(value: object) -> str:
    if value is None:
        return "–"
    return f"{float(value) * 100:.0f} %"  # type: ignore[arg-type]


@register.filter
def get(mapping: object, key: str) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None


# Names and engine codes in the user's language (`pairaid.labels`, shared with the domain apps).
register.filter("region_name", labels.name_in)
register.filter("name_in", labels.name_in)
register.filter("engine_label", labels.engine_label)


@register.filter
def resource_name(code: object, resources: object) -> str:
    """A resource type code shown by its name in the user's language (the code if not listed)."""
    for resource in resources or ():  # type: ignore[attr-defined]
        if getattr(resource, "code", None) == code:
            return labels.name_in(resource, get_language() or "en")
    return str(code)
