"""push_deliveries.csv: goods sent ahead in a bundle, one row per delivery with its state; a
redirect names the redirected delivery whose goods it carries on. Loaded, refused with file, row
and column, and exported back the same."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pairaid.errors import ValidationFailed
from pairaid.operations.models import PushDelivery, Request
from pairaid.programmes.models import Programme
from pairaid.scenarios import services as scenario_services
from pairaid.scenarios.operations_export import operations_tables

pytestmark = pytest.mark.django_db

HEADER = (
    "number,donor,recipient,resource_type,quantity,dispatched_on,status,accepted_on,"
    "redirected_from,note\n"
)
# Shandong sends masks to Huanggang, which declines them; they go on to Xiaogan, which accepts.
CHAIN = (
    "1,370000,421100,n95_mask,800,2020-02-10,redirected,,,no storage left\n"
    "2,370000,420900,n95_mask,800,2020-02-11,accepted,2020-02-12,1,\n"
)


def _demo_with(tmp_path: Path, rows: str) -> Path:
    bundle = tmp_path / "hubei-2020-demo"
    shutil.copytree(scenario_services.bundled_path("hubei-2020-demo"), bundle)
    (bundle / "push_deliveries.csv").write_text(HEADER + rows)
    return bundle


def _problems(bundle: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as failure:
        scenario_services.load_bundle(bundle)
    return [str(p) for p in failure.value.problems]


def test_the_demo_sends_goods_ahead_one_accepted_one_awaiting(hubei):
    scenario_services.load_bundle("hubei-2020-demo")
    found = {
        d.number: (d.donor.region.code, d.recipient.region.code, d.status, d.illustrative)
        for d in PushDelivery.objects.all()
    }
    assert found == {
        1: ("370000", "421100", "accepted", True),
        2: ("230000", "420900", "sent", True),
    }
    # A bundle holds each delivery's state, not its steps: no history is made up.
    assert not PushDelivery.objects.filter(events__isnull=False).exists()


def test_a_redirect_loads_linked_and_exports_back_the_same(hubei, tmp_path):
    bundle = _demo_with(tmp_path, CHAIN)
    assert scenario_services.load_bundle(bundle).outcome == "loaded"
    declined, onward = PushDelivery.objects.order_by("number")
    assert onward.redirected_from == declined and declined.note == "no storage left"
    assert (onward.quantity, onward.accepted_on.isoformat()) == (Decimal(800), "2020-02-12")
    exported = operations_tables(Programme.objects.get(slug="hubei-2020"), illustrative=True)
    rows = sorted(exported["push_deliveries.csv"].values(), key=lambda r: r["number"])
    assert [r["redirected_from"] for r in rows] == ["", "1"]
    assert [r["status"] for r in rows] == ["redirected", "accepted"]


def test_bad_cells_are_named_by_file_row_and_column(hubei, tmp_path):
    bundle = _demo_with(
        tmp_path,
        "1,370000,421100,icu_nurse,3,2020-02-10,,,,\n"  # row 2: staff are not sent ahead
        "2,370000,421100,n95_mask,1.5,2020-02-10,accepted,,,\n"  # row 3
        "3,370000,421100,n95_mask,5,2020-02-10,lost,,,\n"  # row 4
        "4,370000,421100,n95_mask,5,2020-02-10,sent,2020-02-11,,\n"  # row 5
        "5,370000,421100,n95_mask,5,2020-02-10,accepted,2020-02-09,,\n"  # row 6
        "6,370000,421100,n95_mask,5,2020-02-10,redirected,,,\n"  # row 7: goes on nowhere
        "7,370000,421100,n95_mask,6,2020-02-11,sent,,6,\n"  # row 8
        "8,430000,421100,n95_mask,5,2020-02-11,sent,,9,\n"  # row 9
        "9,421100,370000,n95_mask,-5,10 Feb,,,,\n",  # row 10
    )
    problems = _problems(bundle)
    expected = [
        "push_deliveries.csv, row 2, column resource_type: only goods are offered; staff go as "
        "teams and funds as disbursements",
        "push_deliveries.csv, row 3, column quantity: must be a whole number: N95 respirator is "
        "counted in whole units",
        "push_deliveries.csv, row 3, column accepted_on: expected the date an accepted delivery "
        "was accepted",
        "push_deliveries.csv, row 4, column status: expected one of sent, accepted, declined, "
        "returned, redirected; got 'lost'",
        "push_deliveries.csv, row 5, column accepted_on: expected no date: the delivery is sent",
        "push_deliveries.csv, row 6, column accepted_on: expected a date on or after "
        "dispatched_on (2020-02-10)",
        "push_deliveries.csv, row 8, column quantity: expected '5' as delivery 6",
        "push_deliveries.csv, row 8, column recipient: must differ from delivery 6's, which "
        "declined",
        "push_deliveries.csv, row 9, column redirected_from: no earlier delivery 9 in this file",
        "push_deliveries.csv, row 10, column donor: CN:421100 is not a donor of this programme "
        "(participants.csv)",
        "push_deliveries.csv, row 10, column dispatched_on: expected a date as YYYY-MM-DD, got "
        "'10 Feb'",
    ]
    for problem in expected:
        assert problem in problems, problems
    assert not any("row 7" in p for p in problems), problems  # row 8 carries it on
    assert any(p.startswith("push_deliveries.csv, row 10, column quantity:") for p in problems)
    assert not PushDelivery.objects.exists() and not Request.objects.exists()


def test_a_redirected_delivery_goes_on_exactly_once(hubei, tmp_path):
    bundle = _demo_with(
        tmp_path,
        "1,370000,421100,n95_mask,800,2020-02-10,redirected,,,\n"
        "2,370000,421100,n95_mask,800,2020-02-10,declined,,,\n"
        "3,370000,420900,n95_mask,800,2020-02-11,sent,,1,\n"
        "4,370000,420800,n95_mask,800,2020-02-11,sent,,1,\n"  # row 5: twice
        "5,370000,420900,n95_mask,800,2020-02-11,sent,,2,\n",  # row 6: 2 was declined only
    )
    problems = _problems(bundle)
    assert (
        "push_deliveries.csv, row 5, column redirected_from: delivery 1 goes on already, on row 4"
    ) in problems
    assert (
        "push_deliveries.csv, row 6, column redirected_from: delivery 2 is declined; only a "
        "redirected one goes on"
    ) in problems
