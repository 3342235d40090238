"""Edits through the API (`pairaid.edits`): the ETag and If-Match of an editable record.

A GET of an editable record (or its PATCH) answers its `ETag`, which is its version (`"3"`). A
PATCH, and a DELETE of a record that has one, says in `If-Match` which version it was made from.
Without `If-Match` it is refused with 428 (Precondition Required, RFC 6585): a change that names no
version could overwrite, or delete, a change its client never saw. With a version the record has
moved on from, it is refused with 409, like an edit on the pages. The answer says who changed
what, lists the changes, and carries the current `ETag`, so the client can show them and decide.
"""

from typing import Annotated, Any

from django.http import HttpResponse
from django.utils.translation import gettext
from ninja import Header, Schema

from pairaid.edits import Versioned, etag, version_in
from pairaid.errors import PreconditionRequired, Problem, ValidationFailed

IF_MATCH = "If-Match"

# The If-Match header of a PATCH or DELETE, documented in the schema.
IfMatch = Annotated[
    str | None,
    Header(
        alias=IF_MATCH,
        description='The ETag of the record as the client read it, e.g. "3" (required)',
    ),
]


def seen_version(if_match: str | None) -> int:
    """The version a PATCH or DELETE was made from, read from its If-Match header."""
    if if_match is None:
        raise PreconditionRequired(
            gettext(
                'send If-Match with the ETag you read (e.g. If-Match: "3"), so that no change '
                "you have not seen is overwritten"
            )
        )
    version = version_in(if_match)
    if version is None:
        raise ValidationFailed(
            [
                Problem(
                    gettext('expected the ETag of the record, e.g. "3", got %(value)s')
                    % {"value": repr(if_match[:40])},
                    column=IF_MATCH,
                )
            ]
        )
    return version


def tagged(response: HttpResponse, record: Versioned) -> None:
    """Answer the record's ETag with the response."""
    response["ETag"] = etag(record)


def patched(payload: Schema, record: object) -> dict[str, Any]:
    """A PATCH's fields as the record will hold them: each field the body gave (`null` included,
    which clears), and the record's current value of each it left out."""
    given = payload.model_fields_set
    return {
        name: getattr(payload if name in given else record, name)
        for name in type(payload).model_fields
    }
