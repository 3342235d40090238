"""Every page form refuses what its column cannot hold: a number that is not one ("²", "NaN",
"Infinity"), one out of range ("1e400", "-1"), an id that names nothing, text longer than its
column. The answer is 400 naming the field, and nothing is written (issue 17, item 2)."""

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest

from pairaid.operations.bed_columns import CAPACITY_COLUMNS, SNAPSHOT_COLUMNS
from pairaid.operations.models import (
    Contact,
    DailyReport,
    Deployment,
    Disbursement,
    Facility,
    FacilitySnapshot,
    FundCommitment,
    Pledge,
    Request,
    Shipment,
    Team,
)
from pairaid.operations.services import facilities as facility_services
from pairaid.operations.services import funds as fund_services
from pairaid.operations.services import requests as request_services
from pairaid.operations.services import teams as team_services
from pairaid.pairing.models import PairingNotice
from pairaid.programmes.models import CapacityLine, Participant
from pairaid.registry.models import ResourceType

pytestmark = pytest.mark.django_db

NOT_NUMBERS = ["²", "NaN", "Infinity", "1e400", "-1", "99999999999999999999999"]
# Longer than any column or note PairAid keeps (notes: issue 18 names a 10,000-character one).
TOO_LONG = "x" * 10_001


def participant(code: str) -> Participant:
    return Participant.objects.get(programme__slug="hubei-2020", region__code=code)


@dataclass
class Ledger:
    """One of each record a form acts on, all Shandong's (donor) and Huanggang's (recipient)."""

    team: Team
    idle_team: Team
    deployment: Deployment
    hospital: Facility
    line: Any
    pledge: Pledge
    shipment: Shipment
    funds_pledge: Pledge
    disbursement: Disbursement
    commitment: FundCommitment


@pytest.fixture
def ledger(people: dict[str, Any]) -> Ledger:
    shandong, huanggang = participant("370000"), participant("421100")
    nurse, masks = (
        ResourceType.objects.get(code="icu_nurse"),
        ResourceType.objects.get(code="n95_mask"),
    )
    team = team_services.register_team(donor=shandong, name="Shandong 1", members={nurse: 10})
    idle = team_services.register_team(donor=shandong, name="Shandong 2", members={nurse: 5})
    hospital = facility_services.register_facility(
        recipient=huanggang, name="Dabie", beds={"general": 100}
    )
    deployment = team_services.deploy(team=team, recipient=huanggang, facility=hospital)
    request = request_services.raise_request(
        recipient=huanggang,
        lines=[
            request_services.LineIn(masks, Decimal(1000)),
            request_services.LineIn(ResourceType.objects.get(code="cny"), Decimal(10_000)),
        ],
        user=None,
    )
    goods, money = request.lines.order_by("pk")
    pledge = request_services.pledge(line=goods, donor=shandong, quantity=Decimal(500), user=None)
    shipment = request_services.dispatch(pledge=pledge, quantity=Decimal(100))
    funds_pledge = request_services.pledge(
        line=money, donor=shandong, quantity=Decimal(10_000), user=None
    )
    disbursement = fund_services.disburse_pledge(pledge=funds_pledge, amount=Decimal(1000))
    commitment = fund_services.commit_funds(
        donor=shandong, recipient=huanggang, year=2020, amount=Decimal(50_000)
    )
    return Ledger(
        team, idle, deployment, hospital, goods, pledge, shipment, funds_pledge, disbursement,
        commitment,
    )  # fmt: skip


@dataclass
class Form:
    """A page form: who posts it where, a valid submission, its number and text fields, and
    what it would change (compared before and after a refused post)."""

    name: str
    role: str
    url: Callable[[Ledger], str]
    data: Callable[[Ledger], dict[str, Any]]
    state: Callable[[Ledger], object]
    numbers: list[str] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    dates: list[str] = field(default_factory=list)


def shandong() -> int:
    return participant("370000").pk


def huanggang() -> int:
    return participant("421100").pk


def count(model: Any) -> Callable[[Ledger], object]:
    return lambda _: model.objects.count()


FORMS = [
    Form(
        "register a team",
        "donor",
        lambda _: "/p/hubei-2020/teams/",
        lambda _: {"donor": shandong(), "name": "Shandong 9", "members": "icu_nurse:3"},
        count(Team),
        numbers=["donor"],
        texts=["name", "leader", "home_institution", "members"],
    ),
    Form(
        "plan a deployment",
        "donor",
        lambda ledger: f"/p/hubei-2020/teams/{ledger.idle_team.pk}/deploy",
        lambda _: {"recipient": huanggang()},
        count(Deployment),
        numbers=["recipient", "facility", "replaces", "overlap_days"],
        dates=["start", "end"],
    ),
    Form(
        "dispatch a team",
        "donor",
        lambda ledger: f"/p/hubei-2020/deployments/{ledger.deployment.pk}/dispatch",
        lambda _: {},
        lambda ledger: Deployment.objects.get(pk=ledger.deployment.pk).status,
        dates=["on"],
    ),
    Form(
        "commit funds",
        "donor",
        lambda _: "/p/hubei-2020/funds/",
        lambda _: {"donor": shandong(), "recipient": huanggang(), "amount": "100"},
        count(FundCommitment),
        numbers=["donor", "recipient", "year", "amount"],
        texts=["description"],
    ),
    Form(
        "disburse on a commitment",
        "donor",
        lambda _: "/p/hubei-2020/funds/",
        lambda ledger: {"commitment": ledger.commitment.pk, "amount": "100"},
        count(Disbursement),
        numbers=["commitment", "amount"],
        texts=["reference"],
        dates=["date"],
    ),
    Form(
        "register a facility",
        "recipient",
        lambda _: "/p/hubei-2020/facilities/",
        lambda _: {"recipient": huanggang(), "name": "Fangcang 1"},
        count(Facility),
        numbers=["recipient", "ventilators", *CAPACITY_COLUMNS],
        texts=["name"],
    ),
    Form(
        "record a facility's capacity",
        "recipient",
        lambda ledger: f"/p/hubei-2020/facilities/{ledger.hospital.pk}/snapshot",
        lambda _: {"occupied_general": "10"},
        count(FacilitySnapshot),
        numbers=list(SNAPSHOT_COLUMNS),
    ),
    Form(
        "add a contact",
        "recipient",
        lambda _: "/p/hubei-2020/contacts/",
        lambda _: {"participant": huanggang(), "name": "Li Wei", "role": "liaison"},
        count(Contact),
        numbers=["participant"],
        texts=["name", "role", "phone", "email"],
    ),
    Form(
        "file a daily report",
        "donor",
        lambda _: "/p/hubei-2020/reports/",
        lambda ledger: {"team": ledger.team.pk, "patients_seen": "4"},
        count(DailyReport),
        numbers=["team", *DailyReport.FIGURES],
        texts=["shortages"],
        dates=["date"],
    ),
    Form(
        "raise a request",
        "recipient",
        lambda _: "/p/hubei-2020/requests/",
        lambda _: {
            "recipient": huanggang(),
            "resource_type": "n95_mask",
            "quantity": "10",
            "priority": "normal",
        },
        count(Request),
        numbers=["recipient", "quantity"],
        texts=["note"],
        dates=["needed_by"],
    ),
    Form(
        "pledge",
        "donor",
        lambda ledger: f"/p/hubei-2020/requests/lines/{ledger.line.pk}/pledge",
        lambda _: {"donor": shandong(), "quantity": "10"},
        count(Pledge),
        numbers=["donor", "quantity"],
        texts=["note"],
    ),
    Form(
        "dispatch goods",
        "donor",
        lambda ledger: f"/p/hubei-2020/pledges/{ledger.pledge.pk}/dispatch",
        lambda _: {"quantity": "10"},
        count(Shipment),
        numbers=["quantity", "value_cny"],
        texts=["reference"],
    ),
    Form(
        "confirm a receipt of goods",
        "recipient",
        lambda ledger: f"/p/hubei-2020/shipments/{ledger.shipment.pk}/receive",
        lambda _: {"received_quantity": "90", "discrepancy": "short"},
        lambda ledger: Shipment.objects.get(pk=ledger.shipment.pk).status,
        numbers=["received_quantity", "discrepancy_quantity"],
        texts=["note"],
    ),
    Form(
        "disburse against a funds pledge",
        "donor",
        lambda ledger: f"/p/hubei-2020/pledges/{ledger.funds_pledge.pk}/disburse",
        lambda _: {"amount": "100"},
        count(Disbursement),
        numbers=["amount"],
        texts=["reference"],
    ),
    Form(
        "confirm money received",
        "recipient",
        lambda ledger: f"/p/hubei-2020/disbursements/{ledger.disbursement.pk}/receive",
        lambda _: {"received_amount": "900"},
        lambda ledger: Disbursement.objects.get(pk=ledger.disbursement.pk).status,
        numbers=["received_amount"],
        texts=["note"],
    ),
    Form(
        "add a capacity line",
        "donor",
        lambda _: f"/p/hubei-2020/participants/{shandong()}/",
        lambda _: {
            "resource_type": "doctor",
            "quantity": "12",
            "source": "a report",
            "certainty": "verified",
        },
        count(CapacityLine),
        numbers=["quantity"],
        texts=["source"],
        dates=["as_of"],
    ),
    Form(
        "publish a notice",
        "coordinator",
        lambda _: "/p/hubei-2020/notices/publish",
        lambda _: {},
        count(PairingNotice),
        numbers=["run"],
    ),
]


def post(client: Any, people: dict[str, Any], form: Form, ledger: Ledger, **bad: str) -> Any:
    client.force_login(people[form.role])
    return client.post(form.url(ledger), {**form.data(ledger), **bad})


def named(response: Any, name: str) -> bool:
    """Whether a refusal names the field: beside the field in the form shown again (a page's
    form, or the deployment form of a team), or among the problems of the error page."""
    for key in ("refused", "form"):
        shown = response.context.get(key)
        if shown is not None and shown.errors:
            return name in shown.errors
    return any(problem.column == name for problem in response.context["problems"])


def cases(kind: str, values: list[str]) -> list[Any]:
    return [
        pytest.param(form, name, value, id=f"{form.name}-{name}-{value[:12]}")
        for form in FORMS
        for name in getattr(form, kind)
        for value in values
    ]


def test_each_form_accepts_its_valid_submission(client, people, ledger):  # type: ignore[no-untyped-def]
    """The baseline of the refusals below: the same post without the bad value is accepted."""
    for form in FORMS:
        before = form.state(ledger)
        response = post(client, people, form, ledger)
        assert response.status_code == 302, (form.name, response.content.decode()[:2000])
        assert form.state(ledger) != before, form.name


@pytest.mark.parametrize("form, name, value", cases("numbers", NOT_NUMBERS))
def test_a_value_that_is_not_a_number_the_column_holds_is_refused(  # type: ignore[no-untyped-def]
    client, people, ledger, form, name, value
):
    before = form.state(ledger)
    response = post(client, people, form, ledger, **{name: value})
    assert response.status_code == 400, response.content.decode()[:2000]
    assert named(response, name)
    assert form.state(ledger) == before


@pytest.mark.parametrize("form, name, value", cases("texts", [TOO_LONG]))
def test_text_longer_than_its_column_is_refused(client, people, ledger, form, name, value):  # type: ignore[no-untyped-def]
    before = form.state(ledger)
    response = post(client, people, form, ledger, **{name: value})
    assert response.status_code == 400, response.content.decode()[:2000]
    assert named(response, name)
    assert form.state(ledger) == before


@pytest.mark.parametrize("form, name, value", cases("dates", ["2020-02-30", "12/02/2020"]))
def test_a_date_that_is_not_one_is_refused(client, people, ledger, form, name, value):  # type: ignore[no-untyped-def]
    before = form.state(ledger)
    response = post(client, people, form, ledger, **{name: value})
    assert response.status_code == 400, response.content.decode()[:2000]
    assert named(response, name)
    assert form.state(ledger) == before


@pytest.mark.parametrize("members", ["icu_nurse:²", "icu_nurse:1e3", "icu_nurse:-1", "x:1"])
def test_a_team_member_count_that_is_not_a_whole_number_is_refused(  # type: ignore[no-untyped-def]
    client, people, ledger, members
):
    client.force_login(people["donor"])
    response = client.post(
        "/p/hubei-2020/teams/", {"donor": shandong(), "name": "Shandong 9", "members": members}
    )
    assert response.status_code == 400 and named(response, "members")
    assert Team.objects.count() == 2


def test_acting_for_another_region_by_a_form_value_is_refused_with_403(client, people, ledger):  # type: ignore[no-untyped-def]
    """A participant of the programme the officer may see but not act for answers 403, as it
    would if it were named in the URL (DESIGN.md §7); one of another programme is no choice."""
    hunan = participant("430000").pk
    sichuan = Participant.objects.filter(programme__slug="wenchuan-2008").first()
    assert sichuan is not None
    client.force_login(people["donor"])
    before = (Team.objects.count(), FundCommitment.objects.count(), Pledge.objects.count())
    for donor, status in ((hunan, 403), (sichuan.pk, 400)):
        team = {"donor": donor, "name": "Hunan 1", "members": "icu_nurse:3"}
        assert client.post("/p/hubei-2020/teams/", team).status_code == status
        funds = {"donor": donor, "recipient": huanggang(), "amount": "100"}
        assert client.post("/p/hubei-2020/funds/", funds).status_code == status
        pledge = {"donor": donor, "quantity": "10"}
        url = f"/p/hubei-2020/requests/lines/{ledger.line.pk}/pledge"
        assert client.post(url, pledge).status_code == status
    assert (Team.objects.count(), FundCommitment.objects.count(), Pledge.objects.count()) == before
