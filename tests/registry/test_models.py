"""Region identity (DESIGN.md §2) and the seeded catalogues."""

import pytest
from django.db import IntegrityError, transaction

from pairaid.registry.models import IndicatorType, Region, ResourceType, Source

pytestmark = pytest.mark.django_db


@pytest.fixture
def source():
    return Source.objects.create(key="t", title="test")


def test_codes_are_unique_within_a_country(source):
    Region.objects.create(
        country="CN", code="420000", level="province", name_en="Hubei", source=source
    )
    Region.objects.create(
        country="XX", code="420000", level="province", name_en="Other", source=source
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(
            country="CN", code="420000", level="province", name_en="Dup", source=source
        )


def test_areas_have_no_code_and_are_identified_by_parent_and_english_name(source):
    gansu = Region.objects.create(
        country="CN", code="620000", level="province", name_en="Gansu", source=source
    )
    area = Region.objects.create(
        country="CN",
        code="",
        parent=gansu,
        level="area",
        name_en="Seriously affected areas of Gansu",
        source=source,
    )
    assert area.reference == "CN:620000/Seriously affected areas of Gansu"
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(
            country="CN",
            code="",
            parent=gansu,
            level="area",
            name_en="Seriously affected areas of Gansu",
            source=source,
        )


def test_only_areas_lack_codes(source):
    with pytest.raises(IntegrityError), transaction.atomic():
        Region.objects.create(
            country="CN", code="", level="county", name_en="Nameless", source=source
        )


def test_catalogues_are_seeded_with_units():
    assert IndicatorType.objects.get(code="confirmed_cases").unit == "persons"
    assert IndicatorType.objects.get(code="local_fiscal_revenue").unit == "CNY 100 million"
    codes = set(ResourceType.objects.values_list("code", flat=True))
    assert {
        "doctor",
        "nurse",
        "icu_nurse",
        "n95_mask",
        "ventilator",
        "ecmo_machine",
        "cny",
        "consultation_session",
    } <= codes
    assert ResourceType.objects.get(code="icu_nurse").is_integral
    assert not ResourceType.objects.get(code="cny").is_integral
