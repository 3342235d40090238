"""The interface language, remembered per user: chosen with the switch, applied at every login."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.views.i18n import set_language as django_set_language


def set_language(request: HttpRequest) -> HttpResponse:
    """Django's language switch, also stored on the account so it follows the user."""
    response = django_set_language(request)
    language = request.POST.get("language", "")
    supported = {code for code, _ in settings.LANGUAGES}
    if request.method == "POST" and language in supported and request.user.is_authenticated:
        request.user.language = language
        request.user.save(update_fields=["language"])
    return response


class UserLanguageMiddleware:
    """Use the account's language where the browser has not chosen one in this session."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        chosen = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        cookie = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen and cookie != chosen:
            translation.activate(chosen)
            request.LANGUAGE_CODE = chosen
        response: HttpResponse = self.get_response(request)
        if chosen and cookie != chosen:
            response.set_cookie(settings.LANGUAGE_COOKIE_NAME, chosen, samesite="Lax")
        return response
