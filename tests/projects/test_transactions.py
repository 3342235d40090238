"""A project's transactions are the funds ledger's rows (IATI TransactionType 2 commitment, 3
disbursement, 4 expenditure), never copies: the ledger's sums count each disbursement once
whether or not it belongs to a project; money moves only in the project's working statuses."""

import datetime
from decimal import Decimal

import pytest

from pairaid.errors import Conflict, ValidationFailed
from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.operations.queries import funds as fund_queries
from pairaid.operations.services import funds as fund_services
from pairaid.operations.services import requests as request_services
from pairaid.programmes.models import Participant
from pairaid.projects import queries as project_queries
from pairaid.projects import services as project_services
from pairaid.projects.models import Project
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.django_db
D = datetime.date


def participant(code: str) -> Participant:
    return Participant.objects.get(programme__slug="hubei-2020", region__code=code)


def commitment(amount: int, donor: str = "370000", recipient: str = "421100") -> FundCommitment:
    return fund_services.commit_funds(
        donor=participant(donor),
        recipient=participant(recipient),
        year=2020,
        amount=Decimal(amount),
    )


def start(project: Project, user) -> Project:  # type: ignore[no-untyped-def]
    return project_services.move(user=user, project=project, name="start", on=D(2020, 3, 2))


def test_the_projects_transactions_are_the_ledgers_rows(project, people):
    donor = people["donor"]
    pair_money = commitment(3_000_000)
    project_services.link_commitment(user=donor, project=project, commitment=pair_money)
    start(project, donor)
    paid = fund_services.disburse(
        commitment=pair_money, amount=Decimal(1_200_000), on=D(2020, 4, 1)
    )
    assert paid.project == project  # money on the project's commitment goes to the project
    project_services.record_expenditure(
        user=donor, project=project, amount=Decimal(800_000), on=D(2020, 5, 1)
    )
    rows = project_queries.transactions(project)
    assert [(t.type_code, t.row, t.amount) for t in rows] == [
        (2, pair_money.pk, 3_000_000),
        (3, paid.pk, 1_200_000),
        (4, project.expenditures.get().pk, 800_000),
    ]
    money = project_queries.money(Project.objects.filter(pk=project.pk))[project.pk]
    assert (money.budget, money.committed, money.disbursed, money.spent) == (
        2_500_000,
        3_000_000,
        1_200_000,
        800_000,
    )


def test_money_is_counted_once_in_the_ledgers_sums(project, people):
    """Linking a disbursement to a project moves no money: the cash flows the gaps sum are the
    same rows before and after, and the project's disbursed money is that row."""
    programme = project.programme
    start(project, people["donor"])
    general = commitment(1_000_000)
    paid = fund_services.disburse(commitment=general, amount=Decimal(400_000), on=D(2020, 4, 1))
    before = fund_queries.cash_flows(programme, D(2020, 12, 31))
    project_services.link_disbursement(user=people["donor"], project=project, disbursement=paid)
    assert fund_queries.cash_flows(programme, D(2020, 12, 31)) == before
    assert [amount for _key, amount, _arrived in before] == [400_000]
    assert Disbursement.objects.count() == 1 and FundCommitment.objects.count() == 1
    assert [(t.type_code, t.row) for t in project_queries.transactions(project)] == [(3, paid.pk)]
    money = project_queries.money(Project.objects.filter(pk=project.pk))[project.pk]
    assert (money.committed, money.disbursed) == (0, 400_000)


def test_money_of_another_pair_or_project_is_refused(project, people, township):
    pair_money = commitment(1_000, donor="370000", recipient="421100")
    project_services.link_commitment(user=people["donor"], project=project, commitment=pair_money)
    second = project_services.create_project(
        user=people["donor"],
        pairing=project.pairing,
        title="Clinic",
        sector="health",
        location=township,
    )
    with pytest.raises(Conflict, match="another project"):
        project_services.link_commitment(
            user=people["donor"], project=second, commitment=pair_money
        )
    zhejiang_money = FundCommitment.objects.create(
        programme=project.programme,
        donor=participant("330000"),
        recipient=participant("421100"),
        year=2020,
        amount=Decimal(10),
    )
    with pytest.raises(ValidationFailed, match="another donor"):
        project_services.link_commitment(
            user=people["donor"], project=second, commitment=zhejiang_money
        )


def test_money_moves_only_while_the_work_runs(project, people):
    donor = people["donor"]
    with pytest.raises(Conflict, match="money is spent only when implementation"):
        project_services.record_expenditure(user=donor, project=project, amount=Decimal(1))
    start(project, donor)
    project_services.move(user=donor, project=project, name="suspend")
    with pytest.raises(Conflict, match="suspended"):
        project_services.record_expenditure(user=donor, project=project, amount=Decimal(1))
    project_services.move(user=donor, project=project, name="resume")
    with pytest.raises(ValidationFailed, match="more than 0"):
        project_services.record_expenditure(user=donor, project=project, amount=Decimal(0))
    project_services.record_expenditure(user=donor, project=project, amount=Decimal(1))
    assert project.expenditures.count() == 1


def test_a_funds_pledge_never_lands_on_a_projects_commitment(project, people):
    """Disbursing on a pledge draws on the pair's general commitment of the year, not on money
    a project holds."""
    project_money = commitment(5_000_000)
    project_services.link_commitment(
        user=people["donor"], project=project, commitment=project_money
    )
    request = request_services.raise_request(
        recipient=participant("421100"),
        lines=[request_services.LineIn(ResourceType.objects.get(code="cny"), Decimal(10_000))],
        user=None,
    )
    pledge = request_services.pledge(
        line=request.lines.get(), donor=participant("370000"), quantity=Decimal(10_000), user=None
    )
    paid = fund_services.disburse_pledge(pledge=pledge, amount=Decimal(1_000), on=D(2020, 2, 12))
    assert paid.commitment != project_money and paid.project is None
