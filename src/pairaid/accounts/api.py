"""API tokens: list your own, create (owner only), revoke (owner, coordinator, administrator)."""

import datetime
from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema, Status

from pairaid import api_fields
from pairaid.accounts import tokens
from pairaid.accounts.models import ApiToken

router = Router(tags=["tokens"])


class TokenOut(Schema):
    id: int
    name: str
    prefix: str
    username: str
    created_at: datetime.datetime
    last_used_at: datetime.datetime | None
    revoked_at: datetime.datetime | None


class TokenCreated(TokenOut):
    key: str


class TokenIn(Schema):
    name: Annotated[str, api_fields.text(ApiToken, "name")]


def _out(token: object, **extra: object) -> dict[str, object]:
    return {
        "id": token.pk,  # type: ignore[attr-defined]
        "name": token.name,  # type: ignore[attr-defined]
        "prefix": token.prefix,  # type: ignore[attr-defined]
        "username": token.user.username,  # type: ignore[attr-defined]
        "created_at": token.created_at,  # type: ignore[attr-defined]
        "last_used_at": token.last_used_at,  # type: ignore[attr-defined]
        "revoked_at": token.revoked_at,  # type: ignore[attr-defined]
        **extra,
    }


@router.get("/tokens", response=list[TokenOut], summary="Your tokens (administrators: all)")
def list_tokens(request: HttpRequest) -> list[dict[str, object]]:
    return [_out(t) for t in tokens.visible_to(request.user).order_by("-created_at")]


@router.post("/tokens", response={201: TokenCreated}, summary="Create a token for yourself")
def create_token(request: HttpRequest, payload: TokenIn) -> Status:
    token, key = tokens.create(owner=request.user, name=payload.name)  # type: ignore[arg-type]
    return Status(201, _out(token, key=key))


@router.delete("/tokens/{token_id}", response=TokenOut, summary="Revoke a token")
def revoke_token(request: HttpRequest, token_id: int) -> dict[str, object]:
    return _out(tokens.revoke(actor=request.user, token_id=token_id))
