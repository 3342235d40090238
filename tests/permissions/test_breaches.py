"""The breaches and bypasses a probe found (issue 17, item 3), each closed: a donor ending
another donor's team, a coordinator resetting a fellow coordinator, a session that skipped its
second factor using the API, and demo accounts outliving demo mode."""

import datetime
from typing import Any

import pytest
from django.core.checks import run_checks
from tests.operations.helpers import participant, resource

from pairaid.accounts import services as account_services
from pairaid.accounts import tokens
from pairaid.accounts.models import User
from pairaid.errors import Forbidden
from pairaid.operations.models import Deployment
from pairaid.operations.services import teams as team_services

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020"


def _bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def chongqing_in_xiaogan(hubei: Any) -> Deployment:
    """Chongqing's ICU nurses on duty in Xiaogan."""
    team = team_services.register_team(
        donor=participant("500000"), name="Chongqing ICU 1", members={resource("icu_nurse"): 100}
    )
    deployment = team_services.deploy(
        team=team, recipient=participant("420900"), start=datetime.date(2020, 2, 10)
    )
    team_services.dispatch_team(deployment=deployment)
    return team_services.confirm_arrival(deployment=deployment)


def test_a_donor_cannot_rotate_another_donors_team(
    client: Any, people: dict[str, Any], chongqing_in_xiaogan: Deployment
) -> None:
    key = tokens.create(owner=people["donor"], name="t")[1]
    shandong = client.post(
        f"{BASE}/teams",
        {"donor": "370000", "name": "Shandong ICU 1", "members": {"icu_nurse": 20}},
        content_type="application/json",
        **_bearer(key),
    ).json()
    response = client.post(
        f"{BASE}/teams/{shandong['id']}/deployments",
        {"recipient": "420900", "replaces": chongqing_in_xiaogan.pk},
        content_type="application/json",
        **_bearer(key),
    )
    assert response.status_code == 400, response.content
    assert "same donor" in " ".join(response.json()["detail"])
    assert not Deployment.objects.filter(replaces=chongqing_in_xiaogan).exists()


def test_a_coordinator_never_resets_a_fellow_coordinators_password(people: dict[str, Any]) -> None:
    fellow = User.objects.create_user("cora", "c@example.org", "a-long-password-1")
    account_services.grant(
        user=fellow, programme=people["coordinator"].memberships.get().programme, role="coordinator"
    )
    assert not account_services.may_manage_account(people["coordinator"], fellow)
    with pytest.raises(Forbidden):
        account_services.reset_password(
            actor=people["coordinator"], target=fellow, password="another-long-passphrase-9"
        )
    assert fellow.check_password("a-long-password-1")
    assert account_services.may_manage_account(people["admin"], fellow)


def test_a_reset_ends_the_accounts_sessions_and_revokes_its_tokens(
    client: Any, people: dict[str, Any]
) -> None:
    officer = people["recipient"]
    key = tokens.create(owner=officer, name="laptop")[1]
    client.force_login(officer)
    assert client.get("/p/hubei-2020/requests/").status_code == 200
    account_services.reset_password(
        actor=people["coordinator"], target=officer, password="another-long-passphrase-9"
    )
    assert client.get("/p/hubei-2020/requests/").status_code == 302  # back to the login
    assert client.get(f"{BASE}/requests", **_bearer(key)).status_code == 401


@pytest.fixture
def password_only(client: Any, people: dict[str, Any], settings: Any) -> Any:
    """A coordinator's session that passed the password but not the required second factor."""
    settings.PAIRAID_REQUIRE_COORDINATOR_2FA = True
    client.force_login(people["coordinator"])
    assert client.get("/p/hubei-2020/").status_code == 302  # the pages send it to enrol
    return client


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("get", f"{BASE}/pairings", None),
        ("post", "/api/v1/tokens", {"name": "sneaky"}),
        ("post", f"{BASE}/plan-runs", {}),
    ],
)
def test_a_session_owing_its_second_factor_cannot_use_the_api(
    password_only: Any, method: str, url: str, body: Any
) -> None:
    response = getattr(password_only, method)(url, body, content_type="application/json")
    assert response.status_code == 401


def test_demo_tokens_and_sessions_end_with_demo_mode(
    client: Any, hubei: Any, settings: Any
) -> None:
    settings.DEMO_MODE = True
    account_services.ensure_demo_accounts()
    demo = User.objects.get(username="shandong")
    key = tokens.create(owner=demo, name="demo")[1]
    client.force_login(demo)
    assert client.get(f"{BASE}/requests", **_bearer(key)).status_code == 200
    settings.DEMO_MODE = False
    assert client.get(f"{BASE}/requests", **_bearer(key)).status_code == 401
    assert client.get("/p/hubei-2020/requests/").status_code == 302


def test_the_deploy_check_refuses_demo_mode_in_production(settings: Any) -> None:
    settings.DEMO_MODE, settings.DEBUG = True, False
    errors = [m.id for m in run_checks(include_deployment_checks=True, tags=["security"])]
    assert "pairaid.E001" in errors
    settings.DEMO_MODE = False
    errors = [m.id for m in run_checks(include_deployment_checks=True, tags=["security"])]
    assert "pairaid.E001" not in errors
