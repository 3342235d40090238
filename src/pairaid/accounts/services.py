"""Use cases on accounts and memberships (permissions are decided in the workspace issue)."""

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from pairaid.accounts.models import Membership, User
from pairaid.errors import NotFound, Problem, ValidationFailed
from pairaid.operations.models import Facility
from pairaid.programmes.models import Participant, Programme
from pairaid.registry import queries as region_queries
from pairaid.registry.models import Region

OFFICER_PARTICIPANT_ROLE = Membership.OFFICER_PARTICIPANT_ROLE


@transaction.atomic
def grant(
    *,
    user: User,
    programme: Programme,
    role: str,
    region: Region | None = None,
    facility: Facility | None = None,
) -> Membership:
    """Give a user a role in a programme; officers act for one participant region of that role,
    a facility officer for one facility of the programme (its region is the facility's)."""
    if role == Membership.Role.FACILITY_OFFICER:
        region = _facility_region(programme, facility, region)
    else:
        _check_region(programme, role, region)
        if facility is not None:
            raise ValidationFailed(
                [Problem(gettext("a %(role)s has no facility") % {"role": role}, column="facility")]
            )
    membership, _ = Membership.objects.get_or_create(
        user=user, programme=programme, role=role, region=region, facility=facility
    )
    return membership


def _check_region(programme: Programme, role: str, region: Region | None) -> None:
    """An officer's region is a participant of its role; other roles have none."""
    problems = []
    if role in OFFICER_PARTICIPANT_ROLE:
        participant_role = OFFICER_PARTICIPANT_ROLE[Membership.Role(role)]
        if region is None:
            problems.append(
                Problem(gettext("a %(role)s needs a region") % {"role": role}, column="region")
            )
        elif not Participant.objects.filter(
            programme=programme, region=region, role=participant_role
        ).exists():
            problems.append(
                Problem(
                    gettext("%(name)s is not a %(participant_role)s of %(slug)s")
                    % {
                        "name": region.name_en,
                        "participant_role": participant_role,
                        "slug": programme.slug,
                    },
                    column="region",
                )
            )
    elif region is not None:
        problems.append(
            Problem(gettext("a %(role)s has no region") % {"role": role}, column="region")
        )
    if problems:
        raise ValidationFailed(problems)


def _facility_region(
    programme: Programme, facility: Facility | None, region: Region | None
) -> Region:
    """A facility officer's region: its facility's recipient's (a region given must agree)."""
    if facility is None or facility.programme_id != programme.pk:
        message = (
            gettext("a facility officer needs a facility")
            if facility is None
            else gettext("%(name)s is not a facility of %(slug)s")
            % {"name": facility.name, "slug": programme.slug}
        )
        raise ValidationFailed([Problem(message, column="facility")])
    facility_region = facility.recipient.region
    if region is not None and region != facility_region:
        raise ValidationFailed(
            [
                Problem(
                    gettext("%(facility)s lies in %(region)s, not in %(given)s")
                    % {
                        "facility": facility.name,
                        "region": facility_region.name_en,
                        "given": region.name_en,
                    },
                    column="region",
                )
            ]
        )
    return facility_region


def officer_facility(programme: Programme, facility_id: int | None) -> Facility | None:
    """The facility a new account's facility officer reports for, by id (none for other
    roles); an id that names no facility of the programme is bad input, naming the field."""
    if facility_id is None:
        return None
    found = (
        Facility.objects.filter(programme=programme, pk=facility_id)
        .select_related("recipient__region")
        .first()
    )
    if found is None:
        raise ValidationFailed(
            [
                Problem(
                    gettext("no facility %(id)s in %(slug)s")
                    % {"id": facility_id, "slug": programme.slug},
                    column="facility",
                )
            ]
        )
    return found


@dataclass(frozen=True)
class DemoAccount:
    username: str
    password: str
    description: str
    programme: str = ""
    role: str = ""
    region_code: str = ""


# Fixed and documented (README, docs/demo.md); the server refuses them outside demo mode.
DEMO_ACCOUNTS = (
    DemoAccount("admin", "pairaid-admin-demo", "platform administrator (Django admin)"),
    DemoAccount(
        "coordinator",
        "pairaid-coordinator-demo",
        "coordinator of hubei-2020",
        "hubei-2020",
        Membership.Role.COORDINATOR,
    ),
    DemoAccount(
        "shandong",
        "pairaid-shandong-demo",
        "donor officer of Shandong in hubei-2020",
        "hubei-2020",
        Membership.Role.DONOR_OFFICER,
        "370000",
    ),
    DemoAccount(
        "huanggang",
        "pairaid-huanggang-demo",
        "recipient officer of Huanggang in hubei-2020",
        "hubei-2020",
        Membership.Role.RECIPIENT_OFFICER,
        "421100",
    ),
    DemoAccount(
        "wenchuan",
        "pairaid-wenchuan-demo",
        "coordinator of wenchuan-2008 (its illustrative projects on the 3W map)",
        "wenchuan-2008",
        Membership.Role.COORDINATOR,
    ),
)


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """Create (or reset) the demo accounts and memberships of the programmes loaded; running
    twice duplicates nothing."""
    if not settings.DEMO_MODE:
        raise ValidationFailed(
            [Problem(gettext("demo accounts exist only in demo mode (set PAIRAID_DEMO=1)"))]
        )
    loaded = set(Programme.objects.values_list("slug", flat=True))
    for account in DEMO_ACCOUNTS:
        if account.programme and account.programme not in loaded:
            continue  # `demo setup` loads every programme first; a partial database skips it
        user, _ = User.objects.get_or_create(username=account.username)
        user.is_demo_account = True
        user.is_platform_admin = account.role == ""
        user.is_staff = user.is_superuser = user.is_platform_admin
        user.set_password(account.password)
        # An address of its own, so the demo's notification mail is written (to the console or
        # a local mail catcher); `.localhost` is reserved (RFC 6761) and never leaves the host.
        user.email = user.email or f"{account.username}@demo.pairaid.localhost"
        user.save()
        if account.programme:
            programme = Programme.objects.get(slug=account.programme)
            region = (
                Region.objects.get(country="CN", code=account.region_code)
                if account.region_code
                else None
            )
            grant(user=user, programme=programme, role=account.role, region=region)
    return list(DEMO_ACCOUNTS)


def _is_admin(actor: Any) -> bool:
    return bool(getattr(actor, "is_platform_admin", False) or getattr(actor, "is_superuser", False))


def coordinated(actor: Any) -> set[int]:
    """Ids of the programmes the actor coordinates."""
    return set(
        Membership.objects.filter(user=actor, role=Membership.Role.COORDINATOR).values_list(
            "programme_id", flat=True
        )
    )


def may_manage_account(actor: Any, target: User) -> bool:
    """Administrators manage every account; a coordinator only the accounts of officers and
    observers whose memberships all lie in programmes they coordinate — never a coordinator's
    or an administrator's (DESIGN.md §7)."""
    if _is_admin(actor):
        return True
    if _is_admin(target):
        return False
    memberships = Membership.objects.filter(user=target)
    if memberships.filter(role=Membership.Role.COORDINATOR).exists():
        return False
    mine = coordinated(actor)
    theirs = set(memberships.values_list("programme_id", flat=True))
    return bool(mine) and bool(theirs) and theirs <= mine


@transaction.atomic
def create_account(
    *,
    actor: Any,
    programme: Programme,
    username: str,
    email: str,
    role: str,
    region: Region | None,
    password: str,
    facility: Facility | None = None,
) -> User:
    """A coordinator (or administrator) creates an officer or observer account in a programme."""
    problems = []
    if role == Membership.Role.COORDINATOR and not _is_admin(actor):
        problems.append(
            Problem(gettext("only an administrator creates coordinator accounts"), column="role")
        )
    if User.objects.filter(username=username).exists():
        problems.append(
            Problem(
                gettext("the username %(username)s is taken") % {"username": repr(username)},
                column="username",
            )
        )
    problems += password_problems(password, User(username=username, email=email))
    if problems:
        raise ValidationFailed(problems)
    user = User.objects.create_user(username=username, email=email, password=password)
    grant(user=user, programme=programme, role=role, region=region, facility=facility)
    return user


def officer_region(text: str) -> Region | None:
    """The region a new account's officer acts for, named by reference (none for coordinators
    and observers); a reference that names no region is bad input, naming the field."""
    if not text.strip():
        return None
    try:
        return region_queries.region(text, field="region")
    except NotFound as missing:
        raise ValidationFailed([Problem(str(missing), column="region")]) from missing


def password_problems(password: str, user: User) -> list[Problem]:
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    try:
        validate_password(password, user)
    except ValidationError as error:
        return [Problem(message, column="password") for message in error.messages]
    return []


@transaction.atomic
def reset_password(*, actor: Any, target: User, password: str) -> None:
    from pairaid.errors import Forbidden

    if not may_manage_account(actor, target):
        raise Forbidden(
            gettext("you may not reset %(target)s's password; an administrator can")
            % {"target": target.username}
        )
    problems = password_problems(password, target)
    if problems:
        raise ValidationFailed(problems)
    target.set_password(password)
    target.save(update_fields=["password"])
    end_sessions_and_tokens(target, actor=actor)


def end_sessions_and_tokens(user: User, *, actor: Any) -> None:
    """After a password reset: whoever held the old password is out everywhere. Every token the
    account owns is revoked here; every session ends by itself, since Django checks a session's
    hash of the password on each request (django.contrib.auth.get_user) and the hash changed."""
    user.api_tokens.filter(revoked_at__isnull=True).update(
        revoked_at=timezone.now(), revoked_by=actor if getattr(actor, "pk", None) else None
    )


@transaction.atomic
def revoke(
    *,
    user: User,
    programme: Programme,
    role: str,
    region: Region | None = None,
    facility: Facility | None = None,
) -> int:
    memberships = Membership.objects.filter(user=user, programme=programme, role=role)
    if facility is not None:  # a facility officer is named by its facility alone
        memberships = memberships.filter(facility=facility)
    else:
        memberships = memberships.filter(region=region, facility=None)
    deleted, _ = memberships.delete()
    if not deleted:
        raise ValidationFailed(
            [
                Problem(
                    gettext("%(user)s has no %(role)s role in %(slug)s")
                    % {"user": user.username, "role": role, "slug": programme.slug}
                )
            ]
        )
    return deleted
