"""The admin speaks the user's language and shows figures, not storage (issue 18 item 3): every
model the admin lists has its names in Chinese ("Facilitys" nowhere), and a stored decimal reads
"15,618,300" in a list and "15618300" in a form, never "15618300.0000"."""

import re
from typing import Any

import pytest
from django.conf import settings
from django.contrib import admin
from django.utils import translation

from pairaid.registry.models import RegionalIndicator

HAN = re.compile(r"[\u4e00-\u9fff]")


def _registered() -> list[Any]:
    return [model._meta for model in admin.site._registry]


def test_every_admin_model_is_named_in_chinese() -> None:
    untranslated = []
    for meta in _registered():
        with translation.override("zh-hans"):
            names = [meta.verbose_name, meta.verbose_name_plural, meta.app_config.verbose_name]
            untranslated += [(meta.label, str(n)) for n in names if not HAN.search(str(n))]
    assert _registered() and untranslated == []


def test_every_admin_model_has_a_written_plural() -> None:
    with translation.override("en"):
        plurals = [str(meta.verbose_name_plural) for meta in _registered()]
    assert plurals and [p for p in plurals if p.endswith(("ys", "ss", "xs", "chs", "shs"))] == []


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_admin_index_names_no_model_in_english_words_of_its_own(
    client: Any, people: dict[str, Any], language: str
) -> None:
    client.force_login(people["admin"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    page = client.get("/admin/").content.decode()
    assert "Facilitys" not in page and "Discrepancys" not in page
    if language == "zh-hans":
        captions = re.findall(r'<th scope="row"[^>]*>\s*<a href[^>]*>([^<]+)</a>', page)
        assert captions, "no model listed"
        assert [c for c in captions if not HAN.search(c)] == []


@pytest.mark.django_db
def test_the_admin_shows_decimals_as_figures(client: Any, people: dict[str, Any]) -> None:
    # a donor's figure: Hubei's regions list their daily case counts too, past the first page
    value = (
        RegionalIndicator.objects.filter(value__gte=1_000_000)
        .exclude(region__code__startswith="42")
        .order_by("pk")
        .first()
    )
    assert value is not None and str(value.value).endswith(".0000")
    whole = int(value.value)
    client.force_login(people["admin"])

    listing = client.get(
        f"/admin/registry/regionalindicator/?q={value.region.code}"
    ).content.decode()
    assert f"{whole:,}" in listing
    assert str(value.value) not in listing

    form = client.get(f"/admin/registry/regionalindicator/{value.pk}/change/").content.decode()
    assert f'value="{whole}"' in form
    assert str(value.value) not in form
