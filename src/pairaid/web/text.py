"""Text a database can store: PostgreSQL refuses the NUL character in text, and no UTF-8 encoding
exists for a lone surrogate (which a JSON escape such as \\ud800 can produce). Such text is
refused where it enters, as bad input, in the path, the query and the body alike."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse


def storable(text: str) -> bool:
    if "\x00" in text:
        return False
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def unstorable_part(data: Any, where: str) -> str | None:
    """Where in a decoded JSON value (or a string) unstorable text is, e.g. `body.lines.0.note`;
    None if nowhere."""
    if isinstance(data, str):
        return None if storable(data) else where
    if isinstance(data, dict):
        for key, value in data.items():
            found = unstorable_part(key, where) or unstorable_part(value, f"{where}.{key}")
            if found:
                return found
    if isinstance(data, list):
        for index, value in enumerate(data):
            found = unstorable_part(value, f"{where}.{index}")
            if found:
                return found
    return None


MESSAGE = "text with a NUL character or a lone surrogate cannot be stored"


class UnstorableTextMiddleware:
    """400 for a request whose path or query holds unstorable text, before any view runs."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        where = self._unstorable(request)
        if where is None:
            response: HttpResponse = self.get_response(request)
            return response
        detail = f"{where}: {MESSAGE}"
        if request.path_info.startswith("/api/"):
            return JsonResponse({"detail": [detail]}, status=400)
        return HttpResponse(detail, status=400, content_type="text/plain; charset=utf-8")

    @staticmethod
    def _unstorable(request: HttpRequest) -> str | None:
        if not storable(request.path_info):
            return "path"
        for key, values in request.GET.lists():
            if not storable(key) or not all(storable(value) for value in values):
                return f"query.{key}" if storable(key) else "query"
        return None
