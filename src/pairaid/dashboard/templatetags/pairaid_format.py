from django import template
from django.utils.translation import get_language, pgettext, pgettext_lazy

register = template.Library()


@register.filter
def number(value: object, digits: int | None = None) -> str:
    """A figure for people: thousands separated, unknown shown as an en dash (never 0).

    Without `digits`, up to 4 decimals are kept and trailing zeros dropped.
    """
    if value is None or value == "":
        return "–"
    try:
        number_value = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return str(value)
    if digits is None:
        text = f"{number_value:,.4f}".rstrip("0").rstrip(".")
        return text if text not in ("-0", "") else "0"
    return f"{number_value:,.{digits}f}"


@register.filter
def percent(value: object) -> str:
    if value is None:
        return "–"
    return f"{float(value) * 100:.0f} %"  # type: ignore[arg-type]


@register.filter
def get(mapping: object, key: str) -> object:
    return mapping.get(key) if isinstance(mapping, dict) else None


@register.filter
def region_name(region: object, language: str) -> str:
    name_zh = getattr(region, "name_zh", "")
    if language.startswith("zh") and name_zh:
        return str(name_zh)
    return str(getattr(region, "name_en", region))


@register.filter
def name_in(obj: object, language: str) -> str:
    """An object's name in the user's language: `name_zh` for Chinese where set, else `name_en`."""
    name_zh = getattr(obj, "name_zh", "")
    if language.startswith("zh") and name_zh:
        return str(name_zh)
    return str(getattr(obj, "name_en", obj))


# Engine codes shown on the run pages (status of a run or level, objective names).
ENGINE_LABELS = {
    "optimal": pgettext_lazy("solver status", "optimal"),
    "feasible": pgettext_lazy("solver status", "feasible"),
    "infeasible": pgettext_lazy("solver status", "infeasible"),
    "no_solution": pgettext_lazy("solver status", "no solution"),
    "invalid": pgettext_lazy("solver status", "invalid"),
    "max_min_coverage": pgettext_lazy("objective", "max-min coverage"),
    "leximin": pgettext_lazy("objective", "leximin"),
    "min_travel": pgettext_lazy("objective", "least travel"),
    "min_cost": pgettext_lazy("objective", "least cost"),
    "min_churn": pgettext_lazy("objective", "fewest changes"),
}


@register.filter
def engine_label(code: object) -> str:
    """The translated label of a known engine status or objective code; others as they are."""
    if code is None or code == "":
        return ""
    text = str(code)
    if text.startswith("leximin_") and text.removeprefix("leximin_").isdigit():
        level = text.removeprefix("leximin_")
        return pgettext("objective", "leximin, level %(level)s") % {"level": level}
    return str(ENGINE_LABELS.get(text, code))


@register.filter
def resource_name(code: object, resources: object) -> str:
    """A resource type code shown by its name in the user's language (the code if not listed)."""
    for resource in resources or ():  # type: ignore[attr-defined]
        if getattr(resource, "code", None) == code:
            return name_in(resource, get_language() or "en")
    return str(code)
