"""Need lines derived from a forecast (DESIGN.md §2 and §9): plan against projected need.

`pairaid plan PROGRAMME --need-from forecast:renewal:0.8:14` stores and runs a forecast run
(`pairaid.foresight`: every recipient's cases from its daily record up to the plan's date),
draws its joint sample paths again from the run's stored input and seed, turns them into bed
census and the census into staff through the programme's care-ratio table, and writes one
derived need line per recipient and staff resource, dated the plan's date. Each line links the
forecast run it came from (`NeedLine.forecast_run`) and records how the need was read from it
(`NeedLine.derived_forecast`: quantile, horizon, peak census, care ratios and the census
assumptions with their sources); it is labelled a model output. A plan on that basis reads
exactly these lines; a plan on the recorded need ignores every forecast-derived line, so a
forecast never silently becomes the default need.

Written in one transaction: either the run and every recipient's line are written, or none.
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
from pairaid.forecast.census import MODEL_OUTPUT_LABEL, census_of
from pairaid.forecast.need import ForecastNeedBasis, NeedBasisError, StaffNeed, staff_needed
from pairaid.foresight import queries as foresight_queries
from pairaid.foresight import services as foresight_services
from pairaid.foresight.models import ForecastRun
from pairaid.operations.queries.staffing import engine_ratios
from pairaid.programmes.models import NeedLine, Participant, Programme
from pairaid.registry.models import Certainty, ResourceType, Source
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


def bundle_version(programme: Programme) -> str | None:
    """The data version of the programme's fact bundle: which release of the record the need
    read. (A forecast run started inside a transaction, as a plan's is, cannot know the
    database's own data version, so the line keeps the bundle's.)"""
    bundle = programme.bundles.filter(kind=LoadedBundle.Kind.PROGRAMME).first()
    return bundle.data_version if bundle else None


def _identity(
    basis: ForecastNeedBasis,
    run: ForecastRun,
    need: StaffNeed,
    series: forecast.DailySeries,
    ratios: dict[str, Any],
) -> dict[str, Any]:
    """How the need was read from the stored run (the run itself holds its method, origin,
    data version, seed, paths, input and the forecast's assumptions)."""
    last = series.last_observed_at_or_before(series.index_of(run.origin))
    return {
        "basis": str(basis),
        "forecast_run": run.number,
        "bundle_data_version": bundle_version(run.programme),
        "record_last_day": series.day_at(last).isoformat() if last is not None else None,
        "quantile": basis.quantile,
        "horizon_days": basis.horizon_days,
        "peak_census": round(need.peak_census, 3),
        "doctors": need.doctors,
        "nurses": need.nurses,
        "unrated_bed_types": list(need.unrated_bed_types),
        "care_ratios": ratios,
        "assumptions": care.assumptions_text(),
        "label": MODEL_OUTPUT_LABEL,
    }


def _forecast_run(
    programme: Programme, on: datetime.date, basis: ForecastNeedBasis, seed: int, store: bool
) -> ForecastRun:
    """The forecast the need is read from: stored and run now (a plan's derived lines link to
    it), or, where nothing may be stored, the same run unsaved (the same input and seed give the
    same paths)."""
    if not store:
        return ForecastRun(
            programme=programme,
            origin=on,
            method=basis.method,
            horizon_days=basis.horizon_days,
            paths=forecast.SAMPLE_PATHS,
            seed=seed,
            input=foresight_queries.run_input(programme, up_to=on),
        )
    run = foresight_services.start(
        programme=programme,
        user=None,
        enqueue=lambda _pk: None,  # run here: the plan waits for its need
        origin=on,
        method=basis.method,
        horizon_days=basis.horizon_days,
        seed=seed,
    )
    run = foresight_services.execute(run.pk)
    if run.state != ForecastRun.State.FINISHED:
        raise ValidationFailed(
            [InputProblem(f"forecast run {run.number}: {run.state} ({run.log})", column=OPTION)]
        )
    return run


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
    run = _forecast_run(programme, on, basis, seed, store)
    for participant in recipients:
        record = run.input.get(str(participant.pk))
        if not record:
            continue  # need unknown: the build names the recipient as excluded
        series = foresight_queries.series_of(record)
        paths = foresight_services.sample_paths(run, participant.region.reference, record)
        need = staff_needed(
            census_of(paths), ratios, quantile=basis.quantile, horizon_days=basis.horizon_days
        )
        unrated = need.unrated_bed_types
        identity = _identity(basis, run, need, series, ratio_record)
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
                    "forecast_run": run,
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
