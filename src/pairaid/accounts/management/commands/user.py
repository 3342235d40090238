"""`pairaid user create|list|grant|revoke`: accounts and memberships, for administrators."""

import getpass
import sys
from typing import Any

from django.core.management.base import CommandError, CommandParser

from pairaid import commands
from pairaid.accounts import services as account_services
from pairaid.accounts.models import Membership, User
from pairaid.errors import NotFound, PairAidError, Problem, ValidationFailed
from pairaid.operations.models import Facility
from pairaid.programmes import services as programme_services
from pairaid.registry.models import Region


class Command(commands.Command):
    help = "Create and list accounts; grant and revoke programme roles."

    def add_arguments(self, parser: CommandParser) -> None:
        actions = parser.add_subparsers(dest="action", required=True)
        create = actions.add_parser("create", help="create an account (asks for the password)")
        create.add_argument("username")
        create.add_argument("--email", default="")
        create.add_argument("--admin", action="store_true", help="platform administrator")
        create.add_argument(
            "--password-stdin", action="store_true", help="read the password from stdin"
        )
        actions.add_parser("list", help="accounts with their roles")
        for name in ("grant", "revoke"):
            sub = actions.add_parser(name, help=f"{name} a role in a programme")
            sub.add_argument("username")
            sub.add_argument("programme")
            sub.add_argument("role", choices=[r.value for r in Membership.Role])
            sub.add_argument("--region", help="region code, for donor and recipient officers")
            sub.add_argument(
                "--facility",
                help="for facility officers: the facility's id, or its name (with --region "
                "where two recipients have a facility of that name)",
            )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            getattr(self, f"do_{options['action']}")(options)
        except ValidationFailed as failure:
            raise CommandError("; ".join(str(p) for p in failure.problems), returncode=2) from None
        except PairAidError as error:
            raise CommandError(str(error), returncode=1) from None

    def do_create(self, options: dict[str, Any]) -> None:
        if User.objects.filter(username=options["username"]).exists():
            raise CommandError(f"the username {options['username']!r} is taken", returncode=2)
        password = (
            sys.stdin.readline().rstrip("\n")
            if options["password_stdin"]
            else getpass.getpass("Password: ")
        )
        user = User(username=options["username"], email=options["email"])
        problems = account_services.password_problems(password, user)
        if problems:
            raise ValidationFailed(problems)
        user.set_password(password)
        user.is_platform_admin = user.is_staff = user.is_superuser = options["admin"]
        user.save()
        self.stdout.write(
            f"created {user.username}{' (platform administrator)' if options['admin'] else ''}"
        )

    def do_list(self, options: dict[str, Any]) -> None:
        for user in User.objects.order_by("username").prefetch_related(
            "memberships__programme", "memberships__region", "memberships__facility"
        ):
            roles = ", ".join(
                f"{m.role}@{m.programme.slug}"
                + (f":{_region_label(m.region)}" if m.region else "")
                + (f":{m.facility.name} (facility {m.facility.pk})" if m.facility else "")
                for m in user.memberships.all()
            )
            flags = " admin" if user.is_platform_admin else ""
            flags += " demo" if user.is_demo_account else ""
            flags += " inactive" if not user.is_active else ""
            self.stdout.write(f"{user.username:24}{flags:16} {roles or '-'}")

    def _target(self, options: dict[str, Any]) -> tuple[User, Any, Region | None]:
        user = User.objects.filter(username=options["username"]).first()
        if user is None:
            raise NotFound(f"no account {options['username']!r}")
        programme = programme_services.get_programme(slug=options["programme"])
        region = None
        if options["region"]:
            region = Region.objects.filter(code=options["region"]).first()
            if region is None:
                raise NotFound(f"no region with code {options['region']!r}")
        return user, programme, region

    def do_grant(self, options: dict[str, Any]) -> None:
        user, programme, region = self._target(options)
        account_services.grant(
            user=user,
            programme=programme,
            role=options["role"],
            region=region,
            facility=_facility(programme, options["facility"], region),
        )
        self.stdout.write(f"granted {options['role']} of {programme.slug} to {user.username}")

    def do_revoke(self, options: dict[str, Any]) -> None:
        user, programme, region = self._target(options)
        account_services.revoke(
            user=user,
            programme=programme,
            role=options["role"],
            region=region,
            facility=_facility(programme, options["facility"], region),
        )
        self.stdout.write(f"revoked {options['role']} of {programme.slug} from {user.username}")


def _region_label(region: Region) -> str:
    """A region as the list shows it: its name, and its code beside it where it has one."""
    return f"{region.name_en} ({region.code})" if region.code else region.name_en


def _facility(programme: Any, text: str | None, region: Region | None) -> Facility | None:
    """The facility `--facility` names in the programme: by id when all digits, else by name
    (within --region's recipient when given); a name two recipients share is refused."""
    if not text:
        return None
    if text.isdigit():
        return account_services.officer_facility(programme, int(text))
    found = Facility.objects.filter(programme=programme, name=text)
    if region is not None:
        found = found.filter(recipient__region=region)
    matches = list(found.select_related("recipient__region")[:2])
    if not matches:
        raise NotFound(f"no facility named {text!r} in {programme.slug}")
    if len(matches) > 1:
        raise ValidationFailed(
            [
                Problem(
                    f"two recipients have a facility named {text!r}: give --region or its id",
                    column="facility",
                )
            ]
        )
    return matches[0]
