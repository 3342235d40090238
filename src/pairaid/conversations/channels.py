"""The channels a notification reaches people through beside the inbox. Each is a name, the
address a user has on it, and how a delivery is sent; the outbox writes one delivery per channel
a recipient can be reached on. SMS or WeChat join by adding an entry here: the events, their
routes and the outbox do not change."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pairaid.conversations import mail
from pairaid.conversations.models import Delivery


@dataclass(frozen=True)
class Channel:
    name: str
    # The user's address on this channel; "" when they cannot be reached on it.
    address: Callable[[Any], str]
    # Send one delivery and those it carries (a merged burst, a digest) as one message; raises
    # on failure (the outbox records the error and retries).
    send: Callable[[Delivery, list[Delivery]], None]


EMAIL = Channel(name="email", address=lambda user: (user.email or "").strip(), send=mail.send)

CHANNELS: dict[str, Channel] = {channel.name: channel for channel in [EMAIL]}
