"""The projects pages: registering a project, its page with the moves each side may make, the
hand-over and its confirmation by page, results and actuals, the edit page, and the 3W page
with its map data, gaps and HXL CSV."""

import csv
import io
from decimal import Decimal

import pytest

from pairaid.projects import services as project_services
from pairaid.projects.models import Project

pytestmark = pytest.mark.django_db
BASE = "/p/hubei-2020"


def as_user(client, people, role):  # type: ignore[no-untyped-def]
    client.force_login(people[role])
    return client


def test_a_donor_registers_a_project_by_page(client, people, township, shandong_huanggang):
    page = as_user(client, people, "donor").get(f"{BASE}/projects/")
    assert page.status_code == 200 and b"register-project" in page.content
    response = client.post(
        f"{BASE}/projects/",
        {
            "pairing": shandong_huanggang.pk,
            "title": "Township clinic",
            "sector": "health",
            "location": township.pk,
            "planned_start": "2020-03-01",
            "budget_donor_budget": "800000",
            "budget_donations": "50000",
        },
    )
    made = Project.objects.get()
    assert response.status_code == 302 and response.url == f"{BASE}/projects/{made.pk}/"
    assert dict(made.budget_lines.values_list("funding_source", "amount")) == {
        "donor_budget": 800_000,
        "donations": 50_000,
    }


def test_a_refused_project_is_shown_again_with_the_reason(client, people, shandong_huanggang):
    """Xiaogan is a recipient of the programme, but not of Shandong's pairing."""
    xiaogan = shandong_huanggang.recipient.region.parent.children.get(code="420900")
    response = as_user(client, people, "donor").post(
        f"{BASE}/projects/",
        {
            "pairing": shandong_huanggang.pk,
            "title": "X",
            "sector": "health",
            "location": xiaogan.pk,
        },
    )
    assert response.status_code == 400 and not Project.objects.exists()
    assert "the pairing&#x27;s recipient" in response.content.decode()


def test_observers_see_projects_but_no_form_and_cannot_post(client, people, project):
    page = as_user(client, people, "observer").get(f"{BASE}/projects/")
    assert page.status_code == 200 and b"register-project" not in page.content
    assert "Township middle school" in page.content.decode()
    assert client.post(f"{BASE}/projects/", {"title": "x"}).status_code == 403


def test_the_hand_over_and_its_confirmation_by_page(client, people, project):
    donor_page = as_user(client, people, "donor").get(f"{BASE}/projects/{project.pk}/")
    assert f"/projects/{project.pk}/moves/start".encode() in donor_page.content
    assert b"confirm_hand_over" not in donor_page.content
    client.post(f"{BASE}/projects/{project.pk}/moves/start", {"on": "2020-03-02"})
    client.post(
        f"{BASE}/projects/{project.pk}/moves/hand_over",
        {"on": "2021-09-01", "receiving_body": "County education bureau"},
    )
    project.refresh_from_db()
    assert project.status == 3 and project.receiving_body == "County education bureau"
    recipient_page = as_user(client, people, "recipient").get(f"{BASE}/projects/{project.pk}/")
    assert b"confirm_hand_over" in recipient_page.content
    url = f"{BASE}/projects/{project.pk}/moves/confirm_hand_over"
    # On the programme date (2020-02-12), before the hand-over: refused, saying so.
    refused = client.post(url, {})
    assert refused.status_code == 400 and "before the hand-over" in refused.content.decode()
    assert client.post(url, {"on": "2021-09-05"}).status_code == 302
    project.refresh_from_db()
    assert project.status == 4


def test_results_by_page(client, people, project):
    as_user(client, people, "donor").post(
        f"{BASE}/projects/{project.pk}/results",
        {"name": "pupils housed", "unit": "pupils", "baseline": "0", "target": "600"},
    )
    client.post(f"{BASE}/projects/{project.pk}/moves/start", {})
    indicator = project.results.get()
    url = f"{BASE}/projects/{project.pk}/results/{indicator.pk}/actual"
    assert client.post(url, {"actual": "580"}).status_code == 403
    as_user(client, people, "recipient").post(url, {"actual": "580", "on": "2021-09-05"})
    indicator.refresh_from_db()
    assert indicator.actual == 580
    page = client.get(f"{BASE}/projects/{project.pk}/")
    assert "580" in page.content.decode()


def test_the_edit_page_keeps_other_sources(client, people, project, township):
    page = as_user(client, people, "donor").get(f"{BASE}/projects/{project.pk}/edit")
    assert page.status_code == 200
    response = client.post(
        f"{BASE}/projects/{project.pk}/edit",
        {
            "title": "Township middle school (rebuilt)",
            "sector": "education",
            "location": township.pk,
            "budget_pooled": "100000",
        },
    )
    assert response.status_code == 302
    project.refresh_from_db()
    assert project.title == "Township middle school (rebuilt)"
    assert dict(project.budget_lines.values_list("funding_source", "amount")) == {
        "donor_budget": 2_000_000,
        "pooled": 100_000,
        "recipient_share": 500_000,
    }
    assert (
        as_user(client, people, "recipient").get(f"{BASE}/projects/{project.pk}/edit").status_code
        == 403
    )


def test_the_3w_page_and_its_hxl_csv(client, people, project):
    project_services.move(user=people["donor"], project=project, name="start")
    page = as_user(client, people, "observer").get(f"{BASE}/3w/")
    assert page.status_code == 200
    data = page.context["map_data"]
    assert [p["id"] for p in data["places"]] == [project.location.reference]
    assert data["places"][0]["approximate"] is True  # the township is drawn at Huanggang
    assert data["lines"] == [["CN:370000", project.location.reference]]
    response = client.get(f"{BASE}/3w/?format=csv&sector=education")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header, tags, row = rows
    assert tags[:4] == ["#org+funder+code", "#org+funder+name", "#sector+name", "#sector+code+dac"]
    assert dict(zip(header, row, strict=True)) | {} == {
        "donor_code": "370000",
        "donor": "Shandong",
        "sector": "education",
        "dac_code": "11120",
        "province_code": "420000",
        "province": "Hubei",
        "prefecture_code": "421100",
        "prefecture": "Huanggang",
        "county_code": "",
        "county": "",
        "township": "Test township",
        "projects": "1",
        "handed_over": "0",
        "budget": "2500000",
        "disbursed": "0",
        "illustrative": "",
    }
    assert (
        client.get(f"{BASE}/3w/?format=csv&sector=health").content.decode("utf-8-sig").count("\n")
        == 2
    )
    assert client.get(f"{BASE}/3w/?status=9").status_code == 400


def test_money_is_linked_by_page(client, people, project):
    from pairaid.operations.services import funds as fund_services

    pair_money = fund_services.commit_funds(
        donor=project.pairing.donor, recipient=project.pairing.recipient, year=2020,
        amount=Decimal(1_000_000),
    )  # fmt: skip
    as_user(client, people, "donor").post(
        f"{BASE}/projects/{project.pk}/links", {"commitment": pair_money.pk}
    )
    pair_money.refresh_from_db()
    assert pair_money.project == project
    refused = client.post(f"{BASE}/projects/{project.pk}/links", {})
    assert refused.status_code == 400 and "Choose a commitment" in refused.content.decode()
