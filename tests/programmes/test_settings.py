"""The programme's settings page and API: coordinators set programme time, the reporting
deadline, the occupancy thresholds and the clusters; every member reads them; a refusal names
its field and changes nothing."""

import datetime

import pytest

from pairaid.accounts import tokens
from pairaid.programmes.models import Cluster, Programme

pytestmark = pytest.mark.django_db

PAGE = "/p/hubei-2020/settings/"
API = "/api/v1/programmes/hubei-2020"


def hubei() -> Programme:
    return Programme.objects.get(slug="hubei-2020")


def test_every_member_reads_the_settings_and_only_coordinators_see_forms(client, people):
    client.force_login(people["observer"])
    page = client.get(PAGE).content.decode()
    assert "Yellow from 85 %, red from 95 %." in page and 'id="thresholds"' not in page
    assert (
        client.post(PAGE, {"part": "thresholds", "occupancy_yellow_percent": 1}).status_code == 403
    )
    client.force_login(people["coordinator"])
    page = client.get(PAGE).content.decode()
    assert 'id="thresholds"' in page and 'id="reporting"' in page and 'id="new-cluster"' in page
    assert f'href="{PAGE}"' in page  # the programme's menu links it


def test_a_coordinator_sets_reporting_and_thresholds(client, people):
    client.force_login(people["coordinator"])
    reporting = {"part": "reporting", "time_zone": "Asia/Urumqi", "report_deadline": "10:30"}
    assert client.post(PAGE, reporting).status_code == 302
    thresholds = {
        "part": "thresholds",
        "occupancy_yellow_percent": "80",
        "occupancy_red_percent": "90",
    }
    assert client.post(PAGE, thresholds).status_code == 302
    programme = hubei()
    assert (programme.time_zone, programme.report_deadline) == (
        "Asia/Urumqi",
        datetime.time(10, 30),
    )
    assert (programme.occupancy_yellow_percent, programme.occupancy_red_percent) == (80, 90)


@pytest.mark.parametrize(
    "form, field, message",
    [
        (
            {"part": "reporting", "time_zone": "Mars/Olympus", "report_deadline": "12:00"},
            "time_zone",
            "is not an IANA time zone name",
        ),
        (
            {"part": "thresholds", "occupancy_yellow_percent": "96", "occupancy_red_percent": "95"},
            "occupancy_yellow_percent",
            "yellow must start below red",
        ),
    ],
)
def test_a_refused_setting_names_its_field_and_changes_nothing(
    client, people, form, field, message
):
    client.force_login(people["coordinator"])
    response = client.post(PAGE, form)
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page and f'id="id_{field}_error"' in page
    programme = hubei()
    assert (programme.time_zone, programme.occupancy_yellow_percent) == ("Asia/Shanghai", 85)


def test_a_coordinator_defines_renames_and_removes_a_cluster(client, people):
    client.force_login(people["coordinator"])
    created = client.post(
        PAGE,
        {"part": "cluster", "new-name": "East", "new-recipients": ["421100", "420700"]},
    )
    assert created.status_code == 302
    cluster = Cluster.objects.get()
    assert sorted(m.recipient.region.code for m in cluster.members.all()) == ["420700", "421100"]
    page = client.get(PAGE).content.decode()
    assert "Huanggang" in page and "Ezhou" in page
    taken = client.post(
        PAGE, {"part": "cluster", "new-name": "Another", "new-recipients": ["421100"]}
    )
    assert taken.status_code == 400 and "already in the cluster" in taken.content.decode()
    url = f"/p/hubei-2020/settings/clusters/{cluster.pk}"
    prefix = f"cluster-{cluster.pk}"
    renamed = client.post(url, {f"{prefix}-name": "Dabie", f"{prefix}-recipients": ["421100"]})
    assert renamed.status_code == 302
    cluster.refresh_from_db()
    assert cluster.name == "Dabie"
    assert [m.recipient.region.code for m in cluster.members.all()] == ["421100"]
    assert client.post(url, {"delete": "1"}).status_code == 302
    assert not Cluster.objects.exists()


def test_a_recipient_officer_may_not_define_clusters(client, people):
    client.force_login(people["recipient"])
    response = client.post(PAGE, {"part": "cluster", "new-name": "Mine", "new-recipients": []})
    assert response.status_code == 403 and not Cluster.objects.exists()


def test_the_api_sets_thresholds_and_clusters(client, people):
    key = tokens.create(owner=people["coordinator"], name="t")[1]
    headers = {"HTTP_AUTHORIZATION": f"Bearer {key}"}

    def call(method: str, url: str, body: object = None):  # type: ignore[no-untyped-def]
        return getattr(client, method)(url, body, content_type="application/json", **headers)

    set_ = call(
        "post",
        f"{API}/occupancy-thresholds",
        {"occupancy_yellow_percent": 70, "occupancy_red_percent": 90},
    )
    assert set_.status_code == 200
    assert (set_.json()["occupancy_yellow_percent"], set_.json()["occupancy_red_percent"]) == (
        70,
        90,
    )
    bad = call(
        "post",
        f"{API}/occupancy-thresholds",
        {"occupancy_yellow_percent": 0, "occupancy_red_percent": 90},
    )
    assert bad.status_code == 400 and "occupancy_yellow_percent" in bad.content.decode()
    made = call("post", f"{API}/clusters", {"name": "East", "recipients": ["CN:421100"]})
    assert made.status_code == 201, made.content
    cluster_id = made.json()["id"]
    assert call("get", f"{API}/clusters").json() == [
        {"id": cluster_id, "name": "East", "recipients": ["CN:421100"]}
    ]
    unknown = call("post", f"{API}/clusters", {"name": "West", "recipients": ["CN:370000"]})
    assert unknown.status_code == 400 and "recipients" in unknown.content.decode()
    edited = call(
        "put", f"{API}/clusters/{cluster_id}", {"name": "Dabie", "recipients": ["421100", "420700"]}
    )
    assert edited.json()["recipients"] == ["CN:420700", "CN:421100"]
    assert call("delete", f"{API}/clusters/{cluster_id}").status_code == 204
    assert call("delete", f"{API}/clusters/{cluster_id}").status_code == 404


def test_coordinators_set_the_alerts_on_the_page_and_by_the_api(client, people):
    client.force_login(people["coordinator"])
    page = client.get(PAGE).content.decode()
    assert 'id="alerts"' in page and "/p/hubei-2020/deliveries/failed" in page
    sent = {"part": "alerts", "escalate_after_hours": 6, "gap_alert_percent": 40}
    assert client.post(PAGE, sent).status_code == 302
    assert (hubei().escalate_after_hours, hubei().gap_alert_percent) == (6, 40)
    refused = client.post(PAGE, {**sent, "escalate_after_hours": 0})
    assert (
        refused.status_code == 400
        and "expected whole hours from 1 to 336" in refused.content.decode()
    )
    client.force_login(people["observer"])
    assert "Escalated after 6 hours." in client.get(PAGE).content.decode()
    assert client.post(PAGE, sent).status_code == 403
    key = tokens.create(owner=people["coordinator"], name="t")[1]
    response = client.post(
        f"{API}/alerts",
        {"escalate_after_hours": 12, "gap_alert_percent": None},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    assert response.status_code == 200, response.content
    assert (response.json()["escalate_after_hours"], response.json()["gap_alert_percent"]) == (
        12,
        None,
    )
