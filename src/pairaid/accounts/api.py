"""API tokens: list your own, create (owner only), revoke (owner, coordinator, administrator);
a programme's members, the accounts coordinators create and the passwords they reset, and the
programme's change history — with the members page's permissions."""

import datetime
from typing import Annotated, Literal

from django.http import HttpRequest
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate
from pydantic import StrictInt

from pairaid import api_fields
from pairaid.accounts import history, permissions, tokens
from pairaid.accounts import queries as account_queries
from pairaid.accounts import services as account_services
from pairaid.accounts.models import ApiToken, Membership, User
from pairaid.accounts.permissions import Action
from pairaid.api_fields import Pages
from pairaid.errors import NotFound

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


class MemberOut(Schema):
    user: int
    username: str
    name: str
    role: str
    region: str | None = Field(description="the region an officer acts for, by reference")
    facility: int | None = Field(description="the facility a facility officer reports for, by id")
    email: str | None = Field(description="null unless the caller may see contact details")
    phone: str | None = Field(description="null unless the caller may see contact details")


class AccountIn(Schema):
    username: Annotated[str, api_fields.text(User, "username"), Field(min_length=1)]
    email: Annotated[str, api_fields.text(User, "email")] = ""
    # The roles the members page offers; coordinators are made by administrators in the admin.
    role: Literal["donor_officer", "recipient_officer", "facility_officer", "observer"]
    region: str = Field("", description="for officers: the region they act for, by reference")
    facility: Annotated[StrictInt, api_fields.identifier()] | None = Field(
        None, description="for facility officers: the facility whose beds they report, by id"
    )
    password: Annotated[str, Field(min_length=1, max_length=4096)]


class PasswordIn(Schema):
    password: Annotated[str, Field(min_length=1, max_length=4096)]


class HistoryEntryOut(Schema):
    when: datetime.datetime
    who: str
    what: str
    object: str
    change: str
    details: str


def _member_out(membership: Membership, details: bool) -> dict[str, object]:
    user = membership.user
    return {
        "user": user.pk,
        "username": user.username,
        "name": user.get_full_name() or user.username,
        "role": membership.role,
        "region": membership.region.reference if membership.region else None,
        "facility": membership.facility_id,
        "email": user.email if details else None,
        "phone": user.phone if details else None,
    }


@router.get(
    "/programmes/{slug}/members",
    response=list[MemberOut],
    summary="The programme's members (e-mail and phone for members with a role)",
    tags=["members"],
)
@paginate(Pages, page_size=50)
def list_members(request: HttpRequest, slug: str) -> list[dict[str, object]]:
    programme = permissions.programme_for(request.user, slug)
    details = permissions.can(request.user, Action.VIEW_CONTACTS, programme)
    return [_member_out(m, details) for m in account_queries.members(programme)]


@router.post(
    "/programmes/{slug}/members",
    response={201: MemberOut},
    summary="Create an officer's or observer's account in the programme (coordinators)",
    tags=["members"],
)
def create_account(request: HttpRequest, slug: str, payload: AccountIn) -> Status:
    programme = permissions.programme_for(request.user, slug, Action.MANAGE_ACCOUNTS)
    user = account_services.create_account(
        actor=request.user,
        programme=programme,
        username=payload.username,
        email=payload.email,
        role=payload.role,
        region=account_services.officer_region(payload.region),
        facility=account_services.officer_facility(programme, payload.facility),
        password=payload.password,
    )
    made = account_queries.members(programme).get(user=user)
    return Status(201, _member_out(made, details=True))


@router.post(
    "/programmes/{slug}/members/{user_id}/password",
    response={204: None},
    summary="Reset a member's password (coordinators, within their scope); ends their sessions "
    "and tokens",
    tags=["members"],
)
def reset_password(request: HttpRequest, slug: str, user_id: int, payload: PasswordIn) -> Status:
    programme = permissions.programme_for(request.user, slug, Action.MANAGE_ACCOUNTS)
    target = User.objects.filter(pk=user_id, memberships__programme=programme).first()
    if target is None:
        raise NotFound(f"no member {user_id} in {slug}")
    account_services.reset_password(actor=request.user, target=target, password=payload.password)
    return Status(204, None)


@router.get(
    "/programmes/{slug}/history",
    response=list[HistoryEntryOut],
    summary="The programme's change history, newest first (coordinators)",
    tags=["members"],
)
@paginate(Pages, page_size=50)
def change_history(request: HttpRequest, slug: str) -> list[history.Entry]:
    programme = permissions.programme_for(request.user, slug, Action.VIEW_HISTORY)
    return history.entries(programme, limit=None)
