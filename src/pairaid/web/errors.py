"""Domain errors mapped to HTTP responses, in one place (STYLE.md), for pages and the API."""

from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext

from pairaid.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PairAidError,
    PreconditionRequired,
    ValidationFailed,
)

STATUS = {
    NotFound: 404,
    Forbidden: 403,
    ValidationFailed: 400,
    Conflict: 409,
    PreconditionRequired: 428,
}


def as_domain_error(exception: Exception) -> PairAidError | None:
    """The domain error an exception stands for: a PairAid error itself; a constraint the
    database enforced (two people creating the same thing at once, one of them second) is a
    conflict with the current state, answered 409, not a server error."""
    if isinstance(exception, PairAidError):
        return exception
    if isinstance(exception, IntegrityError):
        return Conflict(
            gettext("someone changed the same record at the same moment; reload and try again")
        )
    return None


def status_of(error: PairAidError) -> int:
    for kind, status in STATUS.items():
        if isinstance(error, kind):
            return status
    return 400


def messages_of(error: PairAidError) -> list[str]:
    if isinstance(error, ValidationFailed):
        return [str(problem) for problem in error.problems]
    return [str(error)]


class DomainErrorMiddleware:
    """Render a PairAid error raised by a view as a page with the right status."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response: HttpResponse = self.get_response(request)
        return response

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        error = as_domain_error(exception)
        if error is None or request.path.startswith("/api/"):
            return None
        status = status_of(error)
        return render(
            request,
            "web/error.html",
            {"status": status, "messages": messages_of(error)},
            status=status,
        )
