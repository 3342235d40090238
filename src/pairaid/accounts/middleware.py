"""Send users who need a second factor to enrol or verify before anything else."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from pairaid.accounts import second_factor

OPEN_PATHS = (
    "/accounts/2fa/",
    "/accounts/logout/",
    "/accounts/login/",
    "/static/",
    "/healthz",
    "/i18n/",
    "/api/",  # answered 401 there instead of a redirect (pairaid.api.SessionAuth)
)


class SecondFactorMiddleware:
    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if (
            user.is_authenticated
            and not request.path.startswith(OPEN_PATHS)
            and second_factor.owed(user)
        ):
            target = (
                "second_factor_verify"
                if second_factor.confirmed_device(user)
                else "second_factor_enrol"
            )
            return redirect(f"{_url(target)}?next={request.get_full_path()}")
        response: HttpResponse = self.get_response(request)
        return response


def _url(name: str) -> str:
    from django.urls import reverse

    return reverse(name)
