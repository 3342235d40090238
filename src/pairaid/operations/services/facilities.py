"""Facilities of a recipient and their dated capacity snapshots. Each use case is one
transaction; history records who and when."""

import datetime
from collections.abc import Mapping

from django.db import transaction
from django.utils.translation import gettext

from pairaid import edits
from pairaid.engine.beds import BED_TYPES
from pairaid.engine.staffing import PROFESSIONS
from pairaid.errors import Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.operations.common import unknown_bed_type
from pairaid.operations.models import (
    Facility,
    FacilityBeds,
    FacilitySnapshot,
    FacilityStaff,
    SnapshotBeds,
)
from pairaid.programmes.models import Participant
from pairaid.validation import created


@transaction.atomic
def register_facility(
    *,
    recipient: Participant,
    name: str,
    kind: str = "hospital",
    beds: Mapping[str, int | None] | None = None,
    ventilators: int | None = None,
    staff: Mapping[str, int | None] | None = None,
) -> Facility:
    """Register a facility with its beds per bed type (a type absent or None: unknown) and its
    own staff per profession (`engine.staffing.PROFESSIONS`; absent or None: none known)."""
    _check_bed_types(beds or {}, column="beds")
    _check_professions(staff or {})
    if recipient.role != Participant.Role.RECIPIENT:
        raise ValidationFailed(
            [
                Problem(
                    gettext("%(recipient)s is not a recipient")
                    % {"recipient": local_name(recipient.region)},
                    column="recipient",
                )
            ]
        )
    if Facility.objects.filter(recipient=recipient, name=name).exists():
        raise ValidationFailed(
            [
                Problem(
                    gettext("%(name)s is already registered in %(recipient)s")
                    % {"name": name, "recipient": local_name(recipient.region)},
                    column="name",
                )
            ]
        )
    facility = created(
        Facility,
        programme=recipient.programme,
        recipient=recipient,
        name=name,
        kind=kind,
        ventilators=ventilators,
    )
    _set_beds(facility, beds or {})
    _set_staff(facility, staff or {})
    return facility


@transaction.atomic
def edit_facility(
    *,
    facility: Facility,
    seen: int,
    name: str,
    kind: str,
    ventilators: int | None,
    beds: Mapping[str, int | None],
    staff: Mapping[str, int | None] | None = None,
) -> Facility:
    """Correct a facility's name, kind, ventilators, beds or own staff (the bed types and
    professions given; None clears one), made from version `seen` (edits.save_edit)."""
    _check_bed_types(beds, column="beds")
    _check_professions(staff or {})

    def set_counts(current: Facility) -> None:
        _set_beds(current, beds)
        _set_staff(current, staff or {})

    return edits.save_edit(
        facility,
        seen=seen,
        changes={"name": name, "kind": kind, "ventilators": ventilators},
        also=set_counts,
    )


def _check_professions(staff: Mapping[str, int | None]) -> None:
    problems = [
        Problem(
            gettext("unknown profession %(name)s (expected one of %(professions)s)")
            % {"name": repr(name), "professions": ", ".join(PROFESSIONS)},
            column=f"staff.{name}",
        )
        for name in sorted(set(staff) - set(PROFESSIONS))
    ]
    problems += [
        Problem(gettext("must be 0 or more"), column=f"staff.{name}")
        for name, count in sorted(staff.items())
        if count is not None and count < 0
    ]
    if problems:
        raise ValidationFailed(problems)


def _set_staff(facility: Facility, staff: Mapping[str, int | None]) -> None:
    """One row of own staff per profession given; None removes the profession's row."""
    for profession, count in staff.items():
        if count is None:
            FacilityStaff.objects.filter(facility=facility, profession=profession).delete()
        else:
            FacilityStaff.objects.update_or_create(
                facility=facility, profession=profession, defaults={"count": count}
            )


def _check_bed_types(figures: Mapping[str, object], *, column: str) -> None:
    unknown = sorted(set(figures) - set(BED_TYPES))
    if unknown:
        raise ValidationFailed([unknown_bed_type(name, f"{column}.{name}") for name in unknown])


def _set_beds(facility: Facility, beds: Mapping[str, int | None]) -> None:
    """One capacity row per bed type given; None removes the type's row (unknown again)."""
    for bed_type, count in beds.items():
        if count is None:
            FacilityBeds.objects.filter(facility=facility, bed_type=bed_type).delete()
        else:
            FacilityBeds.objects.update_or_create(
                facility=facility, bed_type=bed_type, defaults={"beds": count}
            )


# A report's plausible years; also keeps a time zone's offset from overflowing datetime's range.
REPORTED_YEARS = (1900, 2999)
Figures = Mapping[str, Mapping[str, int | None]]  # bed type -> {"open": n, "occupied": n}


@transaction.atomic
def record_snapshot(
    *,
    facility: Facility,
    beds: Figures,
    reported_at: datetime.datetime | None = None,
) -> FacilitySnapshot:
    """Record a facility's report of its open and occupied beds per bed type, at `reported_at`
    (the programme's present moment when absent). A second report on the same programme-time
    day replaces the first, whole. Occupied beyond open is kept: a surge is a reported fact."""
    _check_bed_types(beds, column="beds")
    programme = facility.programme
    at = reported_at or programme.now()
    if not REPORTED_YEARS[0] <= at.year <= REPORTED_YEARS[1]:  # before any zone arithmetic
        raise ValidationFailed(
            [
                Problem(
                    gettext("must be a time between the years %(first)s and %(last)s")
                    % {"first": REPORTED_YEARS[0], "last": REPORTED_YEARS[1]},
                    column="reported_at",
                )
            ]
        )
    if at.tzinfo is None:
        at = at.replace(tzinfo=programme.zone())  # a naive time is programme time
    snapshot, _ = FacilitySnapshot.objects.update_or_create(
        facility=facility,
        date=at.astimezone(programme.zone()).date(),
        defaults={"reported_at": at},
    )
    snapshot.beds.all().delete()
    SnapshotBeds.objects.bulk_create(
        SnapshotBeds(
            snapshot=snapshot,
            bed_type=bed_type,
            open=figures.get("open"),
            occupied=figures.get("occupied"),
        )
        for bed_type, figures in beds.items()
        if figures.get("open") is not None or figures.get("occupied") is not None
    )
    return snapshot
