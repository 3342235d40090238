"""The permission matrix for pages: every role × every write action, with the status DESIGN.md §7
prescribes (403 where the user may see but not change, 404 where the programme is invisible) and
nothing changed when refused."""

import pytest

from pairaid.programmes.models import CapacityLine, NeedLine, Participant, Programme

pytestmark = pytest.mark.django_db

ROLES = ["admin", "coordinator", "donor", "recipient", "observer", "outsider", "anonymous"]


def client_for(client, people, role):  # type: ignore[no-untyped-def]
    if people[role] is not None:
        client.force_login(people[role])
    return client


def participant(code: str) -> Participant:
    return Participant.objects.get(programme__slug="hubei-2020", region__code=code)


LINE = {
    "resource_type": "doctor",
    "quantity": "12",
    "as_of": "2020-02-12",
    "source": "test report",
    "certainty": "verified",
}

# action -> (url, post data, expected status per role, how to count the effect)
EXPECTED_READ = {
    "admin": 200,
    "coordinator": 200,
    "donor": 200,
    "recipient": 200,
    "observer": 200,
    "outsider": 404,
    "anonymous": 302,
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("page", ["/p/hubei-2020/", "/p/hubei-2020/participants/"])
def test_reading_a_programme(client, people, role, page):
    response = client_for(client, people, role).get(page)
    assert response.status_code == EXPECTED_READ[role]


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 302),
        ("coordinator", 302),
        ("donor", 302),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_adding_capacity_to_shandong(client, people, role, expected):
    shandong = participant("370000")
    before = CapacityLine.objects.count()
    response = client_for(client, people, role).post(
        f"/p/hubei-2020/participants/{shandong.pk}/", LINE
    )
    assert response.status_code == expected
    changed = CapacityLine.objects.count() - before
    assert changed == (1 if role in ("admin", "coordinator", "donor") else 0)
    if role == "anonymous":
        assert "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 302),
        ("coordinator", 302),
        ("donor", 403),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_adding_capacity_to_another_donor_region(client, people, role, expected):
    hunan = participant("430000")
    before = CapacityLine.objects.count()
    response = client_for(client, people, role).post(
        f"/p/hubei-2020/participants/{hunan.pk}/", LINE
    )
    assert response.status_code == expected
    assert CapacityLine.objects.count() - before == (1 if expected == 302 else 0)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 302),
        ("coordinator", 302),
        ("donor", 403),
        ("recipient", 302),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_adding_need_to_huanggang(client, people, role, expected):
    huanggang = participant("421100")
    response = client_for(client, people, role).post(
        f"/p/hubei-2020/participants/{huanggang.pk}/", LINE
    )
    assert response.status_code == expected
    assert NeedLine.objects.filter(participant=huanggang).count() == (1 if expected == 302 else 0)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 302),
        ("coordinator", 302),
        ("donor", 302),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_deleting_a_capacity_line(client, people, role, expected):
    shandong = participant("370000")
    line = CapacityLine.objects.get(participant=shandong)
    response = client_for(client, people, role).post(
        f"/p/hubei-2020/participants/{shandong.pk}/lines/{line.pk}/delete",
        {"version": line.version},
    )
    assert response.status_code == expected
    assert CapacityLine.objects.filter(pk=line.pk).exists() == (expected != 302)


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 302),
        ("coordinator", 302),
        ("donor", 403),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
    ],
)
def test_setting_the_programme_date(client, people, role, expected):
    response = client_for(client, people, role).post(
        "/p/hubei-2020/date", {"programme_date": "2020-03-01"}
    )
    assert response.status_code == expected
    date = Programme.objects.get(slug="hubei-2020").programme_date
    assert date.isoformat() == ("2020-03-01" if expected == 302 else "2020-02-12")


def test_an_unknown_programme_is_404_for_everyone(client, people):
    client.force_login(people["admin"])
    assert client.get("/p/no-such-programme/").status_code == 404


def test_home_lists_only_visible_programmes(client, people):
    client.force_login(people["donor"])
    body = client.get("/").content.decode()
    assert "hubei-2020" in body and "wenchuan-2008" not in body
    client.force_login(people["outsider"])
    body = client.get("/").content.decode()
    assert "wenchuan-2008" in body and "hubei-2020" not in body


@pytest.mark.parametrize(
    "role, expected",
    [
        ("admin", 200),
        ("coordinator", 200),
        ("donor", 403),
        ("recipient", 403),
        ("observer", 403),
        ("outsider", 404),
        ("anonymous", 302),
    ],
)
def test_the_failed_e_mail_page_is_the_programmes_coordinators(client, people, role, expected):
    page = "/p/hubei-2020/deliveries/failed"
    client = client_for(client, people, role)
    assert client.get(page).status_code == expected
    resent = client.post(page, {"delivery": "all"}).status_code
    assert resent == (302 if expected == 200 else expected)
