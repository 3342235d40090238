"""The programme's push deliveries as their lists (the page's, the API's) read them."""

from django.db.models import QuerySet

from pairaid.operations.models import PushDelivery
from pairaid.programmes.models import Programme


def deliveries(programme: Programme) -> QuerySet[PushDelivery]:
    """The programme's push deliveries, latest first, with what their rows show."""
    return (
        PushDelivery.objects.filter(programme=programme)
        .select_related(
            "programme",
            "donor__region__parent",
            "recipient__region__parent",
            "resource_type",
            "redirected_from",
            "redirected_to",
        )
        .prefetch_related("events__by")
        .order_by("-number")
    )
