"""What a coordinator asks of one plan run, and the one check of it.

Pages, the API and the CLI all start runs through `runs.start`, which checks the options here
before anything is built, stored or queued: against the engine's published limits
(`engine.LIMITS`) and the programme's size. An option out of range is a 400 naming it, never a
run that fails later in the worker, nor one that holds it for hours or takes its memory.
"""

import datetime
import math
from dataclasses import dataclass, field, replace
from typing import Any, NoReturn

from django.utils.translation import gettext

from pairaid import engine
from pairaid.engine.instance import BACKEND_NAMES, OBJECTIVE_NAMES
from pairaid.errors import Problem, ValidationFailed
from pairaid.forecast.need import ForecastNeedBasis, NeedBasisError

DEFAULT_TIME_LIMIT_SECONDS = 30.0
LARGEST_SEED = 2**31 - 1  # CP-SAT's random seed is a 32-bit integer
LARGEST_CHURN_BUDGET = 2**31 - 1

DEFAULT_LEXIMIN_LEVELS = 4
"""The default objective is leximin with this many levels (fewer where there are fewer
recipients): the worst-off first, then the next three, so no recipient is sacrificed for the
minimum alone."""

DEFAULT_CHURN_BUDGET = "default"
"""A run's churn budget unless told otherwise: where a plan is in force, the smallest budget that
keeps 90 % of the best max-min coverage (`pairing.tradeoff`, resolved when the run executes);
where none is, no budget. A plan therefore never rewrites the programme unasked."""

NO_CHURN_BUDGET_WORDS = ("none", "no")


@dataclass
class RunOptions:
    """What a coordinator asks of one run (stored with it, replayed as is). `objectives` None is
    the default objective (`default_objectives`), filled in by `with_defaults`."""

    objectives: list[dict[str, Any]] | None = None
    lock: list[list[str]] = field(default_factory=list)
    forbid: list[list[str]] = field(default_factory=list)
    churn_budget: int | str | None = DEFAULT_CHURN_BUDGET
    time_limit_seconds: float = DEFAULT_TIME_LIMIT_SECONDS
    need_from: str | None = None
    capacity_from: str | None = None
    as_of: str | None = None
    deterministic: bool = False
    seed: int = 0
    backend: str = "auto"
    # The child level: [donor, recipient] of the fixed parent pairing whose children to plan
    # (`levels`); None plans the programme's own level.
    parent_pairing: list[str] | None = None

    def to_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> "RunOptions":
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


def default_objectives(recipients: int) -> list[dict[str, Any]]:
    """Leximin with `DEFAULT_LEXIMIN_LEVELS` levels, or one per recipient where there are fewer."""
    levels = min(DEFAULT_LEXIMIN_LEVELS, engine.LIMITS.max_leximin_levels(recipients))
    return [{"name": "leximin", "levels": levels}]


def with_defaults(options: RunOptions, *, recipients: int) -> RunOptions:
    """The options with the default objective where none was asked for."""
    if options.objectives is not None:
        return options
    return replace(options, objectives=default_objectives(recipients))


def parse_churn_budget(text: str | None) -> int | str | None:
    """`default` (or nothing) -> the default budget; `none` -> no budget; N -> at most N changes
    (checked with the other options by `check`)."""
    if text is None or text.strip().lower() == DEFAULT_CHURN_BUDGET:
        return DEFAULT_CHURN_BUDGET
    if text.strip().lower() in NO_CHURN_BUDGET_WORDS:
        return None
    return _whole(text, "churn_budget")


def parse_objectives(text: str | None) -> list[dict[str, Any]] | None:
    """`max_min_coverage,leximin:3,min_travel` -> objective levels, in the order given (checked
    with the other options by `check`); nothing -> None, the default objective."""
    if text is None:
        return None
    levels: list[dict[str, Any]] = []
    for part in (p.strip() for p in text.split(",") if p.strip()):
        name, _, count = part.partition(":")
        levels.append(
            {"name": name, "levels": _whole(count, "objectives")} if count else {"name": name}
        )
    return levels or None


def parse_pairs(items: list[str], column: str) -> list[list[str]]:
    """`DONOR:RECIPIENT` lines -> pairs."""
    pairs = []
    for item in items:
        donor, sep, recipient = item.partition(":")
        if not sep or not donor.strip() or not recipient.strip():
            _refuse(
                column, gettext("expected DONOR:RECIPIENT, got %(item)s") % {"item": repr(item)}
            )
        pairs.append([donor.strip(), recipient.strip()])
    return pairs


def parse_level(level: str, parent_pairing: str | None) -> list[str] | None:
    """`--level child --parent-pairing DONOR:RECIPIENT` -> the parent pair; the programme's own
    level -> None. A parent pairing without the child level, or the reverse, is refused."""
    if level == "child" and not parent_pairing:
        _refuse("parent_pairing", gettext("the child level needs --parent-pairing DONOR:RECIPIENT"))
    if level != "child" and parent_pairing:
        _refuse(
            "parent_pairing", gettext("--parent-pairing plans the child level: add --level child")
        )
    return parse_pairs([parent_pairing], "parent_pairing")[0] if parent_pairing else None


def check(options: RunOptions, *, recipients: int) -> None:
    """Refuse (ValidationFailed, every problem at once) options the engine would refuse or a run
    could not honour; `recipients` bounds leximin's levels (`engine.LIMITS`)."""
    problems = [
        *_objective_problems(with_defaults(options, recipients=recipients).objectives, recipients),
        *_pair_problems(options.lock, "lock"),
        *_pair_problems(options.forbid, "forbid"),
        *(
            _pair_problems([options.parent_pairing], "parent_pairing")
            if options.parent_pairing is not None
            else []
        ),
        *_number_problems(options),
        *_basis_problems(options),
    ]
    if options.backend not in BACKEND_NAMES:
        problems.append(_expected("backend", ", ".join(BACKEND_NAMES), options.backend))
    if not isinstance(options.deterministic, bool):
        problems.append(_expected("deterministic", "true or false", options.deterministic))
    if problems:
        raise ValidationFailed(problems)


def _objective_problems(objectives: Any, recipients: int) -> list[Problem]:
    if not isinstance(objectives, list) or not objectives:
        return [_expected("objectives", gettext("a list of objectives"), objectives)]
    problems = []
    for objective in objectives:
        name = objective.get("name") if isinstance(objective, dict) else objective
        if name not in OBJECTIVE_NAMES:
            problems.append(_expected("objectives", ", ".join(OBJECTIVE_NAMES), name))
            continue
        most = engine.LIMITS.max_leximin_levels(recipients) if name == "leximin" else 1
        levels = objective.get("levels", 1)
        if not _is_whole(levels) or not 1 <= levels <= most:
            problems.append(_expected("objectives", gettext("levels from 1 to %s") % most, levels))
    return problems


def _pair_problems(pairs: Any, column: str) -> list[Problem]:
    if not isinstance(pairs, list):
        return [_expected(column, gettext("a list of [donor, recipient] pairs"), pairs)]
    return [
        _expected(column, gettext("a [donor, recipient] pair"), pair)
        for pair in pairs
        if not (
            isinstance(pair, list | tuple)
            and len(pair) == 2
            and all(isinstance(side, str) and side.strip() for side in pair)
        )
    ]


def _number_problems(options: RunOptions) -> list[Problem]:
    problems = []
    most = engine.LIMITS.max_time_limit_seconds
    limit = options.time_limit_seconds
    if isinstance(limit, bool) or not isinstance(limit, int | float) or not 0 < limit <= most:
        problems.append(
            _expected("time_limit_seconds", gettext("seconds above 0, at most %s") % most, limit)
        )
    budget = options.churn_budget
    if budget not in (None, DEFAULT_CHURN_BUDGET) and not (
        _is_whole(budget) and 0 <= budget <= LARGEST_CHURN_BUDGET  # type: ignore[operator]
    ):
        problems.append(
            _expected("churn_budget", gettext("a whole number from 0, default or none"), budget)
        )
    if not (_is_whole(options.seed) and 0 <= options.seed <= LARGEST_SEED):
        problems.append(
            _expected("seed", gettext("a whole number from 0 to %s") % LARGEST_SEED, options.seed)
        )
    if options.as_of is not None:
        try:
            datetime.date.fromisoformat(str(options.as_of))
        except ValueError:
            problems.append(_expected("as_of", "YYYY-MM-DD", options.as_of))
    return problems


def _basis_problems(options: RunOptions) -> list[Problem]:
    """`need_from` INDICATOR[:RATIO] or a forecast (`forecast:METHOD:QUANTILE:HORIZON`), and
    `capacity_from` INDICATOR[:TOTAL]: a finite number above zero after the colon, if any."""
    problems = []
    for column, text in (
        ("need_from", options.need_from),
        ("capacity_from", options.capacity_from),
    ):
        if text is None:
            continue
        if column == "need_from" and ForecastNeedBasis.applies(str(text)):
            try:
                ForecastNeedBasis.parse(str(text))
            except NeedBasisError as error:
                problems.append(Problem(str(error), column=column))
            continue
        indicator, _, number = str(text).partition(":")
        if not indicator.strip() or (number and not _positive_number(number)):
            problems.append(_expected(column, gettext("INDICATOR or INDICATOR:NUMBER"), text))
    return problems


def _positive_number(text: str) -> bool:
    try:
        value = float(text)
    except ValueError:
        return False
    return math.isfinite(value) and value > 0


def _is_whole(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _whole(text: str, column: str) -> int:
    """A whole number as written, sign and all: whether it is in range is `check`'s to say, with
    the range (`leximin:-100` is "levels from 1 to 16, got -100", not "not a whole number")."""
    try:
        if text.strip().isascii():
            return int(text)
    except ValueError:
        pass
    _refuse(column, gettext("expected a whole number, got %(text)s") % {"text": repr(text)})


def _expected(column: str, expected: str, got: Any) -> Problem:
    return Problem(
        gettext("expected %(expected)s, got %(got)s") % {"expected": expected, "got": repr(got)},
        column=column,
    )


def _refuse(column: str, message: str) -> NoReturn:
    raise ValidationFailed([Problem(message, column=column)])
