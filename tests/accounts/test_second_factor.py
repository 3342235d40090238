"""The optional second factor (TOTP): enrolment, verification after login, and the requirement
for coordinators."""

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

pytestmark = pytest.mark.django_db


def code(device: TOTPDevice) -> str:
    value = totp(
        device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=device.drift
    )
    return f"{value:06d}"


def test_enrol_then_every_new_session_must_verify(client, people, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 0  # no back-off after the deliberate wrong code
    client.force_login(people["donor"])
    page = client.get("/accounts/2fa/")
    assert page.status_code == 200 and "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=people["donor"], confirmed=False)
    assert client.post("/accounts/2fa/", {"token": "000000"}).status_code == 200
    assert (
        client.post("/accounts/2fa/", {"token": code(device), "next": "/p/hubei-2020/"})["Location"]
        == "/p/hubei-2020/"
    )
    device.refresh_from_db()
    assert device.confirmed

    client.logout()
    client.force_login(people["donor"])
    response = client.get("/p/hubei-2020/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/verify/")
    # The same 30 s window: django-otp refuses a code used twice, so forget the last use.
    device.refresh_from_db()
    device.last_t = -1
    device.save()
    response = client.post(
        "/accounts/2fa/verify/", {"token": code(device), "next": "/p/hubei-2020/"}
    )
    assert response["Location"] == "/p/hubei-2020/"
    assert client.get("/p/hubei-2020/").status_code == 200


def test_coordinators_can_be_required_to_use_one(client, people, settings):
    settings.PAIRAID_REQUIRE_COORDINATOR_2FA = True
    client.force_login(people["coordinator"])
    response = client.get("/p/hubei-2020/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/2fa/")
    client.force_login(people["donor"])
    assert client.get("/p/hubei-2020/").status_code == 200  # not required of officers
