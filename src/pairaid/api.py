"""The JSON API under /api/v1: typed, with OpenAPI docs; per-user tokens or the browser session;
the same permissions as the pages (DESIGN.md §7); domain errors mapped in one place.

Input is strict at the edge: a body is a JSON object sent as `application/json`, in UTF-8
without a byte-order mark, with no key twice, no NaN or infinity and no text a database cannot
store; each field holds what its column can (`api_fields`). Everything else is a 400 that names
the field, in the same `{"detail": [...]}` shape as every other refusal, which the schema
documents for every operation.
"""

import json
from typing import Any, NoReturn

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import HttpError
from ninja.errors import ValidationError as SchemaValidationError
from ninja.parser import Parser
from ninja.security import APIKeyCookie, HttpBearer

from pairaid import __version__
from pairaid.accounts import second_factor, tokens
from pairaid.api_versions import IF_MATCH
from pairaid.edits import EditConflict, etag
from pairaid.errors import PairAidError, Problem, ValidationFailed
from pairaid.web.errors import as_domain_error, messages_of, status_of
from pairaid.web.text import MESSAGE as UNSTORABLE
from pairaid.web.text import unstorable_part

JSON = "application/json"


def _refuse(message: str) -> NoReturn:
    raise ValidationFailed([Problem(message, column="body")])


def _no_repeated_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            _refuse(f"the key {key!r} appears twice")
        found[key] = value
    return found


def _no_constant(name: str) -> NoReturn:
    _refuse(f"{name} is not a number JSON allows")


class StrictJSON(Parser):
    """The request body as a JSON object, refused (400) unless it is one, written plainly."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        if request.content_type != JSON:
            _refuse(f"expected Content-Type {JSON}, got {request.content_type or 'none'!r}")
        try:
            text = request.body.decode("utf-8")
        except UnicodeDecodeError:
            _refuse("the body is not UTF-8")
        if text.startswith("\ufeff"):
            _refuse("the body starts with a byte-order mark")
        try:
            data = json.loads(
                text, object_pairs_hook=_no_repeated_keys, parse_constant=_no_constant
            )
        except json.JSONDecodeError as error:
            _refuse(f"not JSON: {error.msg} at line {error.lineno}, column {error.colno}")
        if not isinstance(data, dict):
            _refuse(f"expected a JSON object, got {type(data).__name__}")
        where = unstorable_part(data, "body")
        if where:
            raise ValidationFailed([Problem(UNSTORABLE, column=where)])
        return data


class TokenAuth(HttpBearer):
    """`Authorization: Bearer pa_…` with a token made on the account page or POST /tokens."""

    def authenticate(self, request: HttpRequest, token: str) -> Any:
        user = tokens.authenticate(token)
        if user is not None:
            request.user = user
        return user


class SessionAuth(APIKeyCookie):
    """The logged-in browser session (CSRF-checked for writes)."""

    param_name = "sessionid"

    def __call__(self, request: HttpRequest) -> Any:
        # No session, no CSRF question: a caller with neither token nor session is told to
        # authenticate (401), not that a CSRF check failed (403). A session that still owes its
        # second factor is no session here either: the second factor guards the API as it
        # guards the pages (SecondFactorMiddleware leaves /api/ to this check).
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or second_factor.owed(user):
            return None
        return super().__call__(request)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


class PairAidAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs: Any) -> Any:
        """The schema, with the refusals every operation may answer documented beside its
        successes (one error shape)."""
        schema = super().get_openapi_schema(**kwargs)
        schema["components"].setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        for operations in schema["paths"].values():
            for operation in operations.values():
                responses = operation.setdefault("responses", {})
                version_named = _names_a_version(operation)
                refusals = {**REFUSALS, **EDIT_REFUSALS} if version_named else REFUSALS
                for status, meaning in refusals.items():
                    responses.setdefault(
                        status,
                        {
                            "description": meaning,
                            "content": {JSON: {"schema": {"$ref": "#/components/schemas/Error"}}},
                        },
                    )
        return schema


def _names_a_version(operation: dict[str, Any]) -> bool:
    """Whether the operation acts on a version the caller read (an If-Match header)."""
    return any(
        parameter["in"] == "header" and parameter["name"] == IF_MATCH
        for parameter in operation.get("parameters", [])
    )


ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "array", "items": {"type": "string"}},
        "changes": {
            "description": "An edit's conflict (409): what changed since the version it named",
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "what": {"type": "string"},
                    "before": {"type": "string"},
                    "after": {"type": "string"},
                },
                "required": ["what", "before", "after"],
            },
        },
    },
    "required": ["detail"],
}
REFUSALS = {
    400: "Bad input: each problem names its field",
    401: "No valid token or session",
    403: "The caller may see this but not do it",
    404: "Not found, or not visible to the caller",
    409: "In conflict with the current state",
}
# What an operation made from a version the caller read (an edit or a deletion with If-Match,
# `pairaid.api_versions`) may also answer.
EDIT_REFUSALS = {
    409: "In conflict with the current state; a change made from a version the record has moved "
    "on from is told what changed (`changes`) and given the current ETag",
    428: "The change did not send If-Match with the ETag of the version it was made from",
}


api = PairAidAPI(
    title="PairAid API",
    version="1",
    description=(
        "Partner assistance programmes, regions, participants with needs and capacities, "
        "pairings, plan runs and published notices. Authenticate with a per-user token "
        f"(`Authorization: Bearer …`). PairAid {__version__}."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
    parser=StrictJSON(),
)


@api.exception_handler(PairAidError)
def domain_error(request: HttpRequest, error: PairAidError) -> HttpResponse:
    body: dict[str, Any] = {"detail": messages_of(error)}
    if isinstance(error, EditConflict):
        body["changes"] = [vars(change) for change in error.changes]
    response = api.create_response(request, body, status=status_of(error))
    if isinstance(error, EditConflict):
        response["ETag"] = etag(error.record)
    return response


@api.exception_handler(IntegrityError)
def database_conflict(request: HttpRequest, error: IntegrityError) -> HttpResponse:
    conflict = as_domain_error(error)
    assert conflict is not None
    return domain_error(request, conflict)


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    # ninja wraps what the body parser raises; the parser's own reason is the one to give.
    if isinstance(error.__cause__, PairAidError):
        return domain_error(request, error.__cause__)
    return api.create_response(request, {"detail": [str(error)]}, status=error.status_code)


@api.exception_handler(SchemaValidationError)
def schema_error(request: HttpRequest, error: SchemaValidationError) -> HttpResponse:
    """A field that does not fit its schema: 400, `where: what`, like every other refusal."""
    details = [
        f"{'.'.join(str(part) for part in problem['loc'])}: {problem['msg']}"
        for problem in error.errors
    ]
    return api.create_response(request, {"detail": details}, status=400)


def _routers() -> None:
    from pairaid.accounts.api import router as accounts_router
    from pairaid.assessment.api import router as assessment_router
    from pairaid.conversations.api import router as conversations_router
    from pairaid.dashboard.api import router as dashboard_router
    from pairaid.foresight.api import router as foresight_router
    from pairaid.foresight.rolling_api import router as rolling_router
    from pairaid.foresight.whatif_api import router as whatif_router
    from pairaid.operations.api import router as operations_router
    from pairaid.pairing.api import router as pairing_router
    from pairaid.pairing.phases_api import router as phases_router
    from pairaid.programmes.api import router as programmes_router
    from pairaid.projects.api import router as projects_router
    from pairaid.registry.api import router as registry_router
    from pairaid.situation.api import router as situation_router

    api.add_router("/", programmes_router)
    api.add_router("/", registry_router)
    api.add_router("/", pairing_router)
    api.add_router("/", phases_router)
    api.add_router("/", foresight_router)
    api.add_router("/", accounts_router)
    api.add_router("/", operations_router)
    api.add_router("/", dashboard_router)
    api.add_router("/", conversations_router)
    api.add_router("/", projects_router)
    api.add_router("/", assessment_router)
    api.add_router("/", whatif_router)
    api.add_router("/", situation_router)
    api.add_router("/", rolling_router)


_routers()
