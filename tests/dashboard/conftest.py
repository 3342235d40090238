"""The dashboard's tests run with a local-memory cache (the test settings use none)."""

from typing import Any

import pytest
from django.core.cache import cache


@pytest.fixture(autouse=True)
def local_cache(settings: Any) -> Any:
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    cache.clear()
    yield
    cache.clear()
