"""Matching through the API and on its page: propose, list, read, accept one donor's lines —
what each answers, the names on the page, and a stale line's refusal."""

from decimal import Decimal
from typing import Any

import pytest
from tests.operations.helpers import asked, call, offer, participant

from pairaid.operations.models import MatchingProposal, Pledge
from pairaid.operations.services import matching as matching_services
from pairaid.operations.services import offers as offer_services

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020/matchings"
PAGE = "/p/hubei-2020/matching/"
SHANDONG, HUNAN, HUANGGANG = "370000", "430000", "421100"


def test_the_api_proposes_lists_reads_and_accepts(client: Any, keys: Any, hubei: Any) -> None:
    lot, need = offer(quantity=1000), asked(quantity=600)
    made = call(client, keys, "coordinator", "post", BASE)
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["number"] == 1 and body["result"]["kind"] == "matching"
    (line,) = body["lines"]
    assert line == {
        "line": 1,
        "donor": participant(SHANDONG).region.reference,
        "offer": lot.offer.number,
        "offer_line": lot.pk,
        "recipient": participant(HUANGGANG).region.reference,
        "request": need.request.number,
        "request_line": need.pk,
        "resource_type": "n95_mask",
        "quantity": "600.0000",
        "km": line["km"],
        "pledge": None,
    }
    listed = call(client, keys, "observer", "get", BASE).json()
    assert listed["count"] == 1 and listed["items"][0]["number"] == 1
    assert call(client, keys, "observer", "get", f"{BASE}/1").json()["lines"] == [line]
    accepted = call(client, keys, "donor", "post", f"{BASE}/1/accept", {"donor": SHANDONG})
    assert accepted.status_code == 201, accepted.content
    (pledge,) = accepted.json()["pledges"]
    assert (pledge["line"], Decimal(pledge["quantity"])) == (need.pk, Decimal(600))
    assert (
        call(client, keys, "observer", "get", f"{BASE}/1").json()["lines"][0]["pledge"]
        == (pledge["id"])
    )
    again = call(client, keys, "donor", "post", f"{BASE}/1/accept", {"donor": SHANDONG})
    assert again.status_code == 409


def test_a_stale_line_answers_bad_request_naming_it(client: Any, keys: Any, hubei: Any) -> None:
    lot = offer(quantity=1000)
    asked(quantity=600)
    call(client, keys, "coordinator", "post", BASE)
    offer_services.withdraw_offer(offer=lot.offer)
    refused = call(client, keys, "donor", "post", f"{BASE}/1/accept", {"donor": SHANDONG})
    assert refused.status_code == 400
    assert "line 1 is out of date" in refused.content.decode()
    assert not Pledge.objects.exists()


def test_unknown_proposals_and_donors_answer_not_found_or_bad_request(
    client: Any, keys: Any, hubei: Any
) -> None:
    assert call(client, keys, "coordinator", "get", f"{BASE}/9").status_code == 404
    assert (
        call(
            client, keys, "coordinator", "post", f"{BASE}/9/accept", {"donor": SHANDONG}
        ).status_code
        == 404
    )
    call(client, keys, "coordinator", "post", BASE)
    wrong = call(client, keys, "coordinator", "post", f"{BASE}/1/accept", {"donor": HUANGGANG})
    assert wrong.status_code in (400, 404) and "donor" in wrong.content.decode()


def test_the_page_proposes_and_names_donors_recipients_and_items(
    client: Any, hubei: Any, people: Any
) -> None:
    offer(quantity=300)
    offer(donor=HUNAN, quantity=300)
    asked(quantity=500)
    client.force_login(people["coordinator"])
    made = client.post(PAGE)
    assert made.status_code == 302 and made["Location"].endswith("?number=1")
    page = client.get(PAGE).content.decode()
    assert "Proposal 1" in page and 'id="matching-levels"' in page
    assert "Shandong" in page and "Hunan" in page and "Huanggang" in page
    assert "N95" in page  # the item's name, not its code
    assert page.count("lines as pledges") == 2  # the coordinator may accept for each donor


def test_the_officer_sees_and_accepts_only_its_own_donors_lines(
    client: Any, hubei: Any, people: Any
) -> None:
    shandong = offer(quantity=300)
    hunan = offer(donor=HUNAN, quantity=300)
    need = asked(quantity=500)
    proposal = matching_services.propose(programme=hubei, user=people["coordinator"])
    client.force_login(people["donor"])
    page = client.get(PAGE).content.decode()
    assert 'id="propose"' not in page
    assert page.count("lines as pledges") == 1
    assert client.post(PAGE).status_code == 403
    forbidden = client.post(f"{PAGE}1/accept", {"donor": participant(HUNAN).pk})
    assert forbidden.status_code == 403
    accepted = client.post(f"{PAGE}1/accept", {"donor": participant(SHANDONG).pk})
    assert accepted.status_code == 302 and accepted["Location"].endswith("?number=1")
    (pledge,) = Pledge.objects.all()
    assert (pledge.from_offer, pledge.line) == (shandong, need)
    assert proposal.lines.get(offer_line=hunan).pledge is None
    page = client.get(PAGE).content.decode()
    assert "lines as pledges" not in page and "pledged" in page
    assert client.post(f"{PAGE}1/accept", {"donor": "x"}).status_code == 400
    assert MatchingProposal.objects.count() == 1
