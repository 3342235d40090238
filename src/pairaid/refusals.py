"""What a refusal says, in the domain's words and the user's language, written once for the
services, the forms and the API: "must be more than 0", not "must be > 0, got 0"; "must be 0 or
more", not "expected a whole number, got '-100'" (issue 18, item 5)."""

from typing import Any

from django.utils.translation import gettext, gettext_lazy

from pairaid.labels import local_name

MORE_THAN_ZERO = gettext_lazy("must be more than 0")
ZERO_OR_MORE = gettext_lazy("must be 0 or more")
# A form field's bounds, with Django's `limit_value` (the column's range or its validators').
AT_LEAST = gettext_lazy("must be %(limit_value)s or more")
AT_MOST = gettext_lazy("must be %(limit_value)s or less")


def whole(resource: Any, quantity: Any) -> str | None:
    """Why a quantity of a resource counted whole (people, masks) is refused, or None: 1.5 masks
    are no quantity. The catalogue says which resources are counted whole
    (`ResourceType.is_integral`)."""
    if not resource.is_integral or quantity == int(quantity):
        return None
    return gettext("must be a whole number: %(resource)s is counted in whole units") % {
        "resource": local_name(resource)
    }


def not_before(date: Any, earliest: Any, what: str) -> str | None:
    """Why a date before `earliest` (what it is, in words) is refused, or None."""
    if date is None or date >= earliest:
        return None
    return gettext("must not be before %(what)s (%(earliest)s)") % {
        "what": what,
        "earliest": earliest.isoformat(),
    }
