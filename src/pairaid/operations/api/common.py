"""What the operations endpoints share: participants and resource types named in a payload, the
pledge a donor fulfils, rows read a page at a time, and the endpoints' published operation ids."""

from collections.abc import Callable
from typing import Any

from django.db.models import QuerySet
from django.http import HttpRequest

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
from pairaid.engine.beds import BED_TYPES
from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.operations.models import Pledge
from pairaid.programmes import queries as participant_queries
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import ResourceType


def participant(programme: Programme, reference: str, role: str) -> Participant:
    """The programme's participant of a role named in a payload by its region's reference (the
    payload's field is named after the role)."""
    return participant_queries.participant(programme, reference, role=role, field=role)


def resource(code: str) -> ResourceType:
    """The resource type named in a payload by its code."""
    found = ResourceType.objects.filter(code=code).first()
    if found is None:
        raise ValidationFailed([Problem(f"unknown resource type {code!r}", column="resource_type")])
    return found


def donors_pledge(request: HttpRequest, programme: Programme, pledge_id: int) -> Pledge:
    """A pledge of the programme that the user may fulfil for its donor."""
    found = (
        Pledge.objects.filter(pk=pledge_id, line__request__programme=programme)
        .select_related("donor")
        .first()
    )
    if found is None:
        raise NotFound(f"no pledge {pledge_id} in {programme.slug}")
    permissions.check(request.user, Action.PLEDGE, programme, found.donor.region_id)
    return found


class Rows:
    """A queryset as `Pages` reads it, each row turned into its API dict only once it is on the
    page asked for (the paginator counts through `.all().count()` and slices)."""

    def __init__(self, rows: QuerySet[Any], out: Callable[[Any], dict[str, Any]]) -> None:
        self.rows = rows
        self.out = out

    def all(self) -> "Rows":
        return self

    def count(self) -> int:
        return self.rows.count()

    def __getitem__(self, page: slice) -> list[dict[str, Any]]:
        return [self.out(row) for row in self.rows[page]]


# The operations lists' page size, as the other lists'.
PAGE_SIZE = 50


def operation_id(view: str) -> str:
    """The OpenAPI operation id an endpoint had when the API was one module (`operations/api.py`):
    clients generated from the schema keep their method names."""
    return f"pairaid_operations_api_{view}"


def known_bed_types(figures: dict[str, Any]) -> dict[str, Any]:
    """A payload's figures keyed by bed type, as they are; ValueError (a 422 naming the field)
    for a key that is not a bed type (engine.beds.BED_TYPES)."""
    unknown = sorted(set(figures) - set(BED_TYPES))
    if unknown:
        raise ValueError(f"unknown bed type {unknown[0]!r}; expected one of {', '.join(BED_TYPES)}")
    return figures
