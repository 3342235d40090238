"""The JSON API under /api/v1: typed, with OpenAPI docs; per-user tokens or the browser session;
the same permissions as the pages (DESIGN.md §7); domain errors mapped in one place."""

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.security import APIKeyCookie, HttpBearer

from pairaid import __version__
from pairaid.accounts import tokens
from pairaid.errors import PairAidError
from pairaid.web.errors import messages_of, status_of


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

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


api = NinjaAPI(
    title="PairAid API",
    version="1",
    description=(
        "Partner assistance programmes, regions, participants with needs and capacities, "
        "pairings, plan runs and published notices. Authenticate with a per-user token "
        f"(`Authorization: Bearer …`). PairAid {__version__}."
    ),
    auth=[TokenAuth(), SessionAuth()],
    urls_namespace="api",
)


@api.exception_handler(PairAidError)
def domain_error(request: HttpRequest, error: PairAidError) -> HttpResponse:
    return api.create_response(request, {"detail": messages_of(error)}, status=status_of(error))


def _routers() -> None:
    from pairaid.accounts.api import router as accounts_router
    from pairaid.operations.api import router as operations_router
    from pairaid.pairing.api import router as pairing_router
    from pairaid.programmes.api import router as programmes_router
    from pairaid.registry.api import router as registry_router

    api.add_router("/", programmes_router)
    api.add_router("/", registry_router)
    api.add_router("/", pairing_router)
    api.add_router("/", accounts_router)
    api.add_router("/", operations_router)


_routers()
