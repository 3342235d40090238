"""Plain-text rendering of a result for the terminal (`pairaid solve --format table`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from pairaid.engine.messages import Message
from pairaid.engine.result import Result


def figure(value: object, digits: int = 4) -> str:
    """A figure for a command's table: `digits` significant digits (0.2574, not
    0.25742574257425743), whole numbers as they are (21, 15618300, not 1.562e+07), '-' where
    unknown; anything but a number as it is. The one rule for every table the CLI prints."""
    if value is None:
        return "-"
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if float(value).is_integer():
        return str(int(value))
    if abs(value) >= 10**digits:
        return f"{value:.0f}"
    return f"{value:.{digits}g}"


def format_table(
    result: Result,
    names: Mapping[str, str] | None = None,
    text: Callable[[Message], str] | None = None,
) -> str:
    """A short report: status, levels, pairs with their split, main metrics, messages. With
    `names` (id -> name, e.g. a programme's regions) a pair shows its names beside the ids, and
    `text` words the messages (by default their English text, with ids)."""
    names = names or {}
    text = text or (lambda message: message.text)

    def label(key: str) -> str:
        return f"{names[key]} ({key})" if names.get(key) else key

    lines = [f"status: {result.status}   backend: {result.backend}   seed: {result.seed}"]
    lines.append(f"solve time: {result.seconds:.3f} s (process {result.process_seconds:.3f} s)")
    if result.errors:
        lines.append("errors:")
        lines += [f"  {text(error)}" for error in result.errors]
    if result.levels:
        lines.append("")
        lines.append(f"{'level':<20} {'value':>12} {'bound':>12} {'gap':>10}  status")
        for level in result.levels:
            gap = "-" if level.gap is None else f"{level.gap:.4%}"
            lines.append(
                f"{level.name:<20} {figure(level.value, 8):>12} {figure(level.bound, 8):>12} "
                f"{gap:>10}  {level.status}"
            )
    if result.pairs:
        lines.append("")
        width = max(16, *(len(label(p.donor)) for p in result.pairs))
        lines.append(f"{'donor':<{width}} {'recipient':<{width}} allocation")
        for pair in result.pairs:
            allocation = ", ".join(f"{k}={q:g}" for k, q in sorted(pair.allocation.items()))
            lines.append(
                f"{label(pair.donor):<{width}} {label(pair.recipient):<{width}} {allocation}"
            )
    lines += _metric_lines(result)
    if result.explanations:
        lines.append("")
        lines += [f"- {text(explanation)}" for explanation in result.explanations]
    return "\n".join(lines) + "\n"


def _metric_lines(result: Result) -> list[str]:
    metrics = result.metrics
    if not metrics:
        return []
    shown = [
        ("min coverage", metrics.get("min_coverage")),
        ("mean coverage", metrics.get("mean_coverage")),
        ("Gini", metrics.get("gini")),
        ("Jain", metrics.get("jain")),
        ("total travel (h)", metrics.get("total_travel_hours")),
        ("total cost", metrics.get("total_cost")),
        ("churn", metrics.get("churn")),
        ("Spearman strength~need", metrics.get("spearman_strength_need")),
    ]
    lines = ["", "metrics:"]
    lines += [f"  {name:<24} {figure(value, 6)}" for name, value in shown if value is not None]
    return lines
