"""Staffed beds: the engine's allocation against a brute-force oracle on small facilities, and
the properties a coordinator relies on."""

import itertools
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import (
    DOCTORS,
    ICU_BED_TYPES,
    NURSES,
    OPEN_BEDS,
    PROFESSIONS,
    UNKNOWN_OPEN_BEDS,
    VENTILATORS,
    CareRatio,
    staffed_beds,
)

per_bed = st.sampled_from([None, Fraction(1, 2), Fraction(4, 5), Fraction(1), Fraction(3)])
ratios = st.dictionaries(
    st.sampled_from(BED_TYPES), st.builds(CareRatio, per_bed, per_bed), max_size=4
)
open_beds = st.fixed_dictionaries({t: st.none() | st.integers(0, 4) for t in BED_TYPES})
staff = st.fixed_dictionaries({p: st.integers(0, 6) for p in PROFESSIONS})
ventilators = st.none() | st.integers(0, 4)


def oracle(open_beds, ventilators, staff, ratios):
    """The lexicographically greatest staffed vector (highest acuity first) among every vector
    the staff can run: ICU types draw on ICU staff only, ward types on any staff."""
    caps = {t: open_beds[t] or 0 for t in BED_TYPES}
    if ventilators is not None:
        caps["icu_ventilated"] = min(caps["icu_ventilated"], ventilators)
    order = list(reversed(BED_TYPES))

    def demand(vector, attr, types):
        total = Fraction(0)
        for t in types:
            need = getattr(ratios.get(t, CareRatio()), attr)
            if need is not None:
                total += vector[t] * need
        return total

    best = None
    for counts in itertools.product(*(range(caps[t] + 1) for t in order)):
        vector = dict(zip(order, counts, strict=True))
        ok = (
            demand(vector, "doctors_per_bed", ICU_BED_TYPES) <= staff["icu_doctor"]
            and demand(vector, "nurses_per_bed", ICU_BED_TYPES) <= staff["icu_nurse"]
            and demand(vector, "doctors_per_bed", BED_TYPES)
            <= staff["icu_doctor"] + staff["doctor"]
            and demand(vector, "nurses_per_bed", BED_TYPES) <= staff["icu_nurse"] + staff["nurse"]
        )
        if ok and (best is None or counts > best):
            best = counts
    found = dict(zip(order, best, strict=True))
    return {t: None if open_beds[t] is None else found[t] for t in BED_TYPES}


def staffed(open_beds, ventilators, staff, ratios):
    rows = staffed_beds(open_beds=open_beds, ventilators=ventilators, staff=staff, ratios=ratios)
    return {row.bed_type: row.staffed for row in rows}


@given(open_beds, ventilators, staff, ratios)
def test_the_allocation_is_the_oracles(open_beds, ventilators, staff, ratios):
    assert staffed(open_beds, ventilators, staff, ratios) == oracle(
        open_beds, ventilators, staff, ratios
    )


@given(open_beds, ventilators, staff, ratios)
def test_staffed_never_exceeds_open_beds(open_beds, ventilators, staff, ratios):
    for bed_type, count in staffed(open_beds, ventilators, staff, ratios).items():
        assert (count is None) == (open_beds[bed_type] is None)
        if count is not None:
            assert 0 <= count <= open_beds[bed_type]


def _by_acuity_down(result):
    return tuple(result[t] or 0 for t in reversed(BED_TYPES))


@given(open_beds, ventilators, staff, ratios, st.sampled_from(PROFESSIONS), st.integers(1, 3))
def test_adding_staff_never_lowers_it(open_beds, ventilators, staff, ratios, profession, more):
    # Served from the highest acuity down, one more nurse may take an ICU bed from the nurses
    # that staffed general beds; the staffed beds read from the highest acuity down never fall.
    before = staffed(open_beds, ventilators, staff, ratios)
    after = staffed(open_beds, ventilators, {**staff, profession: staff[profession] + more}, ratios)
    assert _by_acuity_down(after) >= _by_acuity_down(before)
    assert (after["icu_ventilated"] or 0) >= (before["icu_ventilated"] or 0)


@given(open_beds, ventilators, staff, ratios, st.integers(1, 5), st.integers(1, 5))
def test_ward_staff_never_raise_icu_beds(open_beds, ventilators, staff, ratios, doctors, nurses):
    before = staffed(open_beds, ventilators, staff, ratios)
    more = {**staff, "doctor": staff["doctor"] + doctors, "nurse": staff["nurse"] + nurses}
    after = staffed(open_beds, ventilators, more, ratios)
    for bed_type in ICU_BED_TYPES:
        assert after[bed_type] == before[bed_type]


CHINA_ICU = CareRatio(Fraction(4, 5), Fraction(3))


def test_icu_staff_fill_icu_first_then_the_wards():
    rows = staffed_beds(
        open_beds={"general": 50, "oxygen": 10, "icu": 10, "icu_ventilated": 4},
        ventilators=3,
        staff={"icu_doctor": 8, "icu_nurse": 20, "doctor": 2, "nurse": 4},
        ratios={
            "icu": CHINA_ICU,
            "icu_ventilated": CHINA_ICU,
            "oxygen": CareRatio(Fraction(1, 5), Fraction(2, 5)),
        },
    )
    by_type = {r.bed_type: r for r in rows}
    # 3 ventilated beds (the ventilators bind) use 2.4 ICU doctors and 9 ICU nurses; the 11 ICU
    # nurses left cover 3 ICU beds (nurses bind), using 2.4 ICU doctors and 9 ICU nurses more.
    assert (by_type["icu_ventilated"].staffed, by_type["icu_ventilated"].binding) == (
        3,
        VENTILATORS,
    )
    assert (by_type["icu"].staffed, by_type["icu"].binding) == (3, NURSES)
    # Left: 8 - 4.8 = 3.2 ICU doctors + 2 doctors; 20 - 18 = 2 ICU nurses + 4 nurses = 6 nurses,
    # covering 15 oxygen beds by nurses, capped by the 10 open.
    assert (by_type["oxygen"].staffed, by_type["oxygen"].binding) == (10, OPEN_BEDS)
    # General has no ratio: the figure rests on beds alone.
    assert (by_type["general"].staffed, by_type["general"].binding) == (50, OPEN_BEDS)
    assert by_type["general"].beds_alone and not by_type["icu"].beds_alone


def test_doctors_can_bind_and_unknown_open_beds_are_unknown():
    rows = staffed_beds(
        open_beds={"icu": 10, "general": None},
        ventilators=None,
        staff={"icu_doctor": 4, "icu_nurse": 60},
        ratios={"icu": CHINA_ICU},
    )
    by_type = {r.bed_type: r for r in rows}
    assert (by_type["icu"].staffed, by_type["icu"].binding) == (5, DOCTORS)
    assert (by_type["general"].staffed, by_type["general"].binding) == (None, UNKNOWN_OPEN_BEDS)


def test_an_on_duty_ratio_is_not_applied_to_headcounts():
    rows = staffed_beds(
        open_beds={"icu": 10},
        ventilators=None,
        staff={"icu_nurse": 1},
        ratios={"icu": CareRatio(None, Fraction(1, 2), counts="on_duty")},
    )
    icu = next(r for r in rows if r.bed_type == "icu")
    assert (icu.staffed, icu.binding, icu.beds_alone) == (10, OPEN_BEDS, True)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"staff": {"surgeon": 1}}, "staff: unknown key 'surgeon'"),
        ({"open_beds": {"hdu": 1}}, "open_beds: unknown key 'hdu'"),
        ({"staff": {"nurse": -1}}, "staff['nurse'] must not be negative"),
    ],
)
def test_bad_input_is_refused_by_name(kwargs, message):
    arguments = {"open_beds": {}, "ventilators": None, "staff": {}, "ratios": {}, **kwargs}
    with pytest.raises(ValueError, match=message.replace("[", r"\[")):
        staffed_beds(**arguments)


def test_a_ratio_must_be_positive():
    with pytest.raises(ValueError, match="nurses_per_bed must be positive"):
        CareRatio(None, Fraction(0))
