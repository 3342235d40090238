"""Demo accounts (refused outside demo mode) and membership rules."""

import pytest
from django.contrib.auth import authenticate
from django.db import IntegrityError, transaction

from pairaid.accounts import services as account_services
from pairaid.accounts.models import Membership, User
from pairaid.errors import ValidationFailed
from pairaid.registry.models import Region

pytestmark = pytest.mark.django_db


def test_demo_accounts_are_created_once_and_log_in_only_in_demo_mode(hubei, settings):
    settings.DEMO_MODE = True
    account_services.ensure_demo_accounts()
    account_services.ensure_demo_accounts()
    assert User.objects.filter(is_demo_account=True).count() == 4
    assert Membership.objects.filter(programme=hubei).count() == 3
    shandong = Membership.objects.get(user__username="shandong")
    assert (shandong.role, shandong.region.code) == ("donor_officer", "370000")
    assert Membership.objects.get(user__username="huanggang").region.code == "421100"
    assert authenticate(username="admin", password="pairaid-admin-demo") is not None

    settings.DEMO_MODE = False
    assert authenticate(username="admin", password="pairaid-admin-demo") is None
    assert authenticate(username="coordinator", password="pairaid-coordinator-demo") is None


def test_demo_accounts_are_not_created_outside_demo_mode(hubei, settings):
    settings.DEMO_MODE = False
    with pytest.raises(ValidationFailed, match="demo mode"):
        account_services.ensure_demo_accounts()
    assert not User.objects.exists()


def test_the_demo_administrator_is_a_platform_administrator(hubei, settings):
    settings.DEMO_MODE = True
    account_services.ensure_demo_accounts()
    admin = User.objects.get(username="admin")
    assert admin.is_platform_admin and admin.is_staff and admin.is_superuser
    assert not User.objects.get(username="shandong").is_staff


def test_officers_need_a_participant_region_of_their_role(hubei):
    user = User.objects.create(username="officer")
    with pytest.raises(ValidationFailed, match="needs a region"):
        account_services.grant(user=user, programme=hubei, role="donor_officer")
    with pytest.raises(ValidationFailed, match="Huanggang is not a donor"):
        account_services.grant(
            user=user,
            programme=hubei,
            role="donor_officer",
            region=Region.objects.get(code="421100"),
        )
    with pytest.raises(ValidationFailed, match="has no region"):
        account_services.grant(
            user=user, programme=hubei, role="observer", region=Region.objects.get(code="421100")
        )
    assert account_services.grant(user=user, programme=hubei, role="observer").region is None


def test_the_database_enforces_one_region_for_officers(hubei):
    user = User.objects.create(username="officer")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(user=user, programme=hubei, role="recipient_officer")
