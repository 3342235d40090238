"""A row checked against its model before it is written: values its columns cannot hold (text
too long, a malformed e-mail, a choice it does not know, a number out of range) and constraints it
would break (a team's name used twice) are refused as bad input naming the field, whichever way
they came in — page, API, workbook — rather than by the database as a server error."""

from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import Model

from pairaid.errors import Problem, ValidationFailed


def fits(row: Model, *, exclude: Iterable[str] = ()) -> None:
    """Raise ValidationFailed if the unsaved (or changed) row cannot be stored as it is."""
    try:
        row.full_clean(exclude=list(exclude))
    except DjangoValidationError as error:
        raise ValidationFailed(
            [
                Problem(str(message), column="" if field == NON_FIELD_ERRORS else field)
                for field, messages in error.message_dict.items()
                for message in messages
            ]
        ) from error


M = TypeVar("M", bound=Model)


def created(model: type[M], **fields: Any) -> M:
    """`model.objects.create(**fields)`, once the row `fits`."""
    row = model(**fields)
    fits(row)
    row.save()
    return row
