"""Bed types: the kinds of hospital bed that capacity, occupancy and (later) placement count.

The four types are **disjoint**: a bed is of exactly one type, so a facility's beds are the sum
over types, never a nesting (an ICU bed with a ventilator is `icu_ventilated`, not also `icu`).
They are **ordered by acuity**, lowest first: a patient may take a bed of its own type or a
later one in `BED_TYPES`, never an earlier one. The placement recommender and the foresight
issue use the same four codes, so they are written here once, free of Django.
"""

from typing import Final

BED_TYPES: Final = ("general", "oxygen", "icu", "icu_ventilated")


def acuity_rank(bed_type: str) -> int:
    """The bed type's place in the order of acuity (0 = general); ValueError when unknown."""
    return BED_TYPES.index(bed_type)
