"""What a message may carry: the allow-list of file types, recognised by their content (the
name and the browser's declared type are the sender's say, not the file's), within the upload
limit every page shares (`PAIRAID_UPLOAD_MAX_BYTES`, enforced as the file streams in by
`uploads.SizeLimitedUploadHandler` and again here for the API)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext

from pairaid import spreadsheets
from pairaid.errors import Problem, ValidationFailed

# The most files one message carries.
MAX_FILES = 5


@dataclass(frozen=True)
class Kind:
    content_type: str
    extensions: tuple[str, ...]
    magic: tuple[bytes, ...]  # the bytes such a file starts with; empty: checked as text


# The allow-list. Office documents are zip files: only the spreadsheet and word-processing
# formats officers exchange (a waybill, a list), never an executable or a web page.
KINDS = (
    Kind("application/pdf", (".pdf",), (b"%PDF-",)),
    Kind("image/png", (".png",), (b"\x89PNG\r\n\x1a\n",)),
    Kind("image/jpeg", (".jpg", ".jpeg"), (b"\xff\xd8\xff",)),
    Kind(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        (".xlsx",),
        (b"PK\x03\x04",),
    ),
    Kind(
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        (".docx",),
        (b"PK\x03\x04",),
    ),
    Kind("text/plain", (".txt",), ()),
    Kind("text/csv", (".csv",), ()),
)
# The extensions accepted, as the pages and refusals list them.
ACCEPTED = ", ".join(extension for kind in KINDS for extension in kind.extensions)


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _refusal(filename: str, message: str) -> ValidationFailed:
    # The file's name leads the message: a page shows a problem of no form field by its text.
    return ValidationFailed(
        [Problem(f"{filename}: {message}", column="attachments", file=filename)]
    )


def too_large(filename: str) -> ValidationFailed:
    """The refusal of a file over the upload limit, in the words every upload uses."""
    [problem] = spreadsheets.too_large(filename, settings.PAIRAID_UPLOAD_MAX_BYTES).problems
    return _refusal(filename, problem.message)


def sniff(filename: str, data: bytes) -> str:
    """The content type of an allowed file, from its name's extension and its first bytes; a
    refusal naming the file when either is off the list or they disagree."""
    if len(data) > settings.PAIRAID_UPLOAD_MAX_BYTES:
        raise too_large(filename)
    if not data:
        raise _refusal(filename, gettext("the file is empty"))
    extension = "." + filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    kind = next((k for k in KINDS if extension in k.extensions), None)
    if kind is None:
        raise _refusal(
            filename,
            gettext("files of this type are not accepted (accepted: %(allowed)s)")
            % {"allowed": ACCEPTED},
        )
    matches = any(data.startswith(m) for m in kind.magic) if kind.magic else _is_text(data)
    if not matches:
        raise _refusal(
            filename,
            gettext("the content is not a %(extension)s file, whatever its name says")
            % {"extension": extension},
        )
    return kind.content_type
