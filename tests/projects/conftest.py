"""Fixtures of the projects tests: a township (a code-less area) under Huanggang, and a project
of Shandong's there, on hubei-2020 with the named test users."""

import datetime
from decimal import Decimal

import pytest

from pairaid.pairing.models import Pairing
from pairaid.projects import services as project_services
from pairaid.registry.models import Region, Source


@pytest.fixture
def township(hubei):  # type: ignore[no-untyped-def]
    huanggang = Region.objects.get(code="421100")
    return Region.objects.create(
        level=Region.Level.AREA,
        parent=huanggang,
        name_en="Test township",
        name_zh="测试镇",
        source=Source.objects.create(key="test-township", title="a township for the tests"),
    )


@pytest.fixture
def shandong_huanggang(hubei):  # type: ignore[no-untyped-def]
    return Pairing.objects.get(
        programme=hubei,
        donor__region__code="370000",
        recipient__region__code="421100",
        status="active",
    )


@pytest.fixture
def project(people, township, shandong_huanggang):  # type: ignore[no-untyped-def]
    """A school Shandong builds in the township: CNY 2 million of its budget, 0.5 million of
    the recipient's."""
    return project_services.create_project(
        user=people["donor"],
        pairing=shandong_huanggang,
        title="Township middle school",
        sector="education",
        location=township,
        planned_start=datetime.date(2020, 3, 1),
        planned_end=datetime.date(2021, 8, 31),
        budget={"donor_budget": Decimal(2_000_000), "recipient_share": Decimal(500_000)},
    )
