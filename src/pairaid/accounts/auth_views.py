"""The sign-in page (slowed down per address after failures), and the second-factor pages: enrol
an authenticator app, and verify a code after the password."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import LoginView
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from pairaid.accounts import second_factor, throttle


def login(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
    """Django's sign-in, unless this address must still wait after its failures (429, with
    Retry-After): slowed, never locked out (`throttle`)."""
    wait = throttle.wait_seconds(request) if request.method == "POST" else 0
    if wait:
        refusal = render(
            request,
            "web/error.html",
            {
                "status": 429,
                "messages": [
                    _(
                        "Too many failed sign-ins from your network. Wait %(seconds)s s and "
                        "try again."
                    )
                    % {"seconds": wait}
                ],
            },
            status=429,
        )
        refusal["Retry-After"] = str(wait)
        return refusal
    response = LoginView.as_view()(request, *args, **kwargs)
    assert isinstance(response, HttpResponse)
    return response


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or "/"
    allowed = url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()})
    return target if allowed else "/"


@login_required
@require_http_methods(["GET", "POST"])
def enrol(request: HttpRequest) -> HttpResponse:
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if request.method == "POST" and device is not None:
        if second_factor.confirm(device, request.POST.get("token", "")):
            otp_login(request, device)
            messages.success(request, _("Second factor enabled."))
            return redirect(_next(request))
        messages.error(request, _("That code did not match; try the current one."))
    else:
        device = device or second_factor.start_enrolment(request.user)
    return render(
        request,
        "accounts/second_factor_enrol.html",
        {
            "qr": second_factor.qr_svg(device),
            "secret": device.bin_key.hex(),
            "next": _next(request),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    device = second_factor.confirmed_device(request.user)
    if device is None:
        return redirect("second_factor_enrol")
    if request.method == "POST":
        if device.verify_token(request.POST.get("token", "").strip()):
            otp_login(request, device)
            return redirect(_next(request))
        messages.error(request, _("That code did not match."))
    return render(request, "accounts/second_factor_verify.html", {"next": _next(request)})
