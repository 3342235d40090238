"""API responses computed for a whole programme and cached as rendered bodies under the data
version (`pairaid.freshness`).

Only responses that every caller who may see the programme gets alike are kept this way: the
caller's token and memberships are checked on each request before the body is looked up, by the
endpoint's one permission path, and the key holds neither caller nor language. A write to the
programme's data changes the key, so a body is never stale.
"""

from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from pairaid import freshness


def cached_response(
    request: HttpRequest, kind: str, parts: tuple[object, ...], compute: Callable[[], Any]
) -> HttpResponse:
    """The body ninja would render for `compute()`'s data, from the cache when current.

    `parts` are everything the data depends on besides the data version (programme, query)."""
    key = freshness.cache_key(kind, *parts)
    body = cache.get(key) if key else None
    if body is None:
        body = _api().renderer.render(request, compute(), response_status=200).encode()
        if key:
            cache.set(key, body, timeout=freshness.ENTRY_SECONDS)
    return HttpResponse(body, content_type=_api().get_content_type())


def _api() -> NinjaAPI:
    from pairaid.api import api  # which mounts the routers that use this module

    return api
