"""The push deliveries page: the donor's officer sends goods ahead (its pairs offered first),
the recipient's officer accepts or declines with a reason, the donor's officer returns or
redirects a declined one; each row offers only the moves the user may make; refusals say why."""

from decimal import Decimal
from typing import Any

import pytest
from tests.operations.helpers import participant

from pairaid.operations.models import PushDelivery

pytestmark = pytest.mark.django_db

PAGE = "/p/hubei-2020/push-deliveries/"
SHANDONG, HUANGGANG, XIAOGAN = "370000", "421100", "420900"


def _send(client: Any, **fields: Any) -> Any:
    return client.post(
        PAGE,
        {
            "donor": participant(SHANDONG).pk,
            "recipient": participant(HUANGGANG).pk,
            "resource_type": "n95_mask",
            "quantity": "500",
            **fields,
        },
    )


def test_sent_accepted_and_followed_on_the_page(client: Any, people: Any) -> None:
    client.force_login(people["donor"])
    page = client.get(PAGE).content.decode()
    # The donor's pair is offered by name, and first.
    huanggang = participant(HUANGGANG).pk
    assert f'<option value="{huanggang}" selected>Huanggang</option>' in page
    sent = _send(client, note="ahead of the snow")
    assert sent.status_code == 302, sent.content.decode()
    page = client.get(PAGE).content.decode()
    assert "ahead of the snow" in page and "/push-deliveries/1/accept" not in page
    client.force_login(people["recipient"])
    page = client.get(PAGE).content.decode()
    assert "/push-deliveries/1/accept" in page and "/push-deliveries/1/return" not in page
    assert client.post(f"{PAGE}1/accept", {"note": ""}).status_code == 302
    assert PushDelivery.objects.get().status == "accepted"
    assert "2 steps" in client.get(PAGE).content.decode()


def test_declined_then_redirected_on_the_page(client: Any, people: Any, hubei: Any) -> None:
    hubei.pledges_beyond_pairs = True
    hubei.save()
    client.force_login(people["donor"])
    _send(client)
    client.force_login(people["recipient"])
    refused = client.post(f"{PAGE}1/decline", {"note": ""})
    assert refused.status_code == 400 and "a decline states its reason" in refused.content.decode()
    assert client.post(f"{PAGE}1/decline", {"note": "no room"}).status_code == 302
    client.force_login(people["donor"])
    page = client.get(PAGE).content.decode()
    assert "/push-deliveries/1/redirect" in page and "/push-deliveries/1/return" in page
    moved = client.post(f"{PAGE}1/redirect", {"note": "", "to": participant(XIAOGAN).pk})
    assert moved.status_code == 302, moved.content.decode()
    onward = PushDelivery.objects.get(number=2)
    assert (onward.recipient, onward.quantity, onward.redirected_from.number) == (
        participant(XIAOGAN),
        Decimal(500),
        1,
    )
    page = client.get(PAGE).content.decode()
    assert "sent on as no. 2" in page and "sent on from no. 1" in page


def test_a_refused_send_is_shown_beside_its_field(client: Any, people: Any) -> None:
    client.force_login(people["donor"])
    refused = _send(client, quantity="2.5")
    assert refused.status_code == 400 and "whole" in refused.content.decode()
    assert not PushDelivery.objects.exists()


def test_observers_see_but_may_not_act(client: Any, people: Any) -> None:
    client.force_login(people["donor"])
    _send(client)
    client.force_login(people["observer"])
    page = client.get(PAGE).content.decode()
    assert (
        "Shandong" in page and 'id="send-ahead"' not in page and "/push-deliveries/1/" not in page
    )
    assert _send(client).status_code == 403
    assert client.post(f"{PAGE}1/accept", {}).status_code == 403


def test_the_page_speaks_chinese(client: Any, people: Any) -> None:
    client.force_login(people["donor"])
    _send(client)
    page = client.get(PAGE, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "主动推送物资" in page and "黄冈" in page and "已发出" in page
