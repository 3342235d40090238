"""Facilities of a recipient and their dated capacity snapshots. Each use case is one
transaction; history records who and when."""

import datetime
from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from pairaid import edits
from pairaid.errors import Problem, ValidationFailed
from pairaid.labels import local_name
from pairaid.operations.models import Facility, FacilitySnapshot
from pairaid.programmes.models import Participant
from pairaid.validation import created


@transaction.atomic
def register_facility(
    *,
    recipient: Participant,
    name: str,
    kind: str = "hospital",
    beds: int | None = None,
    icu_beds: int | None = None,
) -> Facility:
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
    return created(
        Facility,
        programme=recipient.programme,
        recipient=recipient,
        name=name,
        kind=kind,
        beds=beds,
        icu_beds=icu_beds,
    )


def edit_facility(
    *,
    facility: Facility,
    seen: int,
    name: str,
    kind: str,
    beds: int | None,
    icu_beds: int | None,
) -> Facility:
    """Correct a facility's name, kind or beds, made from version `seen` (edits.save_edit)."""
    return edits.save_edit(
        facility,
        seen=seen,
        changes={"name": name, "kind": kind, "beds": beds, "icu_beds": icu_beds},
    )


@transaction.atomic
def record_snapshot(
    *, facility: Facility, on: datetime.date | None = None, **counts: int | None
) -> Any:
    allowed = {"beds_available", "beds_occupied", "icu_available", "icu_occupied"}
    unknown = set(counts) - allowed
    if unknown:
        raise ValidationFailed(
            [
                Problem(gettext("unknown count %(name)s") % {"name": repr(name)}, column=name)
                for name in sorted(unknown)
            ]
        )
    snapshot, _ = FacilitySnapshot.objects.update_or_create(
        facility=facility, date=on or facility.programme.current_date(), defaults=counts
    )
    return snapshot
