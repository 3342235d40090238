"""The flat names of per-bed-type figures, where a row or a form holds one column per bed type
(bundle CSV, forms): `beds_icu` for a facility's ICU beds, `open_icu` and `occupied_icu` in a
snapshot; and of a facility's own staff, one column per profession (`staff_icu_nurse`). The
database keeps one row per bed type or profession instead (`FacilityBeds`, `SnapshotBeds`,
`FacilityStaff`)."""

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import PROFESSIONS


def capacity_column(bed_type: str) -> str:
    return f"beds_{bed_type}"


def open_column(bed_type: str) -> str:
    return f"open_{bed_type}"


def occupied_column(bed_type: str) -> str:
    return f"occupied_{bed_type}"


def staff_column(profession: str) -> str:
    return f"staff_{profession}"


CAPACITY_COLUMNS = tuple(capacity_column(t) for t in BED_TYPES)
SNAPSHOT_COLUMNS = tuple(c for t in BED_TYPES for c in (open_column(t), occupied_column(t)))
STAFF_COLUMNS = tuple(staff_column(p) for p in PROFESSIONS)


def general_beds(total: int | None, icu: int | None) -> int | None:
    """General beds from an earlier count of all beds, ICU beds included (format 2's `beds`,
    and its `beds_available`): the rest after the ICU beds, never below 0."""
    if total is None:
        return None
    return max(total - (icu or 0), 0)
