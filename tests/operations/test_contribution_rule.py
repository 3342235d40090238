"""The 1 % rule of wenchuan-2008 on the bundled, sourced figures: the donors' revenue where
found and the published figures of aid delivered; unknown, with the reason, where a figure is
missing; an uncertain figure makes an uncertain verdict, and an illustrative one never counts."""

import datetime
from decimal import Decimal

import pytest

from pairaid.operations.models import Disbursement, FundCommitment
from pairaid.operations.queries import contributions
from pairaid.pairing.models import AllocationLine, Pairing
from pairaid.programmes.models import Participant
from pairaid.registry.models import IndicatorType, RegionalIndicator, ResourceType, Source

pytestmark = pytest.mark.django_db
D = datetime.date
YI = Decimal(100_000_000)  # the facts' unit, 亿元, in yuan


def checks(programme, year: int) -> dict[tuple[str, str], contributions.ContributionCheck]:  # type: ignore[no-untyped-def]
    return {
        (c.donor.region.code, c.period): c
        for c in contributions.contribution_checks(programme, year)
    }


def revenue(code: str, year: int, value: str, **flags: object) -> RegionalIndicator:
    return RegionalIndicator.objects.create(
        region=Participant.objects.get(programme__slug="wenchuan-2008", region__code=code).region,
        indicator=IndicatorType.objects.get(code="local_fiscal_revenue"),
        value=Decimal(value),
        as_of=D(year, 12, 31),
        source=Source.objects.get_or_create(key="test-revenue", title="test figure")[0],
        **flags,
    )


def test_tianjins_verified_revenue_and_published_total_meet_the_programmes_sum(wenchuan):
    """Tianjin: yearbook revenue 2007-2009 (verified) and 35.84 亿 invested over the three years
    (uncertain): the total meets 3 × 1 %, each year stays unknown, and the verdict is uncertain."""
    tianjin = checks(wenchuan, 2009)[("120000", "2008–2010")]
    expected = (Decimal("540.44") + Decimal("675.62") + Decimal("821.99")) * YI / 100
    assert tianjin.required is not None and tianjin.required.amount == expected
    assert tianjin.required.certainty == "verified"
    assert tianjin.required.sources == (
        "revenue-tianjin-2007",
        "revenue-tianjin-2008",
        "revenue-tianjin-2009",
    )
    assert tianjin.contributed is not None
    assert tianjin.contributed.amount == Decimal("35.84") * YI
    assert not tianjin.contributed.at_least
    assert tianjin.status == contributions.TOTAL_MET
    assert tianjin.certainty == "uncertain"
    assert "each year" in tianjin.reason


def test_a_year_with_a_known_base_but_only_cumulative_aid_figures_is_unknown(wenchuan):
    year = checks(wenchuan, 2009)[("120000", "2009")]
    assert year.required is not None and year.required.amount == Decimal("675.62") * YI / 100
    assert year.status == contributions.UNKNOWN and year.contributed is None
    assert "cumulative" in year.reason


def test_a_missing_revenue_figure_makes_the_check_unknown_and_names_the_year(wenchuan):
    shandong = checks(wenchuan, 2009)
    assert shandong[("370000", "2009")].status == contributions.UNKNOWN
    assert "2008" in shandong[("370000", "2009")].reason
    whole = shandong[("370000", "2008–2010")]
    assert whole.status == contributions.UNKNOWN and whole.required is None
    assert "2007, 2008" in whole.reason
    # What is known is still shown: Shandong's "more than 100 亿" of physical work by 2010-09.
    assert whole.contributed is not None and whole.contributed.at_least
    assert whole.contributed.amount == 100 * YI
    # 2010's base (Shandong 2009, a work-report figure) is known, but uncertain.
    base = checks(wenchuan, 2010)[("370000", "2010")].required
    assert base is not None and base.amount == Decimal("2198.5") * YI / 100
    assert base.certainty == "uncertain"


def test_a_donor_with_no_published_aid_figure_is_unknown_with_that_reason(wenchuan):
    # Liaoning (→ An County): 2007 revenue found, nothing published of its aid.
    revenue("210000", 2008, "1300")
    revenue("210000", 2009, "1500")
    liaoning = checks(wenchuan, 2009)[("210000", "2008–2010")]
    assert liaoning.required is not None and liaoning.contributed is None
    assert liaoning.status == contributions.UNKNOWN
    assert "An County" in liaoning.reason


def test_a_lower_bound_below_the_requirement_is_unknown_never_short(wenchuan):
    # Shanxi (→ Mao County): 16.94 亿 disbursed by April 2010, before the programme's end.
    revenue("140000", 2007, "1000")
    revenue("140000", 2009, "1000")
    shanxi = checks(wenchuan, 2009)[("140000", "2008–2010")]
    assert shanxi.contributed is not None and shanxi.contributed.at_least
    assert shanxi.required is not None and shanxi.required.amount > shanxi.contributed.amount
    assert shanxi.status == contributions.UNKNOWN and shanxi.short_by is None
    assert "lower bound" in shanxi.reason


def test_a_total_below_the_sum_is_short(wenchuan):
    # Heilongjiang (→ Jiange): 15.5 亿 over the three years; with bases making 1 % larger.
    revenue("230000", 2008, "900")
    revenue("230000", 2009, "1000")
    line = checks(wenchuan, 2009)[("230000", "2008–2010")]
    required = (Decimal("579.5") + 900 + 1000) * YI / 100
    assert line.status == contributions.SHORT
    assert line.short_by == required - Decimal("15.5") * YI
    assert line.certainty == "uncertain"


def test_illustrative_figures_never_feed_a_verdict(wenchuan):
    revenue("210000", 2008, "1300", illustrative=True)
    revenue("210000", 2009, "1500", illustrative=True)
    pairing = Pairing.objects.get(programme=wenchuan, donor__region__code="210000")
    AllocationLine.objects.create(
        pairing=pairing,
        resource_type=ResourceType.objects.get(code="cny"),
        quantity=Decimal(50) * YI,
        date=D(2010, 12, 31),
        source=Source.objects.create(key="demo", title="illustrative example"),
        illustrative=True,
    )
    commitment = FundCommitment.objects.create(
        programme=wenchuan,
        donor=pairing.donor,
        recipient=pairing.recipient,
        year=2009,
        kind="in_kind",
        amount=Decimal(10) * YI,
        illustrative=True,
    )
    Disbursement.objects.create(
        commitment=commitment, date=D(2009, 6, 1), amount=Decimal(10) * YI, illustrative=True
    )
    liaoning = checks(wenchuan, 2009)
    assert liaoning[("210000", "2009")].status == contributions.UNKNOWN
    assert liaoning[("210000", "2009")].required is None  # the illustrative 2008 base is ignored
    whole = liaoning[("210000", "2008–2010")]
    assert whole.status == contributions.UNKNOWN and whole.contributed is None


def test_a_donors_own_record_judges_each_year_and_verified_inputs_give_a_verified_verdict(
    wenchuan,
):
    """Tianjin records its aid in PairAid: 2009 is judged on that record (7 亿 against 1 % of
    its verified 2008 revenue, 6.7562 亿), verified; 2008, with no record, is short."""
    pairing = Pairing.objects.get(programme=wenchuan, donor__region__code="120000")
    commitment = FundCommitment.objects.create(
        programme=wenchuan,
        donor=pairing.donor,
        recipient=pairing.recipient,
        year=2009,
        kind="in_kind",
        amount=Decimal(7) * YI,
    )
    Disbursement.objects.create(commitment=commitment, date=D(2009, 6, 1), amount=Decimal(7) * YI)
    year = checks(wenchuan, 2009)[("120000", "2009")]
    assert (year.status, year.certainty) == (contributions.COMPLIANT, "verified")
    earlier = checks(wenchuan, 2008)[("120000", "2008")]
    assert earlier.status == contributions.SHORT
    assert earlier.short_by == Decimal("540.44") * YI / 100


def test_certainty_is_the_weakest_input():
    assert contributions.weakest(["verified", "verified"]) == "verified"
    assert contributions.weakest(["verified", "uncertain"]) == "uncertain"
    assert contributions.weakest(["derived"]) == "uncertain"


def test_the_gaps_page_shows_each_donors_verdict_and_reason(client, people, wenchuan):
    client.force_login(people["outsider"])
    page = client.get("/p/wenchuan-2008/gaps/?year=2009").content.decode()
    assert "total met" in page and "uncertain figures" in page
    assert "no Local general public budget revenue figure for 2007, 2008" in page


def test_the_api_and_the_csv_give_the_same_verdicts_as_the_page(client, people, wenchuan):
    from pairaid.accounts import tokens

    key = tokens.create(owner=people["outsider"], name="test")[1]
    response = client.get(
        "/api/v1/programmes/wenchuan-2008/contributions?year=2009&page_size=50",
        HTTP_AUTHORIZATION=f"Bearer {key}",
    )
    rows = {(r["donor"], r["period"]): r for r in response.json()["items"]}
    assert len(rows) == 38  # 19 donors, for 2009 and for 2008–2010
    tianjin = rows[("CN:120000", "2008–2010")]
    assert (tianjin["status"], tianjin["certainty"]) == ("total_met", "uncertain")
    assert Decimal(tianjin["contributed"]) == Decimal("35.84") * YI
    assert tianjin["contributed_sources"] == "aid-tianjin-2010-12-31"
    assert rows[("CN:370000", "2009")]["status"] == "unknown"

    client.force_login(people["outsider"])
    csv_text = client.get("/p/wenchuan-2008/gaps/contributions.csv?year=2009").content.decode()
    header, tags, *lines = csv_text.splitlines()
    assert header.startswith("donor,donor_name,period") and tags.startswith("#org+code")
    assert len(lines) == 38 and any("total_met" in line for line in lines)


@pytest.mark.parametrize(
    "role, expected",
    [("outsider", 200), ("coordinator", 404), ("observer", 404), ("anonymous", 401)],
)
def test_only_members_of_the_programme_read_its_contribution_rule(
    client, people, wenchuan, role, expected
):
    from pairaid.accounts import tokens

    headers = {}
    if people[role]:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {tokens.create(owner=people[role], name='t')[1]}"
    url = "/api/v1/programmes/wenchuan-2008/contributions"
    assert client.get(url, **headers).status_code == expected


def test_a_closed_programme_opens_on_its_last_year(client, people, wenchuan):
    assert contributions.default_year(wenchuan) == 2010  # not today's year
    assert contributions.default_year(wenchuan, D(2008, 3, 1)) == 2008
    client.force_login(people["outsider"])
    page = client.get("/p/wenchuan-2008/gaps/").content.decode()
    assert "Contribution rule 2010" in page


def test_a_running_programmes_record_so_far_never_makes_the_whole_programme_short(wenchuan):
    from pairaid.programmes import services as programme_services

    pairing = Pairing.objects.get(programme=wenchuan, donor__region__code="120000")
    commitment = FundCommitment.objects.create(
        programme=wenchuan,
        donor=pairing.donor,
        recipient=pairing.recipient,
        year=2009,
        kind="in_kind",
        amount=Decimal(1) * YI,
    )
    Disbursement.objects.create(commitment=commitment, date=D(2009, 6, 1), amount=Decimal(1) * YI)
    programme_services.set_programme_date(programme=wenchuan, date=D(2009, 12, 31))
    wenchuan.refresh_from_db()
    so_far = checks(wenchuan, 2009)[("120000", "2008–2010")]
    assert so_far.contributed is not None and so_far.contributed.at_least
    assert so_far.status == contributions.UNKNOWN  # 1 亿 so far, below the sum: not yet short
    programme_services.set_programme_date(programme=wenchuan, date=D(2011, 1, 1))
    wenchuan.refresh_from_db()
    assert checks(wenchuan, 2009)[("120000", "2008–2010")].status == contributions.SHORT
