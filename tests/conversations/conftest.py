"""The conversations tests' cast: the named users of `people` on hubei-2020 (Shandong's donor
officer, Huanggang's recipient officer, a coordinator, an observer, an outsider), and beside them
officers of a second pair of the same recipient (Hunan → Huanggang) and of an unrelated pair
(Jiangxi → Suizhou), who must be told what concerns them and nothing else."""

import pytest

from pairaid.accounts import services as account_services
from pairaid.accounts.models import User
from pairaid.programmes.models import Programme
from pairaid.registry.models import Region


@pytest.fixture
def cast(people):  # type: ignore[no-untyped-def]
    hubei = Programme.objects.get(slug="hubei-2020")

    def officer(name: str, role: str, code: str) -> User:
        user = User.objects.create_user(name, f"{name}@example.org", "a-long-password-1")
        account_services.grant(
            user=user, programme=hubei, role=role, region=Region.objects.get(code=code)
        )
        return user

    return {
        **people,
        "hunan": officer("hugo_hunan", "donor_officer", "430000"),
        "jiangxi": officer("jack_jiangxi", "donor_officer", "360000"),
        "suizhou": officer("sue_suizhou", "recipient_officer", "421300"),
    }
