"""Domain errors mapped to HTTP responses, in one place (STYLE.md), for pages and the API."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from pairaid.errors import Conflict, Forbidden, NotFound, PairAidError, ValidationFailed

STATUS = {NotFound: 404, Forbidden: 403, ValidationFailed: 400, Conflict: 409}


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
        if not isinstance(exception, PairAidError) or request.path.startswith("/api/"):
            return None
        status = status_of(exception)
        return render(
            request,
            "web/error.html",
            {"status": status, "messages": messages_of(exception)},
            status=status,
        )
