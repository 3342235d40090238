"""The pages show the pairings in force at the date; a plan run's proposals belong to the run.

Issue 18: after runs nobody approved, the overview listed "Pairings 113", a historical pair as
proposed, proposed, active.
"""

import datetime
from typing import Any

import pytest

from pairaid.pairing.models import Pairing, PlanRun
from pairaid.programmes.models import Participant, Programme
from pairaid.scenarios import services as scenario_services

pytestmark = pytest.mark.django_db

HUANGSHI = "420200"


def _listed(response: Any) -> list[Pairing]:
    return list(response.context["pairs"].object_list)


def test_the_overview_counts_and_lists_the_pairings_in_force_not_the_proposals(
    client: Any, people: dict[str, Any], unapproved_run: PlanRun
) -> None:
    client.force_login(people["observer"])
    response = client.get("/p/hubei-2020/")
    assert response.status_code == 200
    pairs = response.context["pairs"]
    assert pairs.paginator.count == 21 == response.context["o"].live_pairs
    assert {p.status for p in _listed(response)} == {Pairing.Status.ACTIVE}
    assert not {p.pk for p in _listed(response)} & set(unapproved_run.pairings.values_list("pk"))
    huangshi = [p for p in _listed(response) if p.recipient.region.code == HUANGSHI]
    assert [p.donor.region.name_en for p in huangshi] == ["Jiangsu"]


def test_the_overview_lists_what_was_in_force_at_the_date_asked(
    client: Any, people: dict[str, Any], hubei: Programme
) -> None:
    # The historical pairings start on 2020-02-10; one of them ended on the 11th.
    ended = hubei.pairings.get(recipient__region__code=HUANGSHI)
    Pairing.objects.filter(pk=ended.pk).update(
        status=Pairing.Status.ENDED, valid_to=datetime.date(2020, 2, 11)
    )
    client.force_login(people["observer"])
    for date, count in (("2020-02-09", 0), ("2020-02-10", 21), ("2020-02-12", 20)):
        response = client.get(f"/p/hubei-2020/?date={date}")
        assert response.context["pairs"].paginator.count == count, date
    assert ended.pk not in {p.pk for p in _listed(response)}


def test_a_participant_page_lists_its_pairings_in_force(
    client: Any, people: dict[str, Any], hubei: Programme, unapproved_run: PlanRun
) -> None:
    huangshi = Participant.objects.get(programme=hubei, region__code=HUANGSHI)
    client.force_login(people["observer"])
    response = client.get(f"/p/hubei-2020/participants/{huangshi.pk}/")
    assert response.status_code == 200
    listed = list(response.context["pairings"])
    assert [(p.donor.region.name_en, p.status) for p in listed] == [("Jiangsu", "active")]


def test_the_list_of_programmes_counts_the_pairings_in_force(
    client: Any, people: dict[str, Any], unapproved_run: PlanRun
) -> None:
    client.force_login(people["admin"])
    summaries = {s.programme.slug: s for s in client.get("/").context["programmes"]}
    assert (summaries["hubei-2020"].donors, summaries["hubei-2020"].recipients) == (19, 16)
    assert summaries["hubei-2020"].pairings == 21


def test_the_cards_count_the_programmes_own_donors_and_the_child_level_apart(
    client: Any, people: dict[str, Any], wenchuan: Programme
) -> None:
    # The demo overlay adds Zhuhai and Dongguan, each giving one town inside Guangdong → Wenchuan
    # County: two more participants, not two more donors of the programme.
    scenario_services.load_bundle("wenchuan-2008-demo")
    client.force_login(people["outsider"])  # wenchuan-2008's coordinator
    page = client.get("/p/wenchuan-2008/")
    body = client.get("/api/v1/programmes/wenchuan-2008/overview").json()

    o = page.context["o"]
    assert (o.donors, o.child_donors, o.recipients, o.child_recipients) == (19, 2, 20, 2)
    assert "and 2 at the child level" in page.content.decode()
    # The list of programmes counts the same way.
    home = client.get("/").content.decode()
    assert '<td class="n">19</td><td class="n">20</td>' in home
    assert (body["donors"], body["child_donors"], body["recipients"]) == (19, 2, 20)
