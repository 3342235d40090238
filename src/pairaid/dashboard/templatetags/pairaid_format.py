from django import template

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
