"""The situation reports' tests run inside a test transaction, where the data version is unknown
(`pairaid.freshness`: nothing is versioned inside one); they fix it, as a quiet database between
two writes would have it."""

import pytest

VERSION = "test-generation.42"


@pytest.fixture(autouse=True)
def known_version(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr("pairaid.freshness.data_version", lambda: VERSION)
    return VERSION
