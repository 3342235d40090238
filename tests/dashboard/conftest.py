"""The dashboard's tests run with a local-memory cache (the test settings use none)."""

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _cached(local_cache: Any) -> Any:
    return local_cache
