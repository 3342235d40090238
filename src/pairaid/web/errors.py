"""Domain errors mapped to HTTP responses, in one place (STYLE.md), for pages and the API."""

from typing import Any

from django.db import IntegrityError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext

from pairaid.errors import (
    Conflict,
    Forbidden,
    NotFound,
    PairAidError,
    PreconditionRequired,
    Problem,
    ValidationFailed,
)
from pairaid.forms import place

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
    """The error as the API says it: each problem with its file, row and field path."""
    if isinstance(error, ValidationFailed):
        return [str(problem) for problem in error.problems]
    return [str(error)]


def said(problem: Problem) -> str:
    """A problem as a page says it to a person: where it is in words ("Line 1, Quantity"), never
    a field's internal name. A file's problem names its sheet, row and column, as the person
    typed them there."""
    if problem.file:
        return str(problem)
    where = problem.label or place(problem.column, {})
    return f"{where}: {problem.message}" if where else problem.message


def back_to(request: HttpRequest) -> str:
    """Where the error page's Back link goes: the page the refused form was on (this site's),
    else the user's programmes."""
    referer = request.META.get("HTTP_REFERER", "")
    if referer and url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return referer
    return reverse("home")


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
        problems = error.problems if isinstance(error, ValidationFailed) else []
        return render(
            request,
            "web/error.html",
            {
                "status": status,
                "problems": problems,
                "messages": [said(p) for p in problems] or messages_of(error),
                "back": back_to(request),
            },
            status=status,
        )
