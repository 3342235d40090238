"""PairAid's domain errors: one hierarchy, mapped to exit codes and HTTP responses in one place."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Problem:
    """One precise complaint about input: where it is and what was expected."""

    message: str
    file: str = ""
    row: int | None = None
    # The field at fault, or its path in a nested input: `lines.0.quantity` is the first line's
    # quantity (the API's JSON path; a page's form maps it to one of its fields).
    column: str = ""
    # Where the problem is in a person's words ("Line 1, Quantity"), set by the page that shows
    # it; the column is for machines (the API, the CLI) and never shown on a page.
    label: str = ""

    def __str__(self) -> str:
        where = ", ".join(
            part
            for part in (
                self.file,
                f"row {self.row}" if self.row is not None else "",
                f"column {self.column}" if self.column else "",
            )
            if part
        )
        return f"{where}: {self.message}" if where else self.message


class PairAidError(Exception):
    """Base of every error PairAid raises on purpose."""


class ValidationFailed(PairAidError):
    """Input was rejected; `problems` lists every reason at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


class NotFound(PairAidError):
    """The named object does not exist (or the user may not see it)."""


class Conflict(PairAidError):
    """The request contradicts the current state (e.g. a version already loaded)."""


class PreconditionRequired(PairAidError):
    """An edit that does not say which version of the record it was made from (HTTP 428)."""


class Forbidden(PairAidError):
    """The user may see the object but not do this to it (HTTP 403; DESIGN.md §7)."""
