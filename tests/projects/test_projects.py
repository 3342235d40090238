"""Projects' state machine (IATI ActivityStatus, the hand-over mapped to 3 then 4), who may make
each move, their results, and their details checked (a place inside the recipient, a known
sector and funding source)."""

import datetime
from decimal import Decimal

import pytest

from pairaid.errors import Conflict, Forbidden, NotFound, ValidationFailed
from pairaid.projects import services as project_services
from pairaid.projects.models import BudgetLine, Project
from pairaid.registry.models import Region

pytestmark = pytest.mark.django_db
D = datetime.date
Status = Project.Status


def moved(project, user, name, **kwargs):  # type: ignore[no-untyped-def]
    return project_services.move(user=user, project=project, name=name, **kwargs)


def test_a_new_project_is_in_the_pipeline_with_its_budget_by_source(project, township):
    assert project.status == Status.PIPELINE and project.location == township
    assert project.programme.slug == "hubei-2020" and project.dac_code == "11120"
    assert dict(BudgetLine.objects.values_list("funding_source", "amount")) == {
        "donor_budget": 2_000_000,
        "recipient_share": 500_000,
    }


def test_hand_over_then_confirmation_close_the_project(project, people):
    donor, recipient = people["donor"], people["recipient"]
    moved(project, donor, "start", on=D(2020, 3, 2))
    moved(project, donor, "hand_over", on=D(2021, 9, 1), receiving_body="County education bureau")
    project.refresh_from_db()
    assert project.status == Status.FINALISATION
    assert (project.handed_over_on, project.receiving_body) == (
        D(2021, 9, 1),
        "County education bureau",
    )
    moved(project, recipient, "confirm_hand_over", on=D(2021, 9, 5))
    project.refresh_from_db()
    assert (project.status, project.handover_confirmed_on) == (Status.CLOSED, D(2021, 9, 5))
    assert [h.status for h in project.history.order_by("history_date")] == [1, 2, 3, 4]


def test_moves_out_of_turn_are_refused_with_the_status(project, people):
    with pytest.raises(Conflict, match=r"pipeline.*only when implementation"):
        moved(project, people["donor"], "hand_over", receiving_body="bureau")
    with pytest.raises(Conflict):
        moved(project, people["recipient"], "confirm_hand_over")
    moved(project, people["donor"], "cancel")
    with pytest.raises(Conflict, match="cancelled"):
        moved(project, people["donor"], "start")
    with pytest.raises(ValidationFailed, match="unknown move"):
        moved(project, people["donor"], "finish")


@pytest.mark.parametrize(
    "role, name, refused",
    [
        ("recipient", "start", Forbidden),
        ("observer", "start", Forbidden),
        ("outsider", "start", NotFound),
        ("donor", "confirm_hand_over", Forbidden),
    ],
)
def test_each_move_belongs_to_one_side(project, people, role, name, refused):
    if name == "confirm_hand_over":
        moved(project, people["donor"], "start")
        moved(project, people["donor"], "hand_over", receiving_body="bureau")
    before = Project.objects.get(pk=project.pk).status
    with pytest.raises(refused):
        moved(project, people[role], name)
    assert Project.objects.get(pk=project.pk).status == before


def test_the_coordinator_may_make_either_sides_moves(project, people):
    coordinator = people["coordinator"]
    moved(project, coordinator, "start")
    moved(project, coordinator, "suspend")
    moved(project, coordinator, "resume")
    moved(project, coordinator, "hand_over", receiving_body="bureau")
    moved(project, coordinator, "confirm_hand_over")
    assert Project.objects.get(pk=project.pk).status == Status.CLOSED


def test_a_hand_over_names_its_receiving_body(project, people):
    moved(project, people["donor"], "start")
    with pytest.raises(ValidationFailed, match="receives"):
        moved(project, people["donor"], "hand_over", receiving_body=" ")
    assert Project.objects.get(pk=project.pk).status == Status.IMPLEMENTATION


def test_the_recipient_confirms_actual_results_once_work_began(project, people):
    indicator = project_services.add_result(
        user=people["donor"],
        project=project,
        name="pupils housed",
        unit="pupils",
        baseline=Decimal(0),
        target=Decimal(600),
    )
    with pytest.raises(Conflict, match="no results to confirm"):
        project_services.record_actual(
            user=people["recipient"], indicator=indicator, actual=Decimal(1)
        )
    moved(project, people["donor"], "start")
    with pytest.raises(Forbidden):
        project_services.record_actual(user=people["donor"], indicator=indicator, actual=Decimal(9))
    project_services.record_actual(
        user=people["recipient"], indicator=indicator, actual=Decimal(580), on=D(2021, 9, 5)
    )
    indicator.refresh_from_db()
    assert (indicator.actual, indicator.actual_on) == (580, D(2021, 9, 5))


def test_a_project_outside_its_recipient_or_sector_list_is_refused(people, shandong_huanggang):
    wuhan = Region.objects.get(code="420100")
    with pytest.raises(ValidationFailed) as refused:
        project_services.create_project(
            user=people["donor"],
            pairing=shandong_huanggang,
            title="Somewhere else",
            sector="space",
            location=wuhan,
            planned_start=D(2020, 5, 1),
            planned_end=D(2020, 4, 1),
            budget={"lottery": Decimal(1), "donations": Decimal(-1)},
        )
    assert {p.column for p in refused.value.problems} == {
        "sector",
        "location",
        "planned_end",
        "budget.lottery",
        "budget.donations",
    }
    assert not Project.objects.exists()


def test_a_closed_project_keeps_its_budget(project, people):
    coordinator = people["coordinator"]
    for name in ("start", "hand_over", "confirm_hand_over"):
        moved(project, coordinator, name, receiving_body="bureau")
    with pytest.raises(Conflict, match="budget"):
        project_services.set_budget(
            user=people["donor"], project=project, budget={"donations": Decimal(5)}
        )
