"""Pairs at several levels (issue 22, item 3): a child pairing sits inside its parent (both of
its sides inside the parent's, within its period), refused otherwise on every path; a parent's
figures are its own plus its children's, each counted once; the engine plans the child level
inside a fixed parent pairing."""

import datetime
import re
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from pairaid import engine
from pairaid.accounts import services as account_services
from pairaid.accounts.models import User
from pairaid.errors import ValidationFailed
from pairaid.operations.models import Deployment, FundCommitment, Team, TeamMember
from pairaid.operations.queries import funds as fund_queries
from pairaid.pairing import comparison, levels, runs
from pairaid.pairing import options as plan_options
from pairaid.pairing import services as pairing_services
from pairaid.pairing.models import Pairing, PlanRun
from pairaid.pairing.options import RunOptions
from pairaid.programmes.models import CapacityLine, NeedLine, Participant, Programme
from pairaid.projects import queries as project_queries
from pairaid.projects.models import BudgetLine, Project
from pairaid.registry.models import Region, ResourceType, Source

pytestmark = pytest.mark.django_db
START, END = datetime.date(2008, 6, 11), datetime.date(2010, 12, 31)


class Nest:
    """Guangdong → Wenchuan county and Shandong → Beichuan county, with Guangdong's cities Zhuhai
    and Dongguan and Wenchuan's towns Mianchi and Yingxiu taking part at the child level."""

    def __init__(self) -> None:
        self.source = Source.objects.create(key="test-levels", title="regions for the tests")
        self.programme = Programme.objects.create(
            slug="nest",
            name_en="Nested pairs",
            kind=Programme.Kind.DISASTER_RECOVERY,
            period_start=START,
            period_end=END,
            programme_date=datetime.date(2008, 7, 1),
            max_donors_per_recipient=1,
            max_recipients_per_donor=1,
        )
        gd = self.region("440000", "Guangdong", Region.Level.PROVINCE)
        wenchuan = self.region("513221", "Wenchuan County", Region.Level.COUNTY)
        self.regions = {
            "gd": gd,
            "sd": self.region("370000", "Shandong", Region.Level.PROVINCE),
            "zhuhai": self.region("440400", "Zhuhai", Region.Level.PREFECTURE, gd),
            "dongguan": self.region("441900", "Dongguan", Region.Level.PREFECTURE, gd),
            "wenchuan": wenchuan,
            "beichuan": self.region("510726", "Beichuan County", Region.Level.COUNTY),
            "mianchi": self.region("", "Mianchi Town", Region.Level.AREA, wenchuan),
            "yingxiu": self.region("", "Yingxiu Town", Region.Level.AREA, wenchuan),
        }
        self.sides = {
            name: Participant.objects.create(
                programme=self.programme,
                region=region,
                role="donor" if name in ("gd", "sd", "zhuhai", "dongguan") else "recipient",
            )
            for name, region in self.regions.items()
        }
        self.parent = self.pair("gd", "wenchuan")
        self.other = self.pair("sd", "beichuan")

    def region(self, code: str, name: str, level: str, parent: Region | None = None) -> Region:
        return Region.objects.create(
            code=code, name_en=name, level=level, parent=parent, source=self.source
        )

    def pair(self, donor: str, recipient: str, parent: Pairing | None = None) -> Pairing:
        return Pairing.objects.create(
            programme=self.programme,
            donor=self.sides[donor],
            recipient=self.sides[recipient],
            status=Pairing.Status.ACTIVE,
            valid_from=START,
            valid_to=END,
            parent=parent,
        )

    def child(self, donor: str, recipient: str, **extra: object) -> Pairing:
        return pairing_services.create_pairing(
            programme=self.programme,
            donor=self.regions[donor],
            recipient=self.regions[recipient],
            status=Pairing.Status.ACTIVE,
            parent=self.parent,
            **extra,  # type: ignore[arg-type]
        )


@pytest.fixture
def nest(db) -> Nest:  # type: ignore[no-untyped-def]
    return Nest()


def test_a_child_inside_its_parent_is_accepted_and_ends_with_it(nest):
    child = nest.child("zhuhai", "mianchi", valid_from=datetime.date(2008, 7, 1))
    assert child.parent == nest.parent and child.valid_to == END
    # The degree rules are the programme's own level's: Guangdong's cities and Wenchuan's
    # towns do not count against "one donor per recipient" (Wenchuan keeps Guangdong alone).
    nest.child("dongguan", "yingxiu", valid_from=START)
    nest.child("gd", "mianchi", valid_from=START)  # the parent's donor itself, one level down
    assert pairing_services.rule_violations(programme=nest.programme) == []


@pytest.mark.parametrize(
    "donor, recipient, extra, expected",
    [
        ("sd", "mianchi", {}, "donor: Shandong does not lie inside Guangdong"),
        ("zhuhai", "beichuan", {}, "recipient: Beichuan County does not lie inside Wenchuan"),
        (
            "zhuhai",
            "mianchi",
            {"valid_from": datetime.date(2008, 5, 1)},
            "valid_from: starts before its parent pairing (from 2008-06-11)",
        ),
        (
            "zhuhai",
            "mianchi",
            {"valid_to": datetime.date(2011, 6, 30)},
            "valid_to: ends after its parent pairing (to 2010-12-31)",
        ),
    ],
)
def test_the_service_refuses_a_child_outside_its_parent(nest, donor, recipient, extra, expected):
    before = Pairing.objects.count()
    with pytest.raises(ValidationFailed) as refused:
        nest.child(donor, recipient, **{"valid_from": START, **extra})
    assert expected in "; ".join(str(p) for p in refused.value.problems)
    assert Pairing.objects.count() == before  # nothing half-written


def test_the_model_refuses_it_too(nest):
    """The admin and every full_clean ask the same rule."""
    stray = Pairing(
        programme=nest.programme,
        donor=nest.sides["sd"],
        recipient=nest.sides["mianchi"],
        valid_from=START,
        valid_to=END,
        parent=nest.parent,
    )
    with pytest.raises(ValidationError) as refused:
        stray.full_clean()
    assert set(refused.value.message_dict) == {"donor"}


def test_a_parent_shows_its_childrens_money_once(nest, client):
    child = nest.child("zhuhai", "mianchi", valid_from=START)
    for pairing, place, amount in (
        (nest.parent, "wenchuan", 100),
        (child, "mianchi", 30),
        (nest.other, "beichuan", 7),
    ):
        project = Project.objects.create(
            programme=nest.programme,
            pairing=pairing,
            title=f"School in {place}",
            sector="education",
            location=nest.regions[place],
        )
        BudgetLine.objects.create(
            project=project, funding_source="donor_budget", amount=Decimal(amount)
        )
        FundCommitment.objects.create(
            programme=nest.programme,
            donor=pairing.donor,
            recipient=pairing.recipient,
            year=2009,
            amount=Decimal(amount) / 2,
        )
    budget = {
        r.pairing.pk: (r.depth, r.own["budget"], r.total["budget"])
        for r in project_queries.money_by_pairing(nest.programme)
    }
    assert budget == {
        nest.parent.pk: (0, 100, 130),
        child.pk: (1, 30, 30),
        nest.other.pk: (0, 7, 7),
    }
    coordinator = User.objects.create_user("cai_coordinator", "c@example.org", "a-long-pass-1")
    account_services.grant(user=coordinator, programme=nest.programme, role="coordinator")
    client.force_login(coordinator)
    page = client.get("/p/nest/projects/").content.decode()
    # The page's table: the parent with 130, the child indented below it with 30.
    assert page.index(f"projects-by-pairing-{nest.parent.pk}") < page.index(
        f'projects-by-pairing-{child.pk}" class="child-pairing"'
    )
    assert ">130</td>" in page
    funds_page = client.get("/p/nest/funds/").content.decode()
    assert f"funds-by-pairing-{child.pk}" in funds_page
    workspace = client.get("/p/nest/plan/").content.decode()
    assert 'value="440000:513221"' in workspace  # plan the child level inside it
    ledger = fund_queries.ledger_by_pairing(nest.programme)
    # The programme's total is its own level's totals: 50 + 15 + 3.5, the child's once.
    assert sum(r.total["committed"] for r in ledger if r.depth == 0) == Decimal("68.5")
    assert [r.pairing.pk for r in ledger] == [
        r.pairing.pk for r in project_queries.money_by_pairing(nest.programme)
    ]


def _team(nest: Nest, donor: str, recipient: str, staff: int) -> None:
    """A team of `staff` engineers from `donor`, arrived at `recipient` at the pairing's start."""
    team = Team.objects.create(programme=nest.programme, donor=nest.sides[donor], name=donor)
    engineer = ResourceType.objects.get(code="engineer")
    TeamMember.objects.create(team=team, resource_type=engineer, count=staff)
    Deployment.objects.create(
        team=team,
        recipient=nest.sides[recipient],
        status=Deployment.Status.ARRIVED,
        planned_start=START,
        arrived_on=START,
    )


@pytest.mark.parametrize(
    "page, row_of",
    [
        ("league/", lambda pairing: f"league-{pairing.donor.region.code}"),
        ("teams/", lambda pairing: f"teams-by-pairing-{pairing.pk}"),
        ("", lambda pairing: f"pair-{pairing.pk}"),  # the dashboard's pairings
    ],
    ids=["league", "teams", "dashboard"],
)
def test_every_page_shows_a_parents_staff_with_its_childrens_once(nest, client, page, row_of):
    """Guangdong's 10 in Wenchuan and Zhuhai's 4 in Mianchi (inside Guangdong → Wenchuan): the
    league table, the teams page and the dashboard's pairings show Guangdong's row 14 = 10 + 4,
    Zhuhai's 4 beneath it, Shandong's 3 on its own."""
    child = nest.child("zhuhai", "mianchi", valid_from=START)
    for donor, recipient, staff in (("gd", "wenchuan", 10), ("zhuhai", "mianchi", 4)):
        _team(nest, donor, recipient, staff)
    _team(nest, "sd", "beichuan", 3)
    coordinator = User.objects.create_user("cai_coordinator", "c@example.org", "a-long-pass-1")
    account_services.grant(user=coordinator, programme=nest.programme, role="coordinator")
    client.force_login(coordinator)
    html = client.get(f"/p/nest/{page}").content.decode()

    def row(pairing: Pairing) -> tuple[int, str]:
        found = re.search(rf'<tr id="{row_of(pairing)}"([^>]*)>(.*?)</tr>', html, re.S)
        assert found, row_of(pairing)
        return found.start(), found.group(1) + found.group(2)

    (parent_at, parent), (child_at, child_row) = row(nest.parent), row(child)
    assert '<td class="n">14</td>' in parent and '<td class="n">4</td>' in child_row
    assert parent_at < child_at and 'class="child-' in child_row and "↳" in child_row
    assert '<td class="n">3</td>' in row(nest.other)[1]


def _lines(nest: Nest) -> None:
    """Engineers: what Guangdong's cities and Shandong can send, what each place needs."""
    staff = ResourceType.objects.get(code="engineer")
    figures = {"zhuhai": 40, "dongguan": 60, "gd": 500, "sd": 300}
    figures |= {"mianchi": 30, "yingxiu": 70, "wenchuan": 400, "beichuan": 300}
    for name, quantity in figures.items():
        line = CapacityLine if nest.sides[name].role == "donor" else NeedLine
        line.objects.create(
            participant=nest.sides[name],
            resource_type=staff,
            quantity=quantity,
            as_of=START,
            source=nest.source,
        )


def test_the_engine_plans_the_child_level_inside_the_fixed_parent(nest):
    _lines(nest)
    options = RunOptions(
        parent_pairing=["440000", "513221"], objectives=[{"name": "max_min_coverage"}]
    )
    build = runs.build(nest.programme, options)
    assert {d.id for d in build.problem.donors} == {"440400", "441900"}
    assert {r.id for r in build.problem.recipients} == {
        "513221/Mianchi Town",
        "513221/Yingxiu Town",
    }
    assert build.problem.policy.listed_pairs_only
    result = engine.solve(build.problem)
    assert result.status == "optimal"
    # Dongguan's 60 to Yingxiu's 70 and Zhuhai's 40 to Mianchi's 30 covers both best.
    assert {(p.donor, p.recipient) for p in result.pairs} == {
        ("440400", "513221/Mianchi Town"),
        ("441900", "513221/Yingxiu Town"),
    }
    # The programme's own level leaves the child level out, and the reverse.
    own = runs.build(nest.programme, RunOptions(objectives=[{"name": "max_min_coverage"}]))
    assert {d.id for d in own.problem.donors} == {"440000", "370000", "440400", "441900"}
    nest.child("zhuhai", "mianchi", valid_from=START)
    own = runs.build(nest.programme, RunOptions(objectives=[{"name": "max_min_coverage"}]))
    assert {d.id for d in own.problem.donors} == {"440000", "370000", "441900"}


def _child_level_run(nest: Nest, **options: Any) -> PlanRun:
    """A child-level run inside Guangdong → Wenchuan, solved."""
    run = runs.start(
        programme=nest.programme,
        user=None,
        options=RunOptions(
            parent_pairing=["440000", "513221"],
            objectives=[{"name": "max_min_coverage"}],
            time_limit_seconds=5,
            deterministic=True,
            **options,
        ),
        enqueue=lambda _pk: None,
    )
    return runs.execute(run.pk)[0]


def test_a_child_level_run_proposes_and_approves_children_only(nest):
    _lines(nest)
    run = _child_level_run(nest)
    assert {p.parent_id for p in run.pairings.all()} == {nest.parent.pk}
    # What approving changes, as the page shows it: two children start, nothing ends.
    assert (len(comparison.starting_pairs(run)), comparison.ending_pairs(run)) == (2, set())
    runs.approve(run=run, user=None)
    children = Pairing.objects.filter(parent=nest.parent, status="active")
    assert {(c.donor.region.code, c.recipient.region.name_en) for c in children} == {
        ("440400", "Mianchi Town"),
        ("441900", "Yingxiu Town"),
    }
    assert all(c.valid_to == END for c in children)  # each ends with its parent
    nest.parent.refresh_from_db()
    nest.other.refresh_from_db()
    assert (nest.parent.status, nest.other.status) == ("active", "active")


def test_reverting_a_child_level_run_restores_that_parents_children_only(nest):
    """The revert replaces the parent's children, not the programme's own level: the child the
    run ended starts again inside the same parent, the ones it added end, Shandong's pairing
    and the parent itself stay as they were."""
    _lines(nest)
    before = nest.child("dongguan", "mianchi", valid_from=START)
    run = _child_level_run(nest, churn_budget=None)
    runs.approve(run=run, user=None)
    before.refresh_from_db()
    assert before.status == "ended"  # the run moved Dongguan to Yingxiu
    restoring = runs.revert(run=run, user=None)
    assert restoring.options == {runs.REVERTS: run.number, "parent_pairing": ["440000", "513221"]}
    open_pairs = {
        (p.donor.region.name_en, p.recipient.region.name_en, p.parent_id)
        for p in Pairing.objects.filter(programme=nest.programme).open()
    }
    assert open_pairs == {
        ("Guangdong", "Wenchuan County", None),
        ("Shandong", "Beichuan County", None),
        ("Dongguan", "Mianchi Town", nest.parent.pk),
    }
    for top in (nest.parent, nest.other):
        top.refresh_from_db()
        assert (top.status, top.superseded_by_id, top.valid_to) == ("active", None, END)
    restored = Pairing.objects.get(plan_run=restoring)
    assert restored.valid_to == END  # it ends with its parent, as before


@pytest.mark.parametrize(
    "parent, expected",
    [
        (["440000", "510726"], "no pairing of 440000 with 510726"),
        (["370000", "510726"], "no participant lies below 370000 or below 510726"),
    ],
)
def test_a_child_level_run_needs_a_parent_pairing_with_a_level_below(nest, parent, expected):
    _lines(nest)
    with pytest.raises(ValidationFailed, match=expected):
        runs.build(nest.programme, RunOptions(parent_pairing=parent))


def test_the_roll_up_counts_each_child_once():
    parent_of = {1: None, 2: 1, 3: 2, 4: None}
    own = {1: Decimal(10), 2: Decimal(5), 3: Decimal(1), 4: Decimal(2)}
    assert levels.rolled_up(parent_of, own) == {1: 16, 2: 6, 3: 1, 4: 2}


def test_nested_pairs_are_those_inside_a_parent_pair():
    inside = engine.nested_pairs(
        {"zhuhai": "gd", "jinan": "sd"}, {"mianchi": "wenchuan"}, [("gd", "wenchuan")]
    )
    assert inside == {("zhuhai", "mianchi")}


@pytest.mark.parametrize(
    "level, parent, expected",
    [
        ("child", "440000:513221", ["440000", "513221"]),
        ("child", None, "the child level needs --parent-pairing"),
        ("programme", "440000:513221", "add --level child"),
        ("programme", None, None),
    ],
)
def test_the_command_line_asks_for_the_child_level_and_its_parent_together(level, parent, expected):
    if isinstance(expected, str):
        with pytest.raises(ValidationFailed, match=expected):
            plan_options.parse_level(level, parent)
    else:
        assert plan_options.parse_level(level, parent) == expected
