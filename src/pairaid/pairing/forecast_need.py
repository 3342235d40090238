"""Need lines derived from a forecast (DESIGN.md §2 and §9): plan against projected need.

`pairaid plan PROGRAMME --need-from forecast:renewal:0.8:14` forecasts every recipient's cases
from its daily record up to the plan's date (`pairaid.forecast`), turns the joint sample paths
into bed census and the census into staff through the programme's care-ratio table, and writes
one derived need line per recipient and staff resource, dated the plan's date. Each line records
the forecast it came from (`NeedLine.derived_forecast`: method, origin, data version, quantile,
horizon, seed, paths, care ratios and every assumption with its source) and is labelled a model
output. A plan on that basis reads exactly these lines; a plan on the recorded need ignores
every forecast-derived line, so a forecast never silently becomes the default need.

Written in one transaction: either every recipient's line is written, or none.
"""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from pairaid import forecast
from pairaid.errors import Problem as InputProblem
from pairaid.errors import ValidationFailed
from pairaid.forecast import care
from pairaid.forecast.backtest import forecast_seed
from pairaid.forecast.census import MODEL_OUTPUT_LABEL, census_of
from pairaid.forecast.need import ForecastNeedBasis, NeedBasisError, StaffNeed, staff_needed
from pairaid.operations.queries.staffing import engine_ratios
from pairaid.programmes.models import NeedLine, Participant, Programme
from pairaid.registry.models import Certainty, ResourceType, Source
from pairaid.registry.series import CASE_COUNTS, case_series
from pairaid.scenarios.models import LoadedBundle

SOURCE_KEY = "pairaid-forecast-need"
OPTION = "need-from"

# The staff resources a forecast need is stated in, and which of its figures each one takes:
# the programme's medical staff is doctors and nurses together; professions, each its own.
STAFF_FIGURES: dict[str, str] = {"medical_staff": "staff", "doctor": "doctors", "nurse": "nurses"}


@dataclass
class ForecastNeeds:
    """recipient participant id -> resource -> quantity, read from the lines just written, and
    what the plan's report must say about them."""

    needs: dict[int, dict[str, float]] = field(default_factory=dict)
    assumptions: list[str] = field(default_factory=list)


def parse_basis(text: str) -> ForecastNeedBasis:
    """The forecast need basis, or a clear refusal naming the option and what was expected."""
    try:
        return ForecastNeedBasis.parse(text)
    except NeedBasisError as error:
        raise ValidationFailed([InputProblem(str(error), column=OPTION)]) from None


def recorded_series(participant: Participant, on: datetime.date) -> forecast.DailySeries | None:
    """The recipient's daily record up to `on`: the days with all three counts (a day missing
    any stays missing, never filled); None where it has none."""
    days = [
        day
        for day in case_series(participant.region)
        if day.as_of <= on and all(i in day.counts for i in CASE_COUNTS)
    ]
    if not days:
        return None
    confirmed, cured, dead = (
        [int(day.counts[indicator]) for day in days] for indicator in CASE_COUNTS
    )
    return forecast.from_days([day.as_of for day in days], confirmed, cured, dead)


def _data_version(programme: Programme) -> str | None:
    bundle = programme.bundles.filter(kind=LoadedBundle.Kind.PROGRAMME).first()
    return bundle.data_version if bundle else None


def _source() -> Source:
    source, _ = Source.objects.get_or_create(
        key=SOURCE_KEY,
        defaults={
            "title": "Staff needed at a quantile of the projected peak bed census, computed by "
            "PairAid from a case forecast (a model output)",
            "kind": Source.Kind.DERIVED,
            "method": "renewal-equation or baseline case forecast (pairaid.forecast); census by "
            "severity, admission policy and nested stays ("
            + care.WU_MCGOOGAN_2020
            + "; "
            + care.REES_2020
            + "; "
            + care.CHANG_2021
            + "; "
            + care.FANGCANG_2020
            + "); staff by "
            "the programme's care ratios at the peak's quantile over the sample paths",
        },
    )
    return source


def _seed(
    seed: int, participant: Participant, origin: datetime.date, basis: ForecastNeedBasis
) -> tuple[int, ...]:
    """The recipient's own seed, as the backtest draws it: the same run gives the same lines."""
    return forecast_seed(seed, participant.region.as_reference().short, origin, basis.method)


def _identity(
    basis: ForecastNeedBasis,
    on: datetime.date,
    seed: Sequence[int],
    need: StaffNeed,
    series: forecast.DailySeries,
    programme: Programme,
    ratios: dict[str, Any],
) -> dict[str, Any]:
    """The forecast run a line came from, whole (a stored run's link can replace it)."""
    last = series.last_observed_at_or_before(series.index_of(on))
    return {
        "basis": str(basis),
        "method": basis.method,
        "origin": on.isoformat(),
        "record_last_day": series.day_at(last).isoformat() if last is not None else None,
        "data_version": _data_version(programme),
        "quantile": basis.quantile,
        "horizon_days": basis.horizon_days,
        "paths": forecast.SAMPLE_PATHS,
        "seed": list(seed),
        "peak_census": round(need.peak_census, 3),
        "doctors": need.doctors,
        "nurses": need.nurses,
        "unrated_bed_types": list(need.unrated_bed_types),
        "care_ratios": ratios,
        "assumptions": care.assumptions_text(),
        "label": MODEL_OUTPUT_LABEL,
        "forecast_run": None,  # the stored ForecastRun, once forecast runs are stored
    }


def _method_text(basis: ForecastNeedBasis, on: datetime.date, need: StaffNeed) -> str:
    unrated = ", ".join(need.unrated_bed_types) or "none"
    return (
        f"{basis}: {need.doctors} doctors + {need.nurses} nurses for the "
        f"{basis.quantile:.0%} quantile of the projected peak census over {basis.horizon_days} "
        f"days after {on} ({need.peak_census:.0f} patients in beds); bed types without a care "
        f"ratio (not counted, so a lower bound): {unrated}. {MODEL_OUTPUT_LABEL}."
    )


def _check_no_recorded_line(
    participant: Participant, resource: ResourceType, on: datetime.date
) -> None:
    recorded = (
        NeedLine.objects.recorded()
        .filter(participant=participant, resource_type=resource, as_of=on)
        .first()
    )
    if recorded is not None:
        raise ValidationFailed(
            [
                InputProblem(
                    f"{participant.region.as_reference().short}: a recorded need line of "
                    f"{resource.code} is dated {on}; a forecast need would replace it. Plan on "
                    "another date, or on the recorded need.",
                    column=OPTION,
                )
            ]
        )


@transaction.atomic
def derive(
    programme: Programme,
    recipients: Sequence[Participant],
    on: datetime.date,
    basis: ForecastNeedBasis,
    resources: Sequence[str],
    *,
    seed: int = 0,
    store: bool = True,
) -> ForecastNeeds:
    """Write (or rewrite) the forecast-derived need lines at `on`, one per recipient with a
    daily record and staff resource, and return them for the plan; with `store` False, only
    compute them (an evaluation stores nothing)."""
    staff_resources = [code for code in resources if code in STAFF_FIGURES]
    if not staff_resources:
        raise ValidationFailed(
            [
                InputProblem(
                    "a forecast need is stated in staff ("
                    + ", ".join(STAFF_FIGURES)
                    + f"); the programme's capacity is in {', '.join(resources)}",
                    column=OPTION,
                )
            ]
        )
    types = {t.code: t for t in ResourceType.objects.filter(code__in=staff_resources)}
    ratios = engine_ratios(programme)
    ratio_record = {
        t: {
            "doctors_per_bed": str(r.doctors_per_bed) if r.doctors_per_bed else None,
            "nurses_per_bed": str(r.nurses_per_bed) if r.nurses_per_bed else None,
            "counts": r.counts,
        }
        for t, r in ratios.items()
    }
    result = ForecastNeeds()
    source = _source()
    unrated: tuple[str, ...] = ()
    for participant in recipients:
        series = recorded_series(participant, on)
        if series is None or series.last_observed_at_or_before(series.index_of(on)) is None:
            continue  # need unknown: the build names the recipient as excluded
        seed_of = _seed(seed, participant, on, basis)
        paths = forecast.forecast(
            series, on, basis.method, horizon_days=basis.horizon_days, seed=seed_of
        )
        need = staff_needed(
            census_of(paths), ratios, quantile=basis.quantile, horizon_days=basis.horizon_days
        )
        unrated = need.unrated_bed_types
        identity = _identity(basis, on, seed_of, need, series, programme, ratio_record)
        for code in staff_resources:
            _check_no_recorded_line(participant, types[code], on)
            quantity = getattr(need, STAFF_FIGURES[code])
            result.needs.setdefault(participant.pk, {})[code] = float(quantity)
            if not store:
                continue
            NeedLine.objects.update_or_create(
                participant=participant,
                resource_type=types[code],
                as_of=on,
                defaults={
                    "quantity": Decimal(quantity),
                    "source": source,
                    "certainty": Certainty.DERIVED,
                    "method": _method_text(basis, on, need),
                    "derived_forecast": identity,
                },
            )
    result.assumptions.append(
        gettext(
            "need: staff for the %(quantile)s quantile of the projected peak bed census over "
            "%(days)s days, forecast by %(method)s from the daily record up to %(date)s "
            "(a model output: the record never observed census)"
        )
        % {
            "quantile": f"{basis.quantile:g}",
            "days": basis.horizon_days,
            "method": basis.method,
            "date": on,
        }
    )
    if unrated:
        result.assumptions.append(
            gettext("need: bed types without a care ratio add no staff: %(types)s")
            % {"types": ", ".join(unrated)}
        )
    result.assumptions += care.assumptions_text()
    return result
