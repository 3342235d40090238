"""One way to take a workbook upload in a page: refuse who may change nothing before the file
is read, keep no more of a file than an upload may have, then apply it all or show every
problem (the pages of the programmes and operations apps share it)."""

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from pairaid.accounts import permissions
from pairaid.errors import ValidationFailed
from pairaid.programmes.models import Programme
from pairaid.spreadsheets import too_large

# Where the upload handler marks a request whose file it dropped for its size.
TOO_LARGE = "pairaid_files_too_large"


class SizeLimitedUploadHandler(FileUploadHandler):
    """Keeps no more of an uploaded file than PAIRAID_UPLOAD_MAX_BYTES: past it, the rest is
    dropped as it streams in (never held in memory or on disk) and the page says the file is
    too large. First in FILE_UPLOAD_HANDLERS. The proxy in front bounds the body itself."""

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        self.received += len(raw_data)
        if self.received > settings.PAIRAID_UPLOAD_MAX_BYTES:
            dropped = getattr(self.request, TOO_LARGE, [])
            setattr(self.request, TOO_LARGE, [*dropped, self.file_name or ""])
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the handlers after this one keep the file


def handle_upload(
    request: HttpRequest,
    programme: Programme,
    *,
    apply: Callable[[bytes, str], int],
    done: Callable[[int], str],
    back: str,
) -> HttpResponse:
    """`apply(data, filename)` writes everything or raises ValidationFailed (nothing written);
    the problems are listed by sheet, row and column. A user who may change nothing in the
    programme is refused (403) before the file is read."""
    permissions.check_writer(request.user, programme)
    upload = request.FILES.get("file")
    try:
        dropped = getattr(request, TOO_LARGE, [])
        if dropped:
            raise too_large(dropped[0], settings.PAIRAID_UPLOAD_MAX_BYTES)
        if upload is None:
            messages.error(request, _("Choose an XLSX file to upload."))
            return redirect(back, slug=programme.slug)
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
