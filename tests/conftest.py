"""Shared fixtures. Database tests carry `pytest.mark.django_db`; the PostgreSQL leg runs those."""

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared"


@pytest.fixture
def hubei(db):  # type: ignore[no-untyped-def]
    """The hubei-2020 bundle, loaded."""
    from pairaid.programmes.models import Programme
    from pairaid.scenarios import services as scenario_services

    scenario_services.load_bundle("hubei-2020")
    return Programme.objects.get(slug="hubei-2020")


def pytest_report_header(config):  # type: ignore[no-untyped-def]
    from django.conf import settings

    database = settings.DATABASES["default"]
    engine = database["ENGINE"].rsplit(".", 1)[-1]
    return f"pairaid test database: {engine} {database.get('HOST') or ''}"
