"""What every page's form shares: fields that hold exactly what their database column holds, a
refusal that names the field, a service's refusal shown beside the fields it names, and the
small forms that read a page's query string.

Pages read their input through these rather than by hand: `str.isdigit()` let "²" through to
`int()`, and `Decimal()` let NaN, Infinity and 1e400 through to the database (issue 17). A bad
value is a 400 that says what was expected, never a 500 and never a half-written change.
"""

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.http import HttpRequest
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from pairaid.errors import Problem, ValidationFailed
from pairaid.refusals import AT_LEAST, AT_MOST

# Dates are typed as the date pickers send them. The locale's other formats are refused:
# "12/02/2020" is 2 December in one reading and 12 February in another.
ISO_DATE = ["%Y-%m-%d"]


def column(model: type[models.Model], name: str, **overrides: Any) -> Any:
    """The form field of one of a model's columns, holding what the column holds: its length,
    its digits and decimal places, the range of its integer type and the bounds its validators
    declare (`pairaid.text_limits` for free text). A number out of range is told the range in
    plain words ("must be 0 or more")."""
    model_field = model._meta.get_field(name)
    assert isinstance(model_field, models.Field)
    options = {**_bounds(model_field), **overrides}
    if "min_value" in options or "max_value" in options:
        options["error_messages"] = {
            "min_value": AT_LEAST,
            "max_value": AT_MOST,
            **options.get("error_messages", {}),
        }
    if type(model_field) is models.DateField:  # not a DateTimeField
        options.setdefault("form_class", IsoDateField)
    return model_field.formfield(**options)


def _bounds(model_field: models.Field[Any, Any]) -> dict[str, Any]:
    """min_value and max_value of a numeric column. An integer column's range is its type's in
    the portable sense (what PostgreSQL holds; SQLite holds more), so a value is refused alike
    on both databases."""
    if not isinstance(model_field, models.IntegerField | models.DecimalField):
        return {}
    low: int | Decimal | None
    high: int | Decimal | None
    low, high = BaseDatabaseOperations.integer_field_ranges.get(
        model_field.get_internal_type(), (None, None)
    )
    for validator in model_field.validators:
        limit = validator.limit_value if isinstance(validator, MinValueValidator) else None
        if isinstance(limit, int | Decimal):
            low = limit if low is None else max(low, limit)
        limit = validator.limit_value if isinstance(validator, MaxValueValidator) else None
        if isinstance(limit, int | Decimal):
            high = limit if high is None else min(high, limit)
    return {
        key: value for key, value in (("min_value", low), ("max_value", high)) if value is not None
    }


class IsoDateField(forms.DateField):
    """A date as YYYY-MM-DD only (ISO_DATE), and a refusal that says so."""

    input_formats = ISO_DATE
    default_error_messages = {"invalid": _("Enter a date as YYYY-MM-DD.")}

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("widget", forms.DateInput(attrs={"type": "date"}))
        super().__init__(**kwargs)


class PageForm(forms.Form):
    """A page's form. A field left empty that shows an initial value takes it, as the page
    showed it (a report's figures 0, a team's kind "other"): a column's default is its initial.
    A service's refusal names a field by its path in the service's input (`field_for`)."""

    def field_for(self, path: str) -> str | None:
        """The form field a service's problem at `path` is about, or None. A form that asks for
        one line of a nested input (a request's first line) holds its fields under their own
        names: `lines.0.quantity` is `quantity`."""
        if path in self.fields:
            return path
        _items, first, name = path.split(".") if path.count(".") == 2 else ("", "", "")
        return name if first == "0" and name in self.fields else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        for name, form_field in self.fields.items():
            empty = name in data and data[name] in form_field.empty_values
            if empty and not form_field.required and form_field.initial is not None:
                data[name] = form_field.initial
        return data


class EditForm(PageForm):
    """A page's form that edits one record in place (`pairaid.edits`): it shows the record's
    values and carries, hidden, the version the editor saw."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=2**31 - 1)

    @classmethod
    def initial_of(cls, record: models.Model) -> dict[str, Any]:
        """The form's fields as the record holds them now."""
        return {name: getattr(record, name) for name in cls.base_fields if hasattr(record, name)}


def valid(form: forms.Form) -> dict[str, Any]:
    """The form's values, or ValidationFailed naming each field at fault (a 400 page)."""
    if form.is_valid():
        return form.cleaned_data
    raise ValidationFailed(problems_of(form))


def problems_of(form: forms.Form) -> list[Problem]:
    """A form's errors as problems, each naming its field (the form's own, none) and labelled
    with the field's label."""
    return [
        Problem(
            str(message),
            column="" if name == NON_FIELD_ERRORS else name,
            label="" if name == NON_FIELD_ERRORS else str(form.fields[name].label or ""),
        )
        for name, messages in form.errors.items()
        for message in messages
    ]


def _field_for(form: forms.Form, path: str) -> str | None:
    if isinstance(form, PageForm):
        return form.field_for(path)
    return path if path in form.fields else None


def _labels(form: forms.Form) -> dict[str, str]:
    return {name: str(field.label or "") for name, field in form.fields.items()}


def place(path: str, labels: Mapping[str, str]) -> str:
    """Where a problem is, in a person's words, from its path in a service's input:
    `lines.0.quantity` is "Line 1, Quantity" (a name by the form's label where it has one). No
    page shows a path."""
    parts = path.split(".") if path else []
    words = []
    for at, part in enumerate(parts):
        following = parts[at + 1] if at + 1 < len(parts) else ""
        if part.isdigit():
            continue
        if following.isdigit() and part == "lines":
            words.append(gettext("Line %(number)s") % {"number": int(following) + 1})
        else:
            words.append(labels.get(part) or part.replace("_", " "))
    return ", ".join(words)


def show_refusal(form: forms.Form, failure: ValidationFailed) -> None:
    """A service's refusal shown on the form it came from: each problem beside the field it
    names (`PageForm.field_for`), the others above the form, said with where they are in
    words; the input stays as typed."""
    for problem in failure.problems:
        name = _field_for(form, problem.column)
        if name is not None:
            form.add_error(name, problem.message)
            continue
        where = place(problem.column, _labels(form))
        form.add_error(None, f"{where}: {problem.message}" if where else problem.message)


@contextmanager
def refusals_on(form: forms.Form) -> Iterator[None]:
    """A service's refusal of what `form` asked, for a page that cannot show the form again (a
    table row's small form): the error page lists each problem where it is in the form's words,
    and its Back link returns to the form."""
    try:
        yield
    except ValidationFailed as failure:
        labels = _labels(form)
        raise ValidationFailed(
            [
                replace(
                    problem,
                    label=labels.get(_field_for(form, problem.column) or "", "")
                    or place(problem.column, labels),
                )
                for problem in failure.problems
            ]
        ) from failure


def submitted(form: forms.Form, act: Callable[[dict[str, Any]], object]) -> bool:
    """Whether the form's values were accepted and `act` (one service call) took them. Where the
    form or the service refuses them, the form says why beside each field, with the input kept,
    for the page to show it again (400)."""
    if not form.is_valid():
        return False
    try:
        act(form.cleaned_data)
    except ValidationFailed as failure:
        show_refusal(form, failure)
        return False
    return True


def query(request: HttpRequest, form_class: type[forms.Form], **kwargs: Any) -> dict[str, Any]:
    """A page's query string read by a small form: an absent value is empty (None), a bad one a
    400 that says what was expected."""
    return valid(form_class(request.GET, **kwargs))


class DateQuery(forms.Form):
    """`?date=`: the date a page shows, the programme date when absent."""

    date = IsoDateField(required=False)


@dataclass(frozen=True)
class Among:
    """The records a RecordField may name (`seen`), how it checks the user may act on one
    (`check` raises Forbidden), and what the page offers (`offered`: (id, name) pairs)."""

    seen: models.QuerySet[Any]
    check: Callable[[Any], None] | None = None
    offered: list[tuple[Any, str]] = field(default_factory=list)


class RecordField(forms.ChoiceField):
    """A record by id among those a form may name, e.g. the programme's donors (`among`, given
    when the form is made for a user and programme). An id that names none of them is a bad
    value (400). A record the user sees but may not act on is refused with 403, as DESIGN.md §7
    answers for what may be seen but not changed, the same as where the record is named in the
    URL. The choices are what the page offers."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.among: Among | None = None

    def name_among(self, among: Among) -> None:
        self.among = among
        self.choices = among.offered

    def to_python(self, value: Any) -> Any:
        text = super().to_python(value)
        if text in self.empty_values:
            return None
        if self.among is None:
            raise ValueError("a RecordField is given the records it may name (name_among)")
        try:
            record = self.among.seen.get(pk=text)
        except (ValueError, TypeError, ObjectDoesNotExist):
            raise ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": text}
            ) from None
        if self.among.check is not None:
            self.among.check(record)
        return record

    def validate(self, value: Any) -> None:
        # Only whether it is required: `to_python` found the record among those it may name.
        forms.Field.validate(self, value)
