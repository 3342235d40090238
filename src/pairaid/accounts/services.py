"""Use cases on accounts and memberships (permissions are decided in the workspace issue)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from pairaid.accounts.models import Membership, User
from pairaid.errors import Problem, ValidationFailed
from pairaid.programmes.models import Participant, Programme
from pairaid.registry.models import Region

OFFICER_PARTICIPANT_ROLE = {
    Membership.Role.DONOR_OFFICER: Participant.Role.DONOR,
    Membership.Role.RECIPIENT_OFFICER: Participant.Role.RECIPIENT,
}


@transaction.atomic
def grant(
    *, user: User, programme: Programme, role: str, region: Region | None = None
) -> Membership:
    """Give a user a role in a programme; officers act for one participant region of that role."""
    problems = []
    if role in OFFICER_PARTICIPANT_ROLE:
        participant_role = OFFICER_PARTICIPANT_ROLE[Membership.Role(role)]
        if region is None:
            problems.append(Problem(f"a {role} needs a region", column="region"))
        elif not Participant.objects.filter(
            programme=programme, region=region, role=participant_role
        ).exists():
            problems.append(
                Problem(
                    f"{region.name_en} is not a {participant_role} of {programme.slug}",
                    column="region",
                )
            )
    elif region is not None:
        problems.append(Problem(f"a {role} has no region", column="region"))
    if problems:
        raise ValidationFailed(problems)
    membership, _ = Membership.objects.get_or_create(
        user=user, programme=programme, role=role, region=region
    )
    return membership


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
)


@transaction.atomic
def ensure_demo_accounts() -> list[DemoAccount]:
    """Create (or reset) the demo accounts and memberships; running twice duplicates nothing."""
    if not settings.DEMO_MODE:
        raise ValidationFailed(
            [Problem("demo accounts exist only in demo mode (set PAIRAID_DEMO=1)")]
        )
    for account in DEMO_ACCOUNTS:
        user, _ = User.objects.get_or_create(username=account.username)
        user.is_demo_account = True
        user.is_platform_admin = account.role == ""
        user.is_staff = user.is_superuser = user.is_platform_admin
        user.set_password(account.password)
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
