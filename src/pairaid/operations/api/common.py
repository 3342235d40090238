"""What the operations endpoints share: participants and resource types named in a payload, the
pledge a donor fulfils, and the endpoints' published operation ids."""

from django.http import HttpRequest

from pairaid.accounts import permissions
from pairaid.accounts.permissions import Action
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


def operation_id(view: str) -> str:
    """The OpenAPI operation id an endpoint had when the API was one module (`operations/api.py`):
    clients generated from the schema keep their method names."""
    return f"pairaid_operations_api_{view}"
