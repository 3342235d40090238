"""Plain-text rendering of a placement result (`pairaid solve --format table`)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from pairaid.engine.placement.result import PlacementResult
from pairaid.engine.placement.solve import LevelOutcome
from pairaid.engine.report import figure

MAX_ROWS = 40


def format_placement_table(result: PlacementResult) -> str:
    """Status, levels with their time, the first placements, the metrics and the messages."""
    lines = [f"status: {result.status}   kind: placement", f"solve time: {result.seconds:.3f} s"]
    if result.errors:
        lines.append("errors:")
        lines += [f"  {error.text}" for error in result.errors]
    lines += format_levels(result.levels)
    if result.placements:
        shown = result.placements[:MAX_ROWS]
        site = max(14, *(len(p.site) for p in shown))
        facility = max(14, *(len(p.facility) for p in shown))
        lines += [
            "",
            f"{'site':<{site}} {'acuity':<15} {'facility':<{facility}} {'bed':<15} "
            f"{'n':>5} {'h':>6} tier",
        ]
        lines += [
            f"{p.site:<{site}} {p.acuity:<15} {p.facility:<{facility}} {p.bed_type:<15} "
            f"{p.patients:>5} {figure(p.travel_hours):>6} {p.tier}"
            for p in shown
        ]
        if len(result.placements) > MAX_ROWS:
            lines.append(f"… {len(result.placements) - MAX_ROWS} more (--format json lists all)")
    lines += format_metrics(result.metrics)
    if result.explanations:
        lines.append("")
        lines += [f"- {explanation.text}" for explanation in result.explanations]
    return "\n".join(lines) + "\n"


def format_levels(levels: Sequence[LevelOutcome]) -> list[str]:
    """The levels' table (value, bound, seconds, status), after a blank line; none: nothing."""
    if not levels:
        return []
    lines = ["", f"{'level':<26} {'value':>12} {'bound':>12} {'seconds':>9}  status"]
    lines += [
        f"{level.name:<26} {figure(level.value, 8):>12} {figure(level.bound, 8):>12} "
        f"{level.seconds:>9.3f}  {level.status}"
        for level in levels
    ]
    return lines


def format_metrics(metrics: Mapping[str, object]) -> list[str]:
    """The metrics, one a line, after a blank line; none: nothing."""
    if not metrics:
        return []
    return ["", "metrics:", *(f"  {name:<22} {_metric(value)}" for name, value in metrics.items())]


def _metric(value: object) -> str:
    if isinstance(value, dict):
        return ", ".join(f"{key} {figure(item, 6)}" for key, item in value.items())
    return figure(value, 6)
