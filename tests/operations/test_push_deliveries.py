"""Push deliveries (issue 19, item 4): goods sent ahead, before anyone asks. Sent → accepted or
declined by the recipient's officer; a declined one returned or redirected by the donor's
officer, the redirect a new push delivery to another recipient, linked. Refused: acting for
another region, a move its status does not allow, a decline without reason, a redirect without
a recipient or back to the one that declined, outside the pairing, staff or money."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from tests.operations.helpers import participant, resource

from pairaid.errors import Conflict, Forbidden, ValidationFailed
from pairaid.operations.models import PushDelivery
from pairaid.operations.queries.gaps import gaps
from pairaid.operations.services import push_deliveries as push_services
from pairaid.operations.services import requests as request_services

pytestmark = pytest.mark.django_db

SHANDONG, HUANGGANG, XIAOGAN = "370000", "421100", "420900"  # Shandong is paired with Huanggang


def _sent(people: Any, quantity: int = 500, code: str = "n95_mask", **fields: Any) -> Any:
    return push_services.send(
        donor=participant(SHANDONG),
        recipient=participant(HUANGGANG),
        resource_type=resource(code),
        quantity=Decimal(quantity),
        user=people["donor"],
        **fields,
    )


def _moved(delivery: Any, name: str, user: Any, **fields: Any) -> Any:
    return push_services.move(delivery=delivery, name=name, user=user, **fields)


def test_sent_numbered_and_accepted_with_its_history(people: Any) -> None:
    first, second = _sent(people), _sent(people, note="ahead of the snow")
    assert (first.number, second.number, first.status) == (1, 2, "sent")
    assert first.dispatched_on == datetime.date(2020, 2, 12)  # the programme date
    accepted = _moved(first, "accept", people["recipient"])
    assert (accepted.status, accepted.accepted_on) == ("accepted", datetime.date(2020, 2, 12))
    history = [(e.move, e.status_from, e.status_to, e.by) for e in accepted.events.all()]
    assert history == [
        ("send", "", "sent", people["donor"]),
        ("accept", "sent", "accepted", people["recipient"]),
    ]


def test_accepted_goods_count_as_received_in_the_gaps(hubei: Any, people: Any) -> None:
    request_services.raise_request(
        recipient=participant(HUANGGANG),
        lines=[request_services.LineIn(resource("n95_mask"), Decimal(2000))],
        user=None,
    )
    on = hubei.current_date()

    def masks() -> Any:
        return next(
            g
            for g in gaps(hubei, on)
            if g.recipient == participant(HUANGGANG) and g.resource.code == "n95_mask"
        )

    before = masks()
    delivery = _sent(people, 500)
    assert masks().received == before.received  # not until it is accepted
    _moved(delivery, "accept", people["recipient"])
    assert masks().received == before.received + 500
    assert masks().gap == before.gap - 500
    declined = _sent(people, 300)
    _moved(declined, "decline", people["recipient"], note="no storage")
    assert masks().received == before.received + 500


def test_declined_then_returned(people: Any) -> None:
    delivery = _moved(_sent(people), "decline", people["recipient"], note="no cold storage")
    returned = _moved(delivery, "return", people["donor"])
    assert returned.status == "returned"
    assert [e.note for e in returned.events.all()] == ["", "no cold storage", ""]


def test_declined_then_redirected_to_a_new_linked_delivery(hubei: Any, people: Any) -> None:
    hubei.pledges_beyond_pairs = True  # Xiaogan is not Shandong's pair
    hubei.save()
    delivery = _moved(_sent(people, 800), "decline", people["recipient"], note="enough")
    redirected = _moved(delivery, "redirect", people["donor"], to=participant(XIAOGAN))
    assert redirected.status == "redirected"
    onward = PushDelivery.objects.get(redirected_from=delivery)
    assert (onward.number, onward.recipient, onward.quantity, onward.status) == (
        2,
        participant(XIAOGAN),
        Decimal(800),
        "sent",
    )
    assert delivery.redirected_to == onward


def test_a_redirect_follows_the_pairing_and_names_another_recipient(people: Any) -> None:
    delivery = _moved(_sent(people), "decline", people["recipient"], note="enough")
    with pytest.raises(ValidationFailed) as refused:
        _moved(delivery, "redirect", people["donor"], to=participant(XIAOGAN))
    assert refused.value.problems[0].column == "to"
    assert "aid follows the pairing" in refused.value.problems[0].message
    with pytest.raises(ValidationFailed, match="names the recipient"):
        _moved(delivery, "redirect", people["donor"])
    with pytest.raises(ValidationFailed, match="which declined"):
        _moved(delivery, "redirect", people["donor"], to=participant(HUANGGANG))
    assert PushDelivery.objects.get(pk=delivery.pk).status == "declined"
    assert PushDelivery.objects.count() == 1


def test_each_side_acts_only_for_its_own_region(people: Any) -> None:
    delivery = _sent(people)
    for user in (people["donor"], people["observer"]):
        with pytest.raises(Forbidden):
            _moved(delivery, "accept", user)
    _moved(delivery, "decline", people["recipient"], note="no room")
    with pytest.raises(Forbidden):
        _moved(delivery, "return", people["recipient"])
    with pytest.raises(Forbidden):  # a recipient's officer does not send goods ahead
        push_services.send(
            donor=participant(SHANDONG),
            recipient=participant(HUANGGANG),
            resource_type=resource("n95_mask"),
            quantity=Decimal(1),
            user=people["recipient"],
        )


def test_a_move_its_status_does_not_allow_is_refused(people: Any) -> None:
    delivery = _sent(people)
    with pytest.raises(Conflict, match="only when declined"):
        _moved(delivery, "return", people["donor"])
    _moved(delivery, "accept", people["recipient"])
    with pytest.raises(Conflict, match="is accepted; it can be decline only when sent"):
        _moved(delivery, "decline", people["recipient"], note="late")
    with pytest.raises(ValidationFailed, match="unknown move"):
        _moved(delivery, "lose", people["recipient"])


def test_a_decline_states_its_reason(people: Any) -> None:
    delivery = _sent(people)
    with pytest.raises(ValidationFailed) as refused:
        _moved(delivery, "decline", people["recipient"], note="  ")
    assert refused.value.problems[0].column == "note"


def test_what_is_sent_ahead_is_refused_with_its_field(people: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        push_services.send(
            donor=participant(SHANDONG),
            recipient=participant(XIAOGAN),
            resource_type=resource("medical_staff"),
            quantity=Decimal("1.5"),
            user=people["donor"],
        )
    columns = {p.column for p in refused.value.problems}
    assert columns == {"recipient", "resource_type", "quantity"}
    with pytest.raises(ValidationFailed) as refused:
        push_services.send(
            donor=participant(HUANGGANG),
            recipient=participant(SHANDONG),
            resource_type=resource("n95_mask"),
            quantity=Decimal(0),
            user=people["admin"],
        )
    assert {p.column for p in refused.value.problems} == {"donor", "recipient", "quantity"}
    assert not PushDelivery.objects.exists()
