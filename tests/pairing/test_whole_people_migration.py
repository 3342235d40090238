"""Derived splits stored before staff were split in whole people are dropped by a migration, and
computed anew in whole people (issue 18 item 3: "260.3574" staff)."""

import importlib
from decimal import Decimal

import pytest
from django.apps import apps

from pairaid.pairing import services
from pairaid.pairing.models import AllocationLine

pytestmark = pytest.mark.django_db

MIGRATION = importlib.import_module(
    "pairaid.pairing.migrations.0008_whole_people_in_derived_splits"
)


def _derived(programme):  # type: ignore[no-untyped-def]
    return AllocationLine.objects.filter(
        source__key=services.SPLIT_SOURCE_KEY, pairing__programme=programme
    )


def test_fractional_derived_staff_are_computed_anew_in_whole_people(hubei):  # type: ignore[no-untyped-def]
    assert services.fill_missing_splits(programme=hubei) > 0
    assert all(line.quantity % 1 == 0 for line in _derived(hubei))
    line = _derived(hubei).first()
    line.quantity = Decimal("260.3574")  # as stored before
    line.save()

    MIGRATION.whole_people(apps, None)

    assert not _derived(hubei).exists()
    assert services.fill_missing_splits(programme=hubei) > 0
    assert all(line.quantity % 1 == 0 for line in _derived(hubei))


def test_whole_derived_splits_are_kept(hubei):  # type: ignore[no-untyped-def]
    written = services.fill_missing_splits(programme=hubei)

    MIGRATION.whole_people(apps, None)

    assert _derived(hubei).count() == written
