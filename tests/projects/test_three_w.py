"""The 3W view (who does what where, OCHA): one cell per sector, place and donor with budget
and progress, filtered by sector and status; a gap is a declared need (a need line or a
request) of a sector's resource that no project of that sector answers in the recipient's
region — an empty cell alone is not one."""

import datetime
from decimal import Decimal

import pytest

from pairaid.operations.services import requests as request_services
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Participant
from pairaid.projects import queries as project_queries
from pairaid.projects import services as project_services
from pairaid.registry.models import Region, ResourceType

pytestmark = pytest.mark.django_db
D = datetime.date


def huanggang() -> Participant:
    return Participant.objects.get(programme__slug="hubei-2020", region__code="421100")


def gaps(programme):  # type: ignore[no-untyped-def]
    return [
        (gap.sector.code, gap.recipient.region.code, gap.resources)
        for gap in project_queries.gaps(programme, D(2020, 2, 12))
    ]


def test_cells_sum_budget_and_count_hand_overs(project, people, township):
    donor = people["donor"]
    second = project_services.create_project(
        user=donor,
        pairing=project.pairing,
        title="Primary school",
        sector="education",
        location=township,
        budget={"donations": Decimal(300_000)},
    )
    for name in ("start", "hand_over"):
        project_services.move(user=donor, project=second, name=name, receiving_body="bureau")
    [cell] = project_queries.three_w(project.programme)
    assert (cell.sector.code, cell.place, cell.donor.region.code) == (
        "education",
        township,
        "370000",
    )
    assert (cell.projects, cell.handed_over, cell.budget, cell.progress) == (
        2,
        1,
        2_800_000,
        0.5,
    )
    assert project_queries.three_w(project.programme, sector="health") == []
    [pipeline] = project_queries.three_w(project.programme, status=1)
    assert (pipeline.projects, pipeline.budget) == (1, 2_500_000)


def test_a_township_sits_at_the_fourth_administrative_level(township):
    """The test township lies directly under Huanggang, a prefecture: no county between."""
    places = project_queries.admin_places(township)
    assert [(level, region.code or region.name_en) for level, region in sorted(places.items())] == [
        (1, "420000"),
        (2, "421100"),
        (4, "Test township"),
    ]


def test_a_declared_need_no_project_answers_is_a_gap(project, people, hubei):
    """Huanggang asks for prefabricated houses (a request) and declares a need for training
    (a need line): both are gaps until a project of the sector answers; the school answers
    no declared need, and the empty cells of other sectors are no gaps."""
    assert gaps(hubei) == []
    request_services.raise_request(
        recipient=huanggang(),
        lines=[request_services.LineIn(ResourceType.objects.get(code="prefab_house"), Decimal(50))],
        user=None,
    )
    programme_services.add_line(
        participant=huanggang(),
        kind="need",
        resource_type=ResourceType.objects.get(code="training_course"),
        quantity=Decimal(4),
        as_of=D(2020, 2, 11),
        source_description="county report",
        username="rita_huanggang",
    )
    assert gaps(hubei) == [
        ("housing", "421100", ["prefab_house"]),
        ("training", "421100", ["training_course"]),
    ]
    project_services.create_project(
        user=people["donor"],
        pairing=project.pairing,
        title="Resettlement housing",
        sector="housing",
        location=Region.objects.get(code="421100"),
    )
    assert gaps(hubei) == [("training", "421100", ["training_course"])]
