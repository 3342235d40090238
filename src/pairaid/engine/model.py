"""A solver-neutral linear model: variables with bounds, linear rows, and linear expressions.

Backends translate it to their solver; the formulation and the lexicographic driver never
touch a solver's API.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field


@dataclass
class LinearExpression:
    """Σ coefficient × variable + constant."""

    terms: dict[int, float] = field(default_factory=dict)
    constant: float = 0.0

    def add(self, variable: int, coefficient: float) -> None:
        if coefficient:
            self.terms[variable] = self.terms.get(variable, 0.0) + coefficient

    def value(self, values: list[float]) -> float:
        return self.constant + sum(c * values[v] for v, c in self.terms.items())


@dataclass(frozen=True)
class Row:
    indices: tuple[int, ...]
    coefficients: tuple[float, ...]
    lower: float
    upper: float


@dataclass
class LinearModel:
    """Columns and rows of a mixed-integer linear model; `scale` is the number of integer steps
    per unit an integer-only solver gives a continuous variable."""

    lower: list[float] = field(default_factory=list)
    upper: list[float] = field(default_factory=list)
    integer: list[bool] = field(default_factory=list)
    scale: list[int] = field(default_factory=list)
    names: list[str] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.lower)

    def add_variable(
        self, name: str, lower: float, upper: float, *, integer: bool = False, scale: int = 1
    ) -> int:
        self.lower.append(lower)
        self.upper.append(upper)
        self.integer.append(integer)
        self.scale.append(1 if integer else scale)
        self.names.append(name)
        return len(self.lower) - 1

    def add_row(
        self,
        terms: Mapping[int, float] | Iterable[tuple[int, float]],
        lower: float = -math.inf,
        upper: float = math.inf,
    ) -> None:
        items = list(terms.items()) if isinstance(terms, Mapping) else list(terms)
        merged: dict[int, float] = {}
        for index, coefficient in items:
            merged[index] = merged.get(index, 0.0) + coefficient
        kept = [(i, c) for i, c in merged.items() if c]
        self.rows.append(Row(tuple(i for i, _ in kept), tuple(c for _, c in kept), lower, upper))

    def add_expression_row(
        self, expression: LinearExpression, lower: float = -math.inf, upper: float = math.inf
    ) -> None:
        """Add `lower <= expression <= upper`, moving the constant to the bounds."""
        self.add_row(expression.terms, lower - expression.constant, upper - expression.constant)
