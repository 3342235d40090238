"""The whole JSON API under generated requests: no server error for anyone, and every response as
the OpenAPI schema documents it.

schemathesis generates requests from `/api/v1/openapi.json` for every operation, as each kind of
caller: a coordinator, a donor officer, a recipient officer, an observer, a user with no
membership, and no one. Path parameters are mostly ids that exist (programmes, teams, requests,
pledges, shipments…), references to regions and resource types in bodies mostly real ones, and
dates (as-of dates in queries, a situation report's day in bodies) mostly days of the programme,
so that requests reach the services rather than stopping at "not found"; the rest is whatever
the schema allows and more. The coverage phase's boundary cases go to the members; the fuzzing
phase's cases go to every caller. Every failure is collected (operation, caller, check, the
request as curl) and all are reported together.

CI runs it on PostgreSQL (`.ci/run`, the `fuzz` marker; `make test` leaves it out): PostgreSQL
enforces column lengths and refuses NUL characters, which SQLite does not.
"""

import datetime
import os
import random
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
import schemathesis
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation.meta import TestPhase
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)
from tests.bundle_shelf import BundleShelves
from tests.people import make_people

from pairaid.accounts import services as account_services
from pairaid.accounts import tokens
from pairaid.accounts.models import User
from pairaid.assessment import services as assessment_services
from pairaid.assessment.models import Review
from pairaid.conversations import queries as thread_queries
from pairaid.conversations import services as thread_services
from pairaid.conversations.models import Message, Thread
from pairaid.foresight import comparisons, rolling_runs
from pairaid.foresight import services as forecast_runs
from pairaid.operations.models import (
    Deployment,
    Disbursement,
    Facility,
    FundCommitment,
    Pledge,
    Request,
    RequestLine,
    Shipment,
    Team,
)
from pairaid.operations.services import matching as matching_services
from pairaid.operations.services import offers as offer_services
from pairaid.operations.services import requests as request_services
from pairaid.operations.services.push_deliveries import MOVES as PUSH_MOVES
from pairaid.operations.services.transfers import MOVES
from pairaid.pairing import options as run_options
from pairaid.pairing import runs
from pairaid.pairing.models import PairingNotice
from pairaid.programmes import services as programme_services
from pairaid.programmes.models import Cluster, Participant, Programme
from pairaid.projects import services as project_services
from pairaid.projects.models import Project, ResultIndicator
from pairaid.projects.services import MOVES as PROJECT_MOVES
from pairaid.registry.models import Region, ResourceType
from pairaid.situation import services as situation_services

# Not transactional: the callers' world is built once for the module, on its shelf
# (tests/bundle_shelf.py), and each generated test's requests run in a savepoint of their own,
# rolled back after it. A database error a view does not contain aborts that savepoint's
# transaction on PostgreSQL, and the test's next request fails: a server error, reported.
pytestmark = [pytest.mark.fuzz, pytest.mark.django_db]

CALLERS = ("coordinator", "donor", "recipient", "observer", "outsider", "anonymous")
# The coverage phase sends every boundary value and every wrong type the schema defines, whatever
# the number of examples: about 6,000 cases, more than the fuzzing phase's. What it tries is how a
# request is read and validated. Nobody reaches that without signing in (the anonymous caller is
# refused first), and an outsider reaches it exactly as a member does (membership is checked by
# the view, after the request is read). So its cases go to the members only, and the fuzzing
# phase sends every case as every caller.
MEMBERS = ("coordinator", "donor", "recipient", "observer")
# Cases per operation in the fuzzing phase, each sent as every caller.
EXAMPLES = int(os.environ.get("PAIRAID_FUZZ_EXAMPLES", "28"))
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
]


@dataclass
class Known:
    """Values that exist, to put where the schema only says "a string" or "an integer"."""

    path: dict[str, list[Any]]
    query: dict[str, list[Any]]
    body: dict[str, list[Any]]


def _known(programme: Programme, target: Any) -> Known:
    def ids(model: Any, **where: Any) -> list[Any]:
        return list(model.objects.filter(**where).values_list("pk", flat=True)[:20]) or [1]

    requests = Request.objects.filter(programme=programme)
    regions = [r.reference for r in Region.objects.filter(participations__programme=programme)]
    dates = _dates(programme)
    return Known(
        path={
            "slug": [programme.slug, "wenchuan-2008"],
            "participant_id": ids(Participant, programme=programme),
            "team_id": ids(Team, programme=programme),
            "line_id": ids(RequestLine, request__programme=programme),
            "number": list(requests.values_list("number", flat=True)[:10]) or [1],
            "pledge_id": ids(Pledge, line__request__programme=programme),
            "shipment_id": ids(Shipment, pledge__line__request__programme=programme),
            "disbursement_id": ids(Disbursement, commitment__donor__programme=programme),
            "deployment_id": ids(Deployment, team__programme=programme),
            "facility_id": ids(Facility, programme=programme),
            "cluster_id": ids(Cluster, programme=programme),
            "commitment_id": ids(FundCommitment, programme=programme),
            # A member who is none of the callers: a password reset ends its owner's tokens.
            "user_id": [target.pk],
            "notice": ids(PairingNotice, programme=programme),
            "reference": regions[:10],
            # Push deliveries' steps, and the annual assessment's.
            "step": ["dispatch", "arrival", "end", *assessment_services.STEPS],
            "year": [2020, 2019],
            "review_id": ids(Review, assessment__programme=programme),
            # Threads are named by kind and key: the pair's participant ids, a number, "-".
            "kind": Thread.Kind.values,
            "key": [
                *(thread_queries.key(t) for t in Thread.objects.filter(programme=programme)),
                "-",
                *(str(n) for n in requests.values_list("number", flat=True)[:5]),
            ],
            "message_id": ids(Message, thread__programme=programme),
            # Transfers' moves, push deliveries' (the demo's deliveries 1 and 2 are real) and
            # projects'.
            "move": sorted({*MOVES, *PUSH_MOVES, *PROJECT_MOVES}),
            "project_id": ids(Project, programme=programme),
            "result_id": ids(ResultIndicator, project__programme=programme),
        },
        # "As of" dates (the overview, gaps, league, funds…).
        query={"date": dates},
        body={
            # The day of a situation report, a daily report, a disbursement…
            "date": dates,
            "recipient": regions,
            "donor": regions,
            "resource_type": list(ResourceType.objects.values_list("code", flat=True)),
            "team": ids(Team, programme=programme),
            "from_facility": ids(Facility, programme=programme),
            "receiving_facility": ids(Facility, programme=programme),
            "from_queue": regions,
            # A phase link names a programme and the source that states it.
            "follows": ["wenchuan-2008", programme.slug, ""],
            # Notification preferences: real kinds with real modes, or a kind that is none.
            "modes": [
                {"message": "off", "pledge_made": "immediate"},
                {"request_raised": "digest"},
                {"weather": "off"},
            ],
            # The situation reports' subscription: subscribing and ending it, each caller's own.
            "subscribed": [True, False],
            "participant": regions,
            "source": [
                "sc-reconstruction-plan-2008",
                *programme.sources.values_list("key", flat=True),
            ],
        },
    )


def _dates(programme: Programme) -> list[str]:
    """Days a programme's records and reports take: its start, the day before its date, its
    date; and the day after (a situation report of a day not yet come is refused)."""
    today = programme.current_date()
    days = (programme.period_start, today - datetime.timedelta(days=1), today)
    return [day.isoformat() for day in (*days, today + datetime.timedelta(days=1))]


def _with_known(case: Any, known: Known, chance: random.Random) -> Any:
    """Mostly real ids in the path, real dates in the query and real references in the body;
    sometimes the generated."""
    for name in list(case.path_parameters or {}):
        if name in known.path and chance.random() < 0.85:
            case.path_parameters[name] = chance.choice(known.path[name])
    for name in list(case.query or {}):
        if name in known.query and chance.random() < 0.7:
            case.query[name] = chance.choice(known.query[name])
    if isinstance(case.body, dict):
        for name in list(case.body):
            if name in known.body and chance.random() < 0.7:
                case.body[name] = chance.choice(known.body[name])
    return case


@dataclass
class Callers:
    headers: dict[str, dict[str, str]]  # caller -> headers
    known: Known


@pytest.fixture(scope="module")
def callers(_bundle_shelf: BundleShelves, django_db_blocker: Any) -> Iterator[Callers]:
    """Each caller's headers, and the values that exist: made once, on the module's shelf. Plan
    runs are queued and never solved here (a solve is the engine's business, tested on its
    own)."""
    with django_db_blocker.unblock(), pytest.MonkeyPatch.context() as monkeypatch:
        # The requests go to Django's own WSGI handler, which closes the connection at each
        # request's start and end, and with it the test's transaction; Django's test client
        # keeps it open the same way.
        signals.request_started.disconnect(close_old_connections)
        signals.request_finished.disconnect(close_old_connections)
        try:
            yield _callers(_bundle_shelf, monkeypatch)
        finally:
            signals.request_started.connect(close_old_connections)
            signals.request_finished.connect(close_old_connections)


def _callers(shelf: BundleShelves, monkeypatch: pytest.MonkeyPatch) -> Callers:
    monkeypatch.setattr("pairaid.pairing.tasks.enqueue_plan_run", lambda run_id: None)
    monkeypatch.setattr("pairaid.foresight.tasks.enqueue_forecast_run", lambda run_id: None)
    # Everything here runs in the shelf's transaction, where the data version is unknown and a
    # situation report could only be refused ("kept changing"): fix it, as a quiet database
    # between two writes has it (tests/situation does the same; the test cache keeps nothing).
    monkeypatch.setattr("pairaid.freshness.data_version", lambda: "fuzz.1")
    for slug in ("hubei-2020", "wenchuan-2008", "hubei-2020-demo"):
        shelf.ensure(slug)
    hubei = Programme.objects.get(slug="hubei-2020")
    people = make_people(hubei, Programme.objects.get(slug="wenchuan-2008"))
    # A finished forecast run (number 1, among the numbers the paths take) to read.
    forecast_runs.execute(
        forecast_runs.start(programme=hubei, user=None, enqueue=lambda run_id: None, paths=50).pk
    )
    # What-if comparisons: queued, never valued (issue 20; tests/foresight values one).
    monkeypatch.setattr("pairaid.foresight.tasks.enqueue_plan_comparison", lambda pk: None)
    comparisons.start(
        programme=hubei,
        user=people["coordinator"],
        enqueue=lambda pk: None,
        origin=datetime.date(2020, 2, 10),
        paths=10,
    )
    # Rolling re-plans: queued, never planned (tests/foresight plans one).
    monkeypatch.setattr("pairaid.foresight.tasks.enqueue_rolling_plan", lambda pk: None)
    rolling_runs.start(
        programme=hubei,
        user=people["coordinator"],
        enqueue=lambda pk: None,
        first_day=datetime.date(2020, 2, 3),
        steps=2,
    )
    runs.start(
        programme=hubei,
        user=people["coordinator"],
        options=run_options.RunOptions(time_limit_seconds=5),
        enqueue=lambda run_id: None,
    )
    headers = {
        name: (
            {}
            if people[name] is None
            else {"Authorization": f"Bearer {tokens.create(owner=people[name], name='fuzz')[1]}"}
        )
        for name in CALLERS
    }
    programme_services.create_cluster(
        programme=hubei,
        name="East",
        recipients=list(
            hubei.participants.filter(role="recipient", region__code__in=["421100", "420700"])
        ),
    )
    # A matching proposal to read and accept (number 1, among the numbers the paths take): a
    # lot of Shandong's for a request of its paired Huanggang.
    masks = ResourceType.objects.get(code="n95_mask")
    offer_services.make_offer(
        donor=hubei.participants.get(region__code="370000"),
        lines=[offer_services.OfferLineIn(masks, Decimal(1000))],
        user=None,
    )
    request_services.raise_request(
        recipient=hubei.participants.get(region__code="421100", role="recipient"),
        lines=[request_services.LineIn(masks, Decimal(600))],
        user=None,
    )
    matching_services.propose(programme=hubei, user=people["coordinator"])
    # A pair's thread and the announcements, with a message each to list, search and correct.
    shandong = hubei.participants.get(region__code="370000", role="donor")
    huanggang = hubei.participants.get(region__code="421100", role="recipient")
    for kind, key, author in (
        ("pair", f"{shandong.pk}-{huanggang.pk}", people["donor"]),
        ("announcements", "-", people["coordinator"]),
    ):
        thread = thread_queries.thread_at(author, hubei, kind, key)
        thread_services.post(thread=thread, author=author, body=f"fuzz {kind}")
    # A project of Shandong's in Huanggang with a result, to read, move and confirm.
    school = project_services.create_project(
        user=people["coordinator"],
        pairing=hubei.pairings.filter(
            donor__region__code="370000", recipient__region__code="421100", status="active"
        ).get(),
        title="School",
        sector="education",
        location=Region.objects.get(code="421100"),
        budget={"donor_budget": Decimal(1_000_000)},
    )
    project_services.add_result(
        user=people["coordinator"],
        project=school,
        name="pupils housed",
        unit="pupils",
        baseline=Decimal(0),
        target=Decimal(600),
    )
    # The year's assessment, a review for each pairing in force, to read and take steps in.
    assessment_services.define_assessment(
        user=people["coordinator"],
        programme=hubei,
        year=2020,
        title="2020",
        criteria=[assessment_services.CriterionIn("funds", "Funds", Decimal(1))],
        deadlines=dict.fromkeys(assessment_services.DEADLINES, datetime.date(2020, 3, 1)),
    )
    # The situation report of the programme date (number 1, among the numbers the paths take),
    # to read and to issue again as a revision.
    situation_services.issue(programme=hubei, user=people["coordinator"])
    target = User.objects.create_user("fuzz_target", "t@example.org", "a-long-password-1")
    account_services.grant(user=target, programme=hubei, role="observer")
    return Callers(headers, _known(hubei, target))


# Read at collection, from the application itself (the schema needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", WSGIHandler())
SENT: list[int] = []  # requests sent, one entry per operation


@schema.parametrize()
@settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    derandomize=True,
    suppress_health_check=list(HealthCheck),
)
def test_no_server_error_and_every_response_as_documented(case: Any, callers: Callers) -> None:
    """One generated request, sent as each caller; every failure of every caller is reported."""
    _with_known(case, callers.known, random.Random(repr(case.path_parameters)))
    failures = []
    coverage = case.meta is not None and case.meta.phase.name == TestPhase.COVERAGE
    sent_as = {
        caller: headers
        for caller, headers in callers.headers.items()
        if caller in MEMBERS or not coverage
    }
    for caller, headers in sent_as.items():
        response = case.call(headers=headers)
        try:
            case.validate_response(response, checks=CHECKS)
        except (AssertionError, BaseExceptionGroup) as failure:
            failures.append(f"{caller} [{response.status_code}]: {failure}")
    SENT.append(len(sent_as))
    assert not failures, "\n".join(failures) + "\n" + case.as_curl_command()


def test_enough_requests_were_sent() -> None:
    """Run after the generated tests (pytest keeps the module's order)."""
    assert sum(SENT) >= 5000, f"only {sum(SENT)} requests sent"
