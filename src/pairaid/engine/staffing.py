"""Staffed beds: the beds of each type that the staff on duty can run.

A bed type's staffed beds are the least of: its open beds; for `icu_ventilated`, the
ventilators; and the beds its doctors and its nurses cover under the care-ratio table (staff per
bed, by bed type). The professions that count and which may substitute for which are written
here once:

- **ICU staff** (`icu_doctor`, `icu_nurse`) may staff any bed type; **ward staff** (`doctor`,
  `nurse`) staff `general` and `oxygen` beds only, never ICU beds.
- **Allocation, highest acuity first.** The bed types are served from `icu_ventilated` down to
  `general`. The ICU types draw on ICU staff alone; what ICU staff is left after them joins the
  ward staff for `oxygen`, then `general`. Each type takes as many beds as its limits allow
  before the next type is served. The result is the allocation that staffs the most beds of the
  highest acuity, then the most of the next, and so on (lexicographically greatest); it does not
  trade one ICU bed for several general beds, because the patients who need the ICU bed have
  nowhere else to go.
- **A ratio with no figure is unknown**: that limit is not applied and the profession is not
  drawn on for that type; the result says which ratios were missing, so a page can say that
  the figure rests on beds alone.
- **Headcount and on-duty ratios are not mixed.** An establishment ratio counts staff on the
  payroll (several people per post round the clock); an on-duty ratio counts those at work in a
  shift. A ratio that counts differently from the staff figures is not applied (it is treated as
  unknown), since converting one into the other needs a rota this module does not know.

Figures are exact fractions, so that 0.8 doctors per bed covers exactly 5 beds with 4 doctors.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Final, Literal

from pairaid.engine.beds import BED_TYPES

# The resource codes (of the resource catalogue) that staff beds, written once. Other personnel
# (respiratory therapists, infection-control specialists) count for needs, not for beds.
DOCTOR: Final = "doctor"
NURSE: Final = "nurse"
ICU_DOCTOR: Final = "icu_doctor"
ICU_NURSE: Final = "icu_nurse"
PROFESSIONS: Final = (DOCTOR, NURSE, ICU_DOCTOR, ICU_NURSE)

# The bed types only ICU staff may staff.
ICU_BED_TYPES: Final = ("icu", "icu_ventilated")

# What a ratio counts: staff on the establishment (headcount) or at work in a shift (on duty).
COUNTS: Final = ("headcount", "on_duty")
Counts = Literal["headcount", "on_duty"]

# What binds a bed type's staffed beds, in the order ties are reported.
OPEN_BEDS: Final = "open_beds"
VENTILATORS: Final = "ventilators"
DOCTORS: Final = "doctors"
NURSES: Final = "nurses"
UNKNOWN_OPEN_BEDS: Final = "unknown_open_beds"
BINDINGS: Final = (OPEN_BEDS, VENTILATORS, DOCTORS, NURSES, UNKNOWN_OPEN_BEDS)


@dataclass(frozen=True)
class CareRatio:
    """Staff per bed for one bed type; None is unknown (no sourced figure)."""

    doctors_per_bed: Fraction | None = None
    nurses_per_bed: Fraction | None = None
    counts: Counts = "headcount"

    def __post_init__(self) -> None:
        for name in ("doctors_per_bed", "nurses_per_bed"):
            value = getattr(self, name)
            if value is not None and value <= 0:
                raise ValueError(f"{name} must be positive or unknown (None), got {value}")
        if self.counts not in COUNTS:
            raise ValueError(f"counts must be one of {', '.join(COUNTS)}, got {self.counts!r}")


@dataclass(frozen=True)
class StaffedBeds:
    """One bed type's staffed beds and what binds them. `staffed` is None when the open beds
    are unknown. `unrated` names the professions ("doctors", "nurses") whose ratio was unknown or
    not comparable, so not applied; both unrated means the figure rests on beds alone."""

    bed_type: str
    staffed: int | None
    binding: str
    unrated: tuple[str, ...] = field(default=())

    @property
    def beds_alone(self) -> bool:
        return set(self.unrated) == {DOCTORS, NURSES}


@dataclass
class _Pool:
    """Staff not yet drawn on, in fractions of a person."""

    doctors: Fraction
    nurses: Fraction


def staffed_beds(
    *,
    open_beds: dict[str, int | None],
    ventilators: int | None,
    staff: dict[str, int],
    ratios: dict[str, CareRatio],
    staff_counts: Counts = "headcount",
) -> list[StaffedBeds]:
    """Staffed beds per bed type (in `BED_TYPES` order) from a facility's open beds per type,
    its ventilators (None: unknown, not applied), its staff on duty by profession (codes of
    `PROFESSIONS`; others are refused) and the care ratios by bed type (a type absent: unknown)."""
    _check(open_beds, staff, ratios)
    icu_staff = _Pool(Fraction(staff.get(ICU_DOCTOR, 0)), Fraction(staff.get(ICU_NURSE, 0)))
    results = {
        bed_type: _serve(
            bed_type,
            open_beds.get(bed_type),
            ventilators if bed_type == "icu_ventilated" else None,
            icu_staff,
            _applicable(ratios.get(bed_type, CareRatio()), staff_counts),
        )
        for bed_type in _by_acuity_down(ICU_BED_TYPES)
    }
    # What ICU staff is left joins the ward staff for the ward types.
    ward_staff = _Pool(
        Fraction(staff.get(DOCTOR, 0)) + icu_staff.doctors,
        Fraction(staff.get(NURSE, 0)) + icu_staff.nurses,
    )
    ward_types = [t for t in BED_TYPES if t not in ICU_BED_TYPES]
    for bed_type in _by_acuity_down(ward_types):
        results[bed_type] = _serve(
            bed_type,
            open_beds.get(bed_type),
            None,
            ward_staff,
            _applicable(ratios.get(bed_type, CareRatio()), staff_counts),
        )
    return [results[t] for t in BED_TYPES]


def _by_acuity_down(bed_types: Iterable[str]) -> list[str]:
    return sorted(bed_types, key=BED_TYPES.index, reverse=True)


def _check(
    open_beds: dict[str, int | None], staff: dict[str, int], ratios: dict[str, CareRatio]
) -> None:
    for name, keys, allowed in (
        ("open_beds", open_beds, BED_TYPES),
        ("ratios", ratios, BED_TYPES),
        ("staff", staff, PROFESSIONS),
    ):
        unknown = sorted(set(keys) - set(allowed))
        if unknown:
            raise ValueError(f"{name}: unknown key {unknown[0]!r}; expected {', '.join(allowed)}")
    for profession, count in staff.items():
        if count < 0:
            raise ValueError(f"staff[{profession!r}] must not be negative, got {count}")
    for bed_type, beds in open_beds.items():
        if beds is not None and beds < 0:
            raise ValueError(f"open_beds[{bed_type!r}] must not be negative, got {beds}")


def _applicable(ratio: CareRatio, staff_counts: Counts) -> CareRatio:
    """The ratio as applied to staff counted as `staff_counts`: one counting otherwise is
    unknown (a headcount is not a number on duty)."""
    return ratio if ratio.counts == staff_counts else CareRatio(counts=staff_counts)


def _serve(
    bed_type: str,
    open_beds: int | None,
    ventilators: int | None,
    pool: _Pool,
    ratio: CareRatio,
) -> StaffedBeds:
    """Staff as many beds of one type as its limits allow, drawing the staff from `pool`."""
    unrated = tuple(
        name
        for name, per_bed in ((DOCTORS, ratio.doctors_per_bed), (NURSES, ratio.nurses_per_bed))
        if per_bed is None
    )
    if open_beds is None:
        return StaffedBeds(bed_type, None, UNKNOWN_OPEN_BEDS, unrated)
    limits = [(OPEN_BEDS, open_beds)]
    if ventilators is not None:
        limits.append((VENTILATORS, ventilators))
    if ratio.doctors_per_bed is not None:
        limits.append((DOCTORS, int(pool.doctors / ratio.doctors_per_bed)))
    if ratio.nurses_per_bed is not None:
        limits.append((NURSES, int(pool.nurses / ratio.nurses_per_bed)))
    binding, staffed = min(limits, key=lambda limit: limit[1])  # first of equals: BINDINGS order
    if ratio.doctors_per_bed is not None:
        pool.doctors -= staffed * ratio.doctors_per_bed
    if ratio.nurses_per_bed is not None:
        pool.nurses -= staffed * ratio.nurses_per_bed
    return StaffedBeds(bed_type, staffed, binding, unrated)
