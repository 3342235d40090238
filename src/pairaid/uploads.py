"""One way to take a workbook upload in a page: apply it all or show every problem (the pages of
the programmes and operations apps share it)."""

from collections.abc import Callable

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pairaid.errors import ValidationFailed
from pairaid.programmes.models import Programme


def handle_upload(
    request: HttpRequest,
    programme: Programme,
    *,
    apply: Callable[[bytes, str], int],
    done: Callable[[int], str],
    back: str,
) -> HttpResponse:
    """`apply(data, filename)` writes everything or raises ValidationFailed (nothing written);
    the problems are listed by sheet, row and column."""
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose an XLSX file to upload."))
        return redirect(back, slug=programme.slug)
    try:
        count = apply(upload.read(), upload.name or "")
    except ValidationFailed as failure:
        return render(
            request,
            "programmes/upload_errors.html",
            {
                "programme": programme,
                "problems": failure.problems,
                "back": reverse(back, kwargs={"slug": programme.slug}),
                "to_participants": back == "programmes:participants",
            },
            status=400,
        )
    messages.success(request, done(count))
    return redirect(back, slug=programme.slug)
