"""API tokens: created by their owner only; revoked by the owner, a coordinator of a programme
the owner belongs to, or a platform administrator (DESIGN.md §7)."""

import datetime
import hashlib
import secrets
from functools import lru_cache
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.utils import timezone

from pairaid import change_feed
from pairaid.accounts.models import ApiToken, Membership, User
from pairaid.errors import NotFound

PREFIX = "pa_"


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
    """The active user behind an active token, or None; one query, on every API request."""
    found = _token_and_user(_hash(key))
    if found is None:
        return None
    token_id, last_used_at, user = found
    if not user.is_active:
        return None
    now = timezone.now()
    if last_used_at is None or (now - last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token_id).update(last_used_at=now)
    return user


def _token_and_user(key_hash: str) -> tuple[int, datetime.datetime | None, User] | None:
    """The unrevoked token with this hash (id, last use) and its user; its row remembered until
    the database changes (`change_feed`).

    Written out once rather than built by the ORM per request: compiling the equivalent
    `select_related` query cost four times what the database takes to answer it. The values go
    through the backend's converters (SQLite stores booleans and datetimes differently).
    """
    sql, expressions, converters = _token_and_user_query()
    row = change_feed.remembered(("token", key_hash), lambda: _fetch_one(sql, key_hash))
    if row is None:
        return None
    compiler = ApiToken.objects.all().query.get_compiler(connection=connection)
    values = next(compiler.apply_converters([row], converters))
    user = User.from_db(
        connection.alias, [col.target.attname for col in expressions[2:]], values[2:]
    )
    return values[0], values[1], user


def _fetch_one(sql: str, key_hash: str) -> tuple[Any, ...] | None:
    with connection.cursor() as cursor:
        cursor.execute(sql, [key_hash])
        row: tuple[Any, ...] | None = cursor.fetchone()
    return row


@lru_cache(maxsize=1)
def _token_and_user_query() -> tuple[str, list[Any], dict[int, Any]]:
    """The query's SQL, its columns as expressions and their converters (built once)."""
    quote = connection.ops.quote_name
    token, user = ApiToken._meta, User._meta
    expressions = [
        token.get_field("id").get_col("t"),
        token.get_field("last_used_at").get_col("t"),
        *(field.get_col("u") for field in user.concrete_fields),
    ]
    columns = ", ".join(f"{col.alias}.{quote(col.target.column)}" for col in expressions)
    sql = (
        f"SELECT {columns} FROM {quote(token.db_table)} t "
        f"JOIN {quote(user.db_table)} u ON u.{quote(user.pk.column)} = "
        f"t.{quote(token.get_field('user').column)} "
        f"WHERE t.{quote(token.get_field('key_hash').column)} = %s "
        f"AND t.{quote(token.get_field('revoked_at').column)} IS NULL"
    )
    compiler = ApiToken.objects.all().query.get_compiler(connection=connections[DEFAULT_DB_ALIAS])
    return sql, expressions, compiler.get_converters(expressions)


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
