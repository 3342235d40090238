"""The named test users, one per role (healthchecks style): for the `people` fixture, and for
a module fixture that builds on its module's shelf (tests/fuzz)."""

from typing import Any


def make_people(hubei: Any, wenchuan: Any) -> dict[str, Any]:
    """A user per role on hubei-2020; an outsider coordinates wenchuan-2008 only."""
    from pairaid.accounts import services as account_services
    from pairaid.accounts.models import User
    from pairaid.registry.models import Region

    def user(name: str, **flags: bool) -> User:
        return User.objects.create_user(name, f"{name}@example.org", "a-long-password-1", **flags)

    admin = user("alice_admin", is_platform_admin=True, is_staff=True, is_superuser=True)
    coordinator = user("carol_coordinator")
    account_services.grant(user=coordinator, programme=hubei, role="coordinator")
    donor = user("dan_shandong")
    account_services.grant(
        user=donor, programme=hubei, role="donor_officer", region=Region.objects.get(code="370000")
    )
    recipient = user("rita_huanggang")
    account_services.grant(
        user=recipient,
        programme=hubei,
        role="recipient_officer",
        region=Region.objects.get(code="421100"),
    )
    observer = user("olga_observer")
    account_services.grant(user=observer, programme=hubei, role="observer")
    outsider = user("oscar_wenchuan")
    account_services.grant(user=outsider, programme=wenchuan, role="coordinator")
    return {
        "admin": admin,
        "coordinator": coordinator,
        "donor": donor,
        "recipient": recipient,
        "observer": observer,
        "outsider": outsider,
        "anonymous": None,
    }
