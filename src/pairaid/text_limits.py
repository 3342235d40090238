"""How long the free text people type may be: one limit per kind of text, held by the model's
column and so enforced alike by its validation, the pages' forms (`pairaid.forms.column`) and the
API's schema (`pairaid.api_fields.text`).

A note is a paragraph, not a pasted document: issue 18 met a 10,000-character note, which the
pages then showed in full in every table row it belonged to."""

from typing import Any

from django.core.validators import MaxLengthValidator
from django.db import models

# A note, a shortage, a commitment's description, a rationale, a method: a paragraph or two.
NOTE_MAX_CHARS = 2000
# A programme's or an indicator's description: a few paragraphs (the longest bundled, 556).
DESCRIPTION_MAX_CHARS = 5000
# A source's title or the address where it can be read.
SOURCE_MAX_CHARS = 2000


def limited_text(limit: int, **options: Any) -> Any:
    """A text column that holds at most `limit` characters. A TextField's max_length alone is
    only a widget's hint; the validator makes the model refuse more."""
    return models.TextField(max_length=limit, validators=[MaxLengthValidator(limit)], **options)
