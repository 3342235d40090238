"""Plain-text rendering of a matching result (`pairaid solve --format table`)."""

from __future__ import annotations

from pairaid.engine.matching.result import MatchingResult
from pairaid.engine.placement.report import format_levels, format_metrics
from pairaid.engine.report import figure

MAX_ROWS = 40


def format_matching_table(result: MatchingResult) -> str:
    """Status, levels with their time, the first shipments, the metrics and the messages."""
    lines = [f"status: {result.status}   kind: matching", f"solve time: {result.seconds:.3f} s"]
    if result.errors:
        lines.append("errors:")
        lines += [f"  {error.text}" for error in result.errors]
    lines += format_levels(result.levels)
    if result.shipments:
        shown = result.shipments[:MAX_ROWS]
        lot = max(12, *(len(s.lot) for s in shown))
        need = max(12, *(len(s.need) for s in shown))
        lines += ["", f"{'lot':<{lot}} {'need':<{need}} {'item':<16} {'quantity':>12} {'km':>8}"]
        lines += [
            f"{s.lot:<{lot}} {s.need:<{need}} {s.item:<16} {figure(s.quantity, 8):>12} "
            f"{figure(s.km, 6):>8}"
            for s in shown
        ]
        if len(result.shipments) > MAX_ROWS:
            lines.append(f"… {len(result.shipments) - MAX_ROWS} more (--format json lists all)")
    lines += format_metrics(result.metrics)
    if result.explanations:
        lines.append("")
        lines += [f"- {explanation.text}" for explanation in result.explanations]
    return "\n".join(lines) + "\n"
