"""The dashboard's overview is computed once per data version and recomputed after any change.

A local-memory cache is turned on for these tests (conftest.py; the test settings use none).
"""

import datetime
import importlib.util
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.utils import translation

from pairaid import freshness
from pairaid.dashboard import services as dashboard_services
from pairaid.pairing import coverage
from pairaid.pairing.models import AllocationLine, Pairing
from pairaid.programmes.models import Programme
from pairaid.registry.models import IndicatorType, RegionalIndicator, Source
from pairaid.scenarios import services as scenario_services

# Real transactions: nothing is cached inside one (pairaid.freshness).
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

GENERATOR = Path(__file__).resolve().parents[2] / "benchmarks" / "national_programme.py"


@pytest.fixture
def computations(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The slugs of the programmes whose overview was computed (not read from the cache)."""
    seen: list[str] = []
    compute = dashboard_services._compute

    def counting(programme: Programme, *args: Any) -> Any:
        seen.append(programme.slug)
        return compute(programme, *args)

    monkeypatch.setattr(dashboard_services, "_compute", counting)
    return seen


def test_a_second_request_is_served_from_the_cache(
    client: Any, people: dict[str, Any], computations: list[str]
) -> None:
    client.force_login(people["coordinator"])
    first = client.get("/p/hubei-2020/")
    second = client.get("/p/hubei-2020/?recipients=1&pairs=1")
    assert first.status_code == second.status_code == 200
    assert computations == ["hubei-2020"]
    assert first.context["o"].min_coverage == second.context["o"].min_coverage
    # The map fetched by the page comes from the same computation.
    assert client.get("/p/hubei-2020/map.json").status_code == 200
    assert computations == ["hubei-2020"]


def test_each_date_resource_and_language_has_its_own_entry(
    hubei: Programme, computations: list[str]
) -> None:
    on = hubei.current_date()
    dashboard_services.overview(hubei, on=on)
    dashboard_services.overview(hubei, on=on - datetime.timedelta(days=3))
    dashboard_services.overview(hubei, on=on, resource="medical_staff")
    with translation.override("zh-hans"):
        chinese = dashboard_services.overview(hubei, on=on)
    assert len(computations) == 4
    dashboard_services.overview(hubei, on=on)
    assert len(computations) == 4
    assert any("（" in note or "按" in note for note in chinese.assumptions)


@pytest.fixture
def generated(tmp_path: Path) -> Programme:
    """A programme of the benchmark generator: one stored split (allocation line) per pairing."""
    spec = importlib.util.spec_from_file_location("national_programme", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.generate_national(
        tmp_path / "bundle", regions=100, indicators=1, pairings=40, country="XA", slug="generated"
    )
    scenario_services.load_bundle(str(tmp_path / "bundle"))
    return Programme.objects.get(slug="generated")


def test_a_changed_stored_split_shows_at_once(generated: Programme) -> None:
    before = dashboard_services.overview(generated)
    assert not before.split_derived
    line = AllocationLine.objects.filter(pairing__programme=generated).first()
    line.quantity += Decimal("1000")
    line.save()
    after = dashboard_services.overview(generated)
    code = line.resource_type.code
    assert after.paired_capacity[code] == pytest.approx(before.paired_capacity[code] + 1000)


def test_an_ended_pairing_leaves_the_figures_at_once(hubei: Programme) -> None:
    before = dashboard_services.overview(hubei)
    pairing = Pairing.objects.filter(programme=hubei, status="active").first()
    pairing.status = "ended"
    pairing.valid_to = hubei.current_date() - datetime.timedelta(days=1)
    pairing.save()
    assert dashboard_services.overview(hubei).live_pairs == before.live_pairs - 1


def test_a_new_indicator_value_changes_the_need_at_once(hubei: Programme) -> None:
    """hubei-2020 derives need from confirmed cases: a new figure changes a recipient's row."""
    before = dashboard_services.overview(hubei)
    worst = before.recipient_rows[0]
    region = hubei.participants.get(region__code=worst.id).region
    RegionalIndicator.objects.update_or_create(  # the daily series has a figure that day
        region=region,
        indicator=hubei.need_indicator or IndicatorType.objects.get(code="confirmed_cases"),
        as_of=hubei.current_date(),
        defaults={"value": Decimal("1"), "source": Source.objects.first()},
    )
    after = {row.id: row for row in dashboard_services.overview(hubei).recipient_rows}
    assert after[worst.id].need != worst.need
    assert after[worst.id].coverage != worst.coverage


def test_the_version_moves_with_every_recorded_write(hubei: Programme) -> None:
    before = freshness.data_version()
    hubei.programme_date = datetime.date(2020, 2, 20)
    hubei.save()
    assert freshness.data_version() != before


def test_an_overview_waiting_for_splits_is_not_kept(
    hubei: Programme, computations: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(coverage, "_pending_splits", lambda *_: {"420100"})
    dashboard_services.overview(hubei)
    dashboard_services.overview(hubei)
    assert computations == ["hubei-2020", "hubei-2020"]


def test_the_pages_cached_tables_follow_a_change(client: Any, people: dict[str, Any]) -> None:
    client.force_login(people["coordinator"])
    listed = 'Pairings <span class="muted">%d</span>'
    assert listed % 21 in client.get("/p/hubei-2020/").content.decode()
    client.get("/p/hubei-2020/")  # the tables now come from the cache
    pairing = Pairing.objects.filter(programme__slug="hubei-2020").first()
    pairing.status = "ended"
    pairing.valid_to = pairing.valid_from
    pairing.save()
    # An ended pairing is no longer in force: the list of pairings in force loses it at once.
    assert listed % 20 in client.get("/p/hubei-2020/").content.decode()
