"""The league table of donors counts what was received against what was pledged."""

import datetime
from decimal import Decimal

import pytest

from pairaid.operations.queries import league as league_queries
from pairaid.operations.services import funds as fund_services

pytestmark = pytest.mark.django_db


D = datetime.date


def test_the_league_counts_confirmed_money_as_fulfilment(funds_pledge, hubei):
    money = fund_services.disburse_pledge(
        pledge=funds_pledge, amount=Decimal(300_000), on=D(2020, 2, 12)
    )
    fund_services.confirm_disbursement(
        disbursement=money, received_amount=Decimal(300_000), on=D(2020, 2, 14)
    )
    row = next(
        r
        for r in league_queries.league_table(hubei, D(2020, 2, 20))
        if r.donor.region.code == "370000"
    )
    assert row.fulfilment_rate == 0.5 and row.median_lead_days == 2
