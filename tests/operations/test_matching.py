"""Matching offers to requests (issue 19, item 4): the problem built from the offers and open
request lines, the coordinator's proposal, and each donor's officer accepting its own lines as
pledges in one step — refused whole, line by line, where a line has gone stale."""

import datetime
from decimal import Decimal
from typing import Any

import pytest
from tests.operations.helpers import asked, offer, participant, resource

from pairaid.errors import Conflict, Forbidden, ValidationFailed
from pairaid.operations.models import MatchingProposal, Pledge, Request
from pairaid.operations.queries import matching as matching_queries
from pairaid.operations.services import matching as matching_services
from pairaid.operations.services import offers as offer_services
from pairaid.operations.services import requests as request_services
from pairaid.programmes.models import Programme
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.django_db

D = datetime.date
# Shandong and Hunan are paired with Huanggang, Jiangsu with Huangshi; Xiaogan with neither.
SHANDONG, HUNAN, JIANGSU = "370000", "430000", "320000"
HUANGGANG, HUANGSHI, XIAOGAN = "421100", "420200", "420900"


def reference(code: str) -> str:
    return participant(code).region.reference


def test_the_problem_holds_what_is_left_of_the_lots_and_the_open_lines(hubei: Any) -> None:
    lot, need = offer(quantity=1000, max_takes=3), asked(quantity=600)
    offer_services.take_offer(line=lot, request_line=need, quantity=Decimal(100), user=None)
    built = matching_queries.build(hubei, D(2020, 2, 12))
    document = built.document
    assert document["kind"] == "matching" and document["follow_pairing"] is True
    assert document["lots"] == [
        {
            "id": matching_queries.lot_id(lot),
            "donor": reference(SHANDONG),
            "item": "n95_mask",
            "quantity": 900.0,
            "max_shipments": 2,
        }
    ]
    assert document["needs"] == [
        {
            "id": matching_queries.need_id(need),
            "recipient": reference(HUANGGANG),
            "item": "n95_mask",
            "quantity": 600.0,
            "pledged": 100.0,
        }
    ]
    assert [reference(SHANDONG), reference(HUANGGANG)] in document["pairs"]
    (distance,) = document["distances"]
    assert (distance["donor"], distance["recipient"]) == (reference(SHANDONG), reference(HUANGGANG))
    assert 500 < distance["km"] < 1500  # Jinan to Huanggang, as the crow flies
    assert built.lots[matching_queries.lot_id(lot)] == lot


def test_spent_withdrawn_and_expired_lots_and_closed_or_staff_lines_are_left_out(
    hubei: Any,
) -> None:
    spent = offer(quantity=100, max_takes=1)
    offer_services.take_offer(line=spent, request_line=asked(), quantity=Decimal(50), user=None)
    offer_services.withdraw_offer(offer=offer().offer)
    offer_services.make_offer(
        donor=participant(HUNAN),
        lines=[offer_services.OfferLineIn(resource("n95_mask"), Decimal(10))],
        user=None,
        available_from=D(2020, 2, 1),
        available_until=D(2020, 2, 11),
    )
    asked(code="icu_nurse", quantity=30)
    closed = asked(quantity=5)
    Request.objects.filter(pk=closed.request_id).update(status=Request.Status.CLOSED)
    document = matching_queries.build(hubei, D(2020, 2, 12)).document
    assert document["lots"] == []
    assert {n["item"] for n in document["needs"]} == {"n95_mask"}
    assert matching_queries.need_id(closed) not in {n["id"] for n in document["needs"]}


def test_beyond_the_pairs_every_donor_reaches_every_recipient(hubei: Any) -> None:
    offer(donor=JIANGSU)
    asked(recipient=XIAOGAN)
    asked(recipient=HUANGGANG)
    paired = matching_queries.build(hubei, D(2020, 2, 12)).document
    assert paired["distances"] == []  # Jiangsu is paired with neither
    hubei.pledges_beyond_pairs = True
    hubei.save(update_fields=["pledges_beyond_pairs"])
    free = matching_queries.build(hubei, D(2020, 2, 12)).document
    assert free["follow_pairing"] is False
    assert {(d["donor"], d["recipient"]) for d in free["distances"]} == {
        (reference(JIANGSU), reference(XIAOGAN)),
        (reference(JIANGSU), reference(HUANGGANG)),
    }


def propose(people: Any) -> MatchingProposal:
    return matching_services.propose(
        programme=Programme.objects.get(slug="hubei-2020"), user=people["coordinator"]
    )


def accept(proposal: MatchingProposal, donor: str, user: Any) -> list[Pledge]:
    return matching_services.accept_for_donor(
        proposal=proposal, donor=participant(donor), user=user
    )


def test_a_proposal_is_numbered_and_keeps_its_problem_result_and_lines(
    hubei: Any, people: Any
) -> None:
    lot, need = offer(quantity=1000), asked(quantity=600)
    first = propose(people)
    assert first.number == 1 and first.on == D(2020, 2, 12)
    assert first.made_by == people["coordinator"]
    assert first.problem["kind"] == first.result["kind"] == "matching"
    (line,) = first.lines.all()
    assert (line.offer_line, line.request_line, line.quantity) == (lot, need, Decimal(600))
    assert line.km == first.problem["distances"][0]["km"] and line.pledge is None
    assert propose(people).number == 2


@pytest.mark.parametrize("role", ["donor", "recipient", "observer"])
def test_only_coordinators_ask_for_a_proposal(hubei: Any, people: Any, role: str) -> None:
    with pytest.raises(Forbidden):
        matching_services.propose(programme=hubei, user=people[role])
    assert not MatchingProposal.objects.exists()


def test_a_donor_accepts_its_own_lines_as_pledges_in_one_step(hubei: Any, people: Any) -> None:
    shandong, hunan = offer(quantity=300), offer(donor=HUNAN, quantity=300)
    need = asked(quantity=500)
    proposal = propose(people)
    assert {line.offer_line for line in proposal.lines.all()} == {shandong, hunan}
    made = accept(proposal, SHANDONG, people["donor"])
    (pledge,) = made
    assert (pledge.donor, pledge.line, pledge.from_offer) == (participant(SHANDONG), need, shandong)
    assert proposal.lines.get(offer_line=shandong).pledge == pledge
    assert proposal.lines.get(offer_line=hunan).pledge is None  # Hunan's lines wait for Hunan
    with pytest.raises(Conflict, match="no lines of"):
        accept(proposal, SHANDONG, people["donor"])  # accepted once


def test_an_officer_accepts_for_its_own_donor_only(hubei: Any, people: Any) -> None:
    offer(donor=HUNAN, quantity=300)
    asked(quantity=500)
    proposal = propose(people)
    for role in ("donor", "recipient", "observer"):  # dan is Shandong's officer, not Hunan's
        with pytest.raises(Forbidden):
            accept(proposal, HUNAN, people[role])
    assert not Pledge.objects.exists()
    assert len(accept(proposal, HUNAN, people["coordinator"])) == 1


def test_stale_lines_are_refused_by_number_and_nothing_is_written(hubei: Any, people: Any) -> None:
    kept, gone = offer(quantity=300), offer(quantity=200)
    first, second = asked(quantity=300), asked(quantity=200)
    proposal = propose(people)
    assert {line.request_line for line in proposal.lines.all()} == {first, second}
    offer_services.withdraw_offer(offer=gone.offer)
    with pytest.raises(ValidationFailed) as refused:
        accept(proposal, SHANDONG, people["donor"])
    stale = [n for n, line in matching_services.numbered_lines(proposal) if line.offer_line == gone]
    assert [p.message.split(":")[0] for p in refused.value.problems] == [
        f"line {number} is out of date, ask for a new proposal" for number in stale
    ]
    assert all(
        f"offer {gone.offer.number} is withdrawn" in p.message for p in refused.value.problems
    )
    assert kept in {line.offer_line for line in proposal.lines.all()}
    assert not Pledge.objects.exists()  # the lines of the lot still open were not taken either
    assert not proposal.lines.filter(pledge__isnull=False).exists()


def test_a_line_pledged_since_is_refused_beyond_what_it_still_needs(
    hubei: Any, people: Any
) -> None:
    offer(quantity=1000)
    need = asked(quantity=600)
    proposal = propose(people)
    request_services.pledge(line=need, donor=participant(HUNAN), quantity=Decimal(500), user=None)
    with pytest.raises(ValidationFailed, match=r"what request .* still needs"):
        accept(proposal, SHANDONG, people["donor"])
    assert Pledge.objects.count() == 1


def test_aid_follows_the_pairing_unless_the_programme_allows_beyond(
    hubei: Any, people: Any
) -> None:
    lot = offer(donor=JIANGSU, quantity=100)
    need = asked(recipient=XIAOGAN, quantity=100)
    assert not propose(people).lines.exists()
    hubei.pledges_beyond_pairs = True
    hubei.save(update_fields=["pledges_beyond_pairs"])
    proposal = propose(people)
    (line,) = proposal.lines.all()
    assert (line.offer_line, line.request_line) == (lot, need)
    (pledge,) = accept(proposal, JIANGSU, people["coordinator"])
    assert pledge.line == need and pledge.donor == participant(JIANGSU)


@pytest.mark.parametrize(
    "shipped, integral, expected",
    [
        (1999.9999999, True, Decimal(2000)),
        (1999.5, True, Decimal(1999)),
        (12.34567, False, Decimal("12.3457")),
    ],
)
def test_a_shipment_becomes_a_quantity_a_pledge_holds(
    shipped: float, integral: bool, expected: Decimal
) -> None:
    kind = ResourceType.Kind.MATERIEL if integral else ResourceType.Kind.FUNDS
    unit = ResourceType(code="x", kind=kind, unit="piece")
    assert unit.is_integral == integral
    assert matching_services.pledgeable(shipped, unit) == expected
