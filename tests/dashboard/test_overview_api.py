"""The overview in the API (issue 17, item 8): what the overview page shows, for a script — the
same figures as the page, a page of recipients at a time, the same visibility."""

from typing import Any

import pytest

from pairaid.dashboard import services as dashboard_services
from pairaid.operations.models import DailyReport, Deployment, Team
from pairaid.programmes.models import Programme

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
URL = "/api/v1/programmes/hubei-2020/overview"


def test_the_overview_gives_the_pages_figures(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["observer"])
    body = client.get(URL, {"page_size": 100}).json()
    page = dashboard_services.overview(Programme.objects.get(slug="hubei-2020"))

    assert body["date"] == page.on.isoformat() == "2020-02-12"
    assert (body["donors"], body["recipients"], body["live_pairs"]) == (19, 16, 21)
    assert body["count"] == len(body["items"]) == 16
    assert body["min_coverage"] == pytest.approx(page.min_coverage)
    coverages = [row["coverage"] for row in body["items"]]
    assert coverages[0] == pytest.approx(body["min_coverage"])  # worst covered first
    first = body["items"][0]
    assert first["recipient"] == f"CN:{page.rows[0][0]}" and first["name_zh"] and first["donors"]
    assert all(set(d) == {"name_en", "name_zh"} for d in first["donors"])


def test_recipients_come_a_page_at_a_time(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["coordinator"])
    first = client.get(URL, {"page_size": 5}).json()
    fourth = client.get(URL, {"page_size": 5, "page": 4}).json()
    beyond = client.get(URL, {"page_size": 5, "page": 2**62}).json()

    assert first["count"] == fourth["count"] == 16
    assert len(first["items"]) == 5 and len(fourth["items"]) == 1
    assert beyond["items"] == [] and beyond["recipients"] == 16


def test_the_date_and_resource_filter(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["coordinator"])
    earlier = client.get(URL, {"date": "2020-02-08"}).json()
    staff = client.get(URL, {"resource_type": "medical_staff"}).json()
    unknown = client.get(URL, {"resource_type": "unicorns"})

    assert earlier["date"] == "2020-02-08"
    assert set(staff["paired_capacity"]) == {"medical_staff"}
    assert unknown.status_code == 400 and "unicorns" in unknown.json()["detail"][0]


def test_the_days_reports_and_the_teams_that_have_not_reported(
    client: Any, people: dict[str, Any]
) -> None:
    programme = Programme.objects.get(slug="hubei-2020")
    on = programme.current_date()
    reporting, silent = (
        Team.objects.create(programme=programme, donor=_participant(programme, "370000"), name=n)
        for n in ("Reporting team", "Silent team")
    )
    for team in (reporting, silent):
        Deployment.objects.create(
            team=team,
            recipient=_participant(programme, "421100"),
            status=Deployment.Status.ARRIVED,
            planned_start=on,
            arrived_on=on,
        )
    DailyReport.objects.create(team=reporting, date=on, patients_seen=40, admitted=3)
    client.force_login(people["donor"])

    body = client.get(URL).json()

    assert body["reports"] == [
        {"recipient": "CN:421100", "reports": 1, "figures": _figures(patients_seen=40, admitted=3)}
    ]
    assert body["overdue"] == ["Silent team (Huanggang)"]


def test_the_overview_is_seen_by_members_only(client: Any, people: dict[str, Any]) -> None:
    assert client.get(URL).status_code == 401
    client.force_login(people["outsider"])
    assert client.get(URL).status_code == 404


def _participant(programme: Programme, code: str) -> Any:
    return programme.participants.get(region__code=code)


def _figures(**given: int) -> dict[str, int]:
    return {figure: given.get(figure, 0) for figure in DailyReport.FIGURES}
