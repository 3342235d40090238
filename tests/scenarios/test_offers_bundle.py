"""offers.csv: donors' offers of goods in a bundle, one row per lot; pledges.csv's `offer`
names the offer a pledge takes from."""

import shutil
from decimal import Decimal
from pathlib import Path

import pytest

from pairaid.errors import ValidationFailed
from pairaid.operations.models import Offer, OfferLine, Pledge, Request
from pairaid.scenarios import services as scenario_services

pytestmark = pytest.mark.django_db

HEADER = (
    "number,donor,available_from,available_until,standing,resource_type,quantity,max_takes,note\n"
)


def _demo_copy(tmp_path: Path) -> Path:
    bundle = tmp_path / "hubei-2020-demo"
    shutil.copytree(scenario_services.bundled_path("hubei-2020-demo"), bundle)
    return bundle


def _problems(bundle: Path) -> list[str]:
    with pytest.raises(ValidationFailed) as failure:
        scenario_services.load_bundle(bundle)
    return [str(p) for p in failure.value.problems]


def test_an_offer_loads_with_its_lots_and_the_pledge_taken_from_it(hubei, tmp_path):
    bundle = _demo_copy(tmp_path)
    (bundle / "offers.csv").write_text(
        HEADER + "7,370000,2020-02-10,,withdrawn,n95_mask,70000,2,reserve\n"
        "7,370000,2020-02-10,,withdrawn,tent,12,,reserve\n"
    )
    pledges = (bundle / "pledges.csv").read_text().replace("2020-02-10,,1\n", "2020-02-10,,7\n")
    (bundle / "pledges.csv").write_text(pledges)
    assert scenario_services.load_bundle(bundle).outcome == "loaded"
    offer = Offer.objects.get()
    assert (offer.number, offer.donor.region.code, offer.standing, offer.note) == (
        7,
        "370000",
        "withdrawn",
        "reserve",
    )
    assert offer.illustrative and offer.available_until is None
    lots = {line.resource_type.code: (line.quantity, line.max_takes) for line in offer.lines.all()}
    assert lots == {"n95_mask": (Decimal(70000), 2), "tent": (Decimal(12), 3)}  # 3: the default
    taken = Pledge.objects.get(from_offer__isnull=False)
    assert taken.from_offer == OfferLine.objects.get(resource_type__code="n95_mask")
    assert (taken.line.request.number, taken.quantity) == (1, Decimal(30000))


def test_bad_offer_cells_are_named_by_file_row_and_column(hubei, tmp_path):
    bundle = _demo_copy(tmp_path)
    (bundle / "offers.csv").write_text(
        HEADER
        + "1,370000,2020-02-10,2020-02-01,open,n95_mask,1.5,0,\n"  # row 2
        + "1,430000,2020-02-10,2020-02-01,lent,icu_nurse,30,,\n"  # row 3
        + "2,999999,10 Feb,,open,cny,-5,,\n"  # row 4
        + "2,999999,10 Feb,,open,cny,1,,\n"  # row 5: the same lot again
    )
    problems = _problems(bundle)
    expected = [
        "offers.csv, row 2, column available_until: expected a date on or after "
        "available_from (2020-02-10)",
        "offers.csv, row 2, column quantity: must be a whole number: N95 respirator is counted "
        "in whole units",
        "offers.csv, row 2, column max_takes: must be at least 1",
        "offers.csv, row 3, column standing: expected one of open, withdrawn; got 'lent'",
        "offers.csv, row 3, column resource_type: only goods are offered; staff go as teams "
        "and funds as disbursements",
        "offers.csv, row 3, column donor: expected 'CN:370000' as on row 2, the first row of "
        "offer 1: each row of an offer repeats its donor",
        "offers.csv, row 4, column available_from: expected a date as YYYY-MM-DD, got '10 Feb'",
        "offers.csv, row 4, column quantity: must be >= 0, got -5",
        "offers.csv, row 5, column number, resource_type: duplicate of row 4: 2 / cny",
    ]
    for problem in expected:
        assert problem in problems, problems
    assert any(p.startswith("offers.csv, row 4, column donor: unknown region") for p in problems)
    assert not Offer.objects.exists() and not Request.objects.exists()


def test_a_pledge_naming_an_offer_without_its_lot_is_refused(hubei, tmp_path):
    bundle = _demo_copy(tmp_path)
    pledges = (bundle / "pledges.csv").read_text().replace("2020-02-10,,1\n", "2020-02-10,,3\n")
    (bundle / "pledges.csv").write_text(pledges)
    assert (
        "pledges.csv, row 2, column offer: no lot of n95_mask in offer 3 of CN:370000 in offers.csv"
    ) in _problems(bundle)
    assert not Offer.objects.exists()
