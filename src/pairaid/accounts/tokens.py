"""API tokens: created by their owner only; revoked by the owner, a coordinator of a programme
the owner belongs to, or a platform administrator (DESIGN.md §7)."""

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from pairaid.accounts.models import ApiToken, Membership, User
from pairaid.errors import NotFound

PREFIX = "pa_"
# A token's last use is recorded at most this often: a polling client need not write on every
# request.
LAST_USED_EVERY_SECONDS = 60


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create(*, owner: User, name: str) -> tuple[ApiToken, str]:
    """A new token for the owner; returns the key, which is never stored or shown again."""
    key = PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=owner, name=name.strip() or "token", prefix=key[:10], key_hash=_hash(key)
    )
    return token, key


def authenticate(key: str) -> User | None:
    """The active user behind an unrevoked token, or None; read afresh on every API request, so a
    revoked token or a deactivated user is refused at once by every process."""
    token = (
        ApiToken.objects.select_related("user")
        .filter(key_hash=_hash(key), revoked_at__isnull=True)
        .first()
    )
    if token is None or not token.user.may_sign_in:
        return None
    now = timezone.now()
    last_used = token.last_used_at
    if last_used is None or (now - last_used).total_seconds() > LAST_USED_EVERY_SECONDS:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def may_revoke(actor: Any, token: ApiToken) -> bool:
    if (
        actor.pk == token.user_id
        or getattr(actor, "is_platform_admin", False)
        or actor.is_superuser
    ):
        return True
    owner_programmes = Membership.objects.filter(user_id=token.user_id).values("programme_id")
    return Membership.objects.filter(
        user=actor, role=Membership.Role.COORDINATOR, programme_id__in=owner_programmes
    ).exists()


def visible_to(actor: Any) -> Any:
    """Tokens an actor may list: their own; administrators see all."""
    tokens = ApiToken.objects.select_related("user")
    if getattr(actor, "is_platform_admin", False) or actor.is_superuser:
        return tokens
    return tokens.filter(user=actor)


@transaction.atomic
def revoke(*, actor: Any, token_id: int) -> ApiToken:
    token = ApiToken.objects.select_for_update().filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"no token {token_id}")
    if not may_revoke(actor, token):
        raise NotFound(f"no token {token_id}")  # a token one may not revoke stays invisible
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = actor
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token
