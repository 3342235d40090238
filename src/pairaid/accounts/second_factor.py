"""The optional second factor (TOTP, django-otp): enrol, verify after the password, and require it
of coordinators where the deployment says so (PAIRAID_REQUIRE_COORDINATOR_2FA)."""

from typing import Any

import segno
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from pairaid.accounts.models import Membership


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def must_use(user: Any) -> bool:
    """Whether the user needs a second factor to use PairAid at all."""
    if confirmed_device(user) is not None:
        return True
    return bool(getattr(settings, "PAIRAID_REQUIRE_COORDINATOR_2FA", False)) and (
        Membership.objects.filter(user=user, role=Membership.Role.COORDINATOR).exists()
    )


def owed(user: Any) -> bool:
    """Whether this logged-in session still owes its second factor (one decision for the pages
    and the API)."""
    verified = getattr(user, "is_verified", None)
    return not (verified is not None and verified()) and must_use(user)


@transaction.atomic
def start_enrolment(user: Any) -> TOTPDevice:
    """An unconfirmed authenticator for the user (replacing any earlier unconfirmed one)."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    return str(segno.make(device.config_url, error="m").svg_inline(scale=4))


@transaction.atomic
def confirm(device: TOTPDevice, token: str) -> bool:
    if not device.verify_token(token.strip()):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    return True
