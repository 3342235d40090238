"""`{% inbox_count %}`: the header's inbox link with the user's unread count, the fragment
htmx then refreshes (`views.inbox_count`)."""

from typing import Any

from django import template

from pairaid.conversations import queries
from pairaid.conversations.views import POLL_SECONDS

register = template.Library()


@register.inclusion_tag("conversations/_inbox_count.html", takes_context=True)
def inbox_count(context: dict[str, Any]) -> dict[str, Any]:
    user = context.get("user")
    return {
        "user": user,
        "unread": queries.unread_count(user),
        "poll_seconds": POLL_SECONDS,
    }
