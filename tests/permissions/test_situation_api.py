"""Situation reports in the API: every member reads them (observers too), only coordinators
issue, and a subscription is the caller's own (the permission matrix)."""

import pytest
from tests.operations.helpers import call

from pairaid.situation import services
from pairaid.situation.models import SituationReport, Subscription

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020"


@pytest.fixture(autouse=True)
def known_version(monkeypatch: pytest.MonkeyPatch) -> None:
    # Inside the test's transaction the data version is unknown; a quiet database's is fixed.
    monkeypatch.setattr("pairaid.freshness.data_version", lambda: "test.1")
    # Who may do what is tested here, not the figures (tests/situation): none are computed.
    monkeypatch.setattr("pairaid.situation.figures.compute", lambda programme, on: {})


@pytest.mark.parametrize(
    "role, reads, issues, subscribes",
    [
        ("admin", 200, 201, 200),
        ("coordinator", 200, 201, 200),
        ("donor", 200, 403, 200),
        ("recipient", 200, 403, 200),
        ("observer", 200, 403, 200),
        ("outsider", 404, 404, 404),
        ("anonymous", 401, 401, 401),
    ],
)
def test_who_reads_issues_and_subscribes(
    client, keys, people, hubei, role, reads, issues, subscribes
):
    services.issue(programme=hubei, user=None)
    listed = call(client, keys, role, "get", f"{BASE}/situation-reports")
    assert listed.status_code == reads
    one = call(client, keys, role, "get", f"{BASE}/situation-reports/1?revision=1")
    assert one.status_code == reads
    if reads == 200:
        assert listed.json()["count"] == 1 and one.json()["data_version"] == "test.1"
    response = call(client, keys, role, "post", f"{BASE}/situation-reports", {"date": "2020-02-12"})
    assert response.status_code == issues, response.content
    assert SituationReport.objects.count() == (2 if issues == 201 else 1)
    if issues == 201:
        assert (response.json()["number"], response.json()["revision"]) == (1, 2)
    url = f"{BASE}/situation-report-subscription"
    assert call(client, keys, role, "put", url, {"subscribed": True}).status_code == subscribes
    if subscribes == 200:
        assert call(client, keys, role, "get", url).json() == {"subscribed": True}
        assert Subscription.objects.get().user == people[role]
    else:
        assert not Subscription.objects.exists()
