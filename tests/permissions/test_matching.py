"""The permission matrix of matching through the API: every role asks for a proposal, reads it,
and accepts Shandong's and Hunan's lines, with the status DESIGN.md §7 prescribes and nothing
changed when refused (`donor` is Shandong's officer, not Hunan's)."""

from typing import Any

import pytest
from tests.operations.helpers import ROLES, asked, call, offer

from pairaid.operations.models import MatchingProposal, Pledge
from pairaid.operations.services import matching as matching_services

pytestmark = pytest.mark.django_db

BASE = "/api/v1/programmes/hubei-2020/matchings"
SHANDONG, HUNAN = "370000", "430000"


def statuses(*codes: int) -> dict[str, int]:
    return dict(zip(ROLES, codes, strict=True))


PROPOSE = statuses(201, 201, 403, 403, 403, 404, 401)
READ = statuses(200, 200, 200, 200, 200, 404, 401)
ACCEPT = {
    SHANDONG: statuses(201, 201, 201, 403, 403, 404, 401),
    HUNAN: statuses(201, 201, 403, 403, 403, 404, 401),
}


@pytest.fixture
def proposal(hubei: Any, people: Any) -> MatchingProposal:
    """Shandong and Hunan each offer 300 masks; Huanggang asks for 500: both are proposed."""
    offer(quantity=300)
    offer(donor=HUNAN, quantity=300)
    asked(quantity=500)
    return matching_services.propose(programme=hubei, user=people["coordinator"])


@pytest.mark.parametrize("role", ROLES)
def test_who_may_propose(client: Any, keys: Any, hubei: Any, role: str) -> None:
    answer = call(client, keys, role, "post", BASE)
    assert answer.status_code == PROPOSE[role], answer.content
    assert MatchingProposal.objects.exists() == (answer.status_code == 201)


@pytest.mark.parametrize("role", ROLES)
def test_who_may_read(client: Any, keys: Any, proposal: Any, role: str) -> None:
    assert call(client, keys, role, "get", BASE).status_code == READ[role]
    assert call(client, keys, role, "get", f"{BASE}/1").status_code == READ[role]


@pytest.mark.parametrize("donor", [SHANDONG, HUNAN])
@pytest.mark.parametrize("role", ROLES)
def test_who_may_accept(client: Any, keys: Any, proposal: Any, role: str, donor: str) -> None:
    answer = call(client, keys, role, "post", f"{BASE}/1/accept", {"donor": donor})
    assert answer.status_code == ACCEPT[donor][role], answer.content
    made = Pledge.objects.filter(donor__region__code=donor)
    assert made.exists() == (answer.status_code == 201)
    assert not Pledge.objects.exclude(donor__region__code=donor).exists()
