"""Reading uploaded workbooks, shared by every XLSX upload (needs and capacities, operations)."""

import io
from typing import Any

from django.utils.translation import gettext

from pairaid.errors import Problem, ValidationFailed


def open_workbook(data: bytes, filename: str) -> Any:
    """The workbook in an upload, or a clear refusal naming the file."""
    from openpyxl import load_workbook

    try:
        return load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises several kinds for a file that is not XLSX
        message = gettext("not an XLSX workbook (%(kind)s)") % {"kind": error.__class__.__name__}
        raise ValidationFailed([Problem(message, file=filename)]) from None
