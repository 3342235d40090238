"""A situation report's stored figures on its page: changes in points, names in the reader's
language (the report keeps both); shares as the dashboard shows them (`pairaid_format.percent`)."""

from typing import Any

from django import template
from django.utils.translation import get_language

from pairaid.situation import documents

register = template.Library()


@register.simple_tag
def change(today: float | None, yesterday: float | None) -> str:
    return documents.change(today, yesterday)


@register.filter
def named(row: dict[str, Any], prefix: str = "name") -> str:
    """A stored row's name in the active language: `name_zh` or `name_en` (or `resource_*`)."""
    language = "zh" if (get_language() or "").startswith("zh") else "en"
    return str(row.get(f"{prefix}_{language}") or row.get(f"{prefix}_en", ""))
