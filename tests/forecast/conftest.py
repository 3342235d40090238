"""Series for the forecast tests, built by hand so that every expected number can be worked out."""

import datetime

import numpy as np

from pairaid.forecast import renewal
from pairaid.forecast.series import DailySeries, from_days

DAY_ZERO = datetime.date(2020, 2, 1)


def series_from_daily(
    new_cases: list[float], *, active_share: float = 0.5, missing: tuple[int, ...] = ()
) -> DailySeries:
    """Cumulative counts from daily new cases (day 0 holds the first), half of them (by default)
    cured by the day they are counted; the days in `missing` left out of the record."""
    confirmed = np.cumsum(new_cases)
    cured = np.floor(confirmed * (1 - active_share))
    days = [
        (DAY_ZERO + datetime.timedelta(days=n), int(c), int(r), 0)
        for n, (c, r) in enumerate(zip(confirmed, cured, strict=True))
        if n not in missing
    ]
    return from_days(*(list(column) for column in zip(*days, strict=True)))


def renewal_incidence(reproduction: float, days: int, seed_cases: float = 1000.0) -> list[float]:
    """Expected daily cases of the renewal equation with a constant R, from `seed_cases` a day
    over the first week (no noise)."""
    weights = renewal.serial_interval_weights()
    cases = [seed_cases] * 7
    for day in range(7, days):
        lags = np.arange(1, min(len(weights), day) + 1)
        cases.append(reproduction * float(sum(weights[s - 1] * cases[day - s] for s in lags)))
    return cases
