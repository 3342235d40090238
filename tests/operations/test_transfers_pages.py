"""The Transfers page: a request from a facility or a queue, each row's moves as small forms
offered only to the side that may make them, the history, and the community queue."""

import pytest
from tests.operations.helpers import participant

from pairaid.operations.models import QueueEntry, Transfer
from pairaid.operations.services import facilities as facility_services

pytestmark = pytest.mark.django_db

PAGE = "/p/hubei-2020/transfers/"


@pytest.fixture
def sites(hubei):  # type: ignore[no-untyped-def]
    made = []
    for name in ("Huanggang Central", "Dabie Mountain"):
        facility = facility_services.register_facility(recipient=participant("421100"), name=name)
        facility_services.record_snapshot(
            facility=facility, beds={"icu": {"open": 10, "occupied": 2}}
        )
        made.append(facility)
    return made


def test_a_transfer_requested_accepted_and_followed_on_the_page(client, people, sites):
    sender, receiver = sites
    client.force_login(people["recipient"])
    response = client.post(
        PAGE,
        {
            "origin": str(sender.pk),
            "receiving_facility": receiver.pk,
            "acuity": "icu",
            "requested": "3",
            "reference": "HG-7",
        },
    )
    assert response.status_code == 302, response.content.decode()
    page = client.get(PAGE).content.decode()
    assert "Huanggang Central" in page and "HG-7" in page
    assert "/transfers/1/accept" in page and "/transfers/1/approve" not in page
    # The officer may also send from its region's community queue.
    assert f'value="queue-{participant("421100").pk}"' in page
    accepted = client.post(f"{PAGE}1/accept", {"count": "2", "reason": ""})
    assert accepted.status_code == 302
    assert Transfer.objects.get().accepted == 2
    page = client.get(PAGE).content.decode()
    assert "/transfers/1/arrange_transport" in page and "/transfers/1/accept" not in page
    assert "2 steps" in page  # the history: requested, accepted
    facilities = client.get("/p/hubei-2020/facilities/").content.decode()
    assert "2 reserved" in facilities and "6 free" in facilities


def test_a_refused_move_says_why(client, people, sites):
    sender, receiver = sites
    client.force_login(people["recipient"])
    client.post(
        PAGE,
        {
            "origin": str(sender.pk),
            "receiving_facility": receiver.pk,
            "acuity": "icu",
            "requested": "20",
        },
    )
    refused = client.post(f"{PAGE}1/accept", {"count": "20"})
    assert refused.status_code == 400 and "surge override" in refused.content.decode()
    assert Transfer.objects.get().status == "requested"


def test_observers_see_but_are_offered_no_move(client, people, sites):
    sender, receiver = sites
    client.force_login(people["recipient"])
    client.post(
        PAGE,
        {
            "origin": str(sender.pk),
            "receiving_facility": receiver.pk,
            "acuity": "icu",
            "requested": "1",
        },
    )
    client.force_login(people["observer"])
    page = client.get(PAGE).content.decode()
    assert "Huanggang Central" in page and "/transfers/1/" not in page
    assert 'id="request-transfer"' not in page
    assert client.post(f"{PAGE}1/cancel", {}).status_code == 403


def test_counting_the_community_queue(client, people, sites):
    client.force_login(people["recipient"])
    response = client.post(
        f"{PAGE}queue", {"recipient": participant("421100").pk, "acuity": "oxygen", "waiting": 40}
    )
    assert response.status_code == 302
    assert QueueEntry.objects.get().waiting == 40
    page = client.get(PAGE).content.decode()
    assert "oxygen-supplied" in page and ">40<" in page
    client.force_login(people["donor"])
    refused = client.post(
        f"{PAGE}queue", {"recipient": participant("421100").pk, "acuity": "icu", "waiting": 1}
    )
    assert refused.status_code == 403


def test_the_page_speaks_chinese(client, people, sites):
    client.force_login(people["observer"])
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "转运" in page


def test_the_admin_shows_transfers_but_does_not_change_them(client, people, sites):
    sender, receiver = sites
    client.force_login(people["recipient"])
    client.post(
        PAGE,
        {
            "origin": str(sender.pk),
            "receiving_facility": receiver.pk,
            "acuity": "icu",
            "requested": "1",
        },
    )
    client.force_login(people["admin"])
    transfer = Transfer.objects.get()
    assert client.get("/admin/operations/transfer/").status_code == 200
    change = client.get(f"/admin/operations/transfer/{transfer.pk}/change/")
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
    assert client.get("/admin/operations/bedmovement/").status_code == 200
    assert client.get("/admin/operations/queueentry/").status_code == 200
