"""Why the matching is as it is, as structured messages (`engine.messages`).

Each claim is checked on the final matching rather than assumed from the levels: a recipient is
said to get nothing because its lots are used up only when every lot it could receive from has
shipped its quantity or reached its shipment cap.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from pairaid.engine.matching.model import (
    Arc,
    MatchingProblem,
    Shipment,
    counted_needs,
    most_recipients_reached,
    paired,
)
from pairaid.engine.messages import Message, cut_messages, message
from pairaid.engine.placement.solve import LevelOutcome

WORST_SHOWN = 3
_EMPTY = 1e-9  # a lot with less than this share of its quantity left is used up


def explain(
    problem: MatchingProblem,
    shipments: Sequence[Shipment],
    arc_list: Sequence[Arc],
    shares: dict[str, float],
    levels: Sequence[LevelOutcome],
) -> list[Message]:
    left, full = _lot_state(problem, shipments)
    messages = _levels(problem, arc_list, levels)
    messages += _worst_off(shares)
    messages += _nothing(problem, shipments, arc_list, left, full)
    messages += _cap_binding(problem, arc_list, shipments, left, full)
    messages += _notes(problem, arc_list)
    return messages


def _levels(
    problem: MatchingProblem, arc_list: Sequence[Arc], levels: Sequence[LevelOutcome]
) -> list[Message]:
    """How the levels were settled when not by the solver alone: by counting, or by time."""
    messages = []
    reach, counted = most_recipients_reached(problem, arc_list), counted_needs(problem, arc_list)
    if reach < len(counted):
        lots = len({arc.lot for arc in arc_list})
        messages.append(message("nobody_spared", recipients=len(counted), lots=lots, reach=reach))
    stopped = next((level for level in levels if level.status != "optimal"), None)
    if stopped is not None:
        messages.append(message("start_plan", level=stopped.name))
    return messages


def _lot_state(
    problem: MatchingProblem, shipments: Sequence[Shipment]
) -> tuple[dict[str, float], set[str]]:
    """Each lot's quantity left, and the lots at their shipment cap."""
    shipped: dict[str, float] = {}
    count: Counter[str] = Counter()
    for s in shipments:
        shipped[s.lot] = shipped.get(s.lot, 0.0) + s.quantity
        count[s.lot] += 1
    left = {lot.id: lot.quantity - shipped.get(lot.id, 0.0) for lot in problem.lots}
    full = {lot.id for lot in problem.lots if count[lot.id] >= lot.max_shipments}
    return left, full


def _used_up(problem: MatchingProblem, lot: int, left: dict[str, float], full: set[str]) -> bool:
    item = problem.lots[lot]
    return item.id in full or left[item.id] <= _EMPTY * item.quantity


def _worst_off(shares: dict[str, float]) -> list[Message]:
    if not shares:
        return []
    worst = min(shares.values())
    tied = sorted(r for r, share in shares.items() if share <= worst + 1e-9)
    return [
        message("worst_fill", recipient=r, share=round(worst, 6), tied=len(tied))
        for r in tied[:WORST_SHOWN]
    ]


def _nothing(
    problem: MatchingProblem,
    shipments: Sequence[Shipment],
    arc_list: Sequence[Arc],
    left: dict[str, float],
    full: set[str],
) -> list[Message]:
    """Recipients with an open line that get nothing, and the first reason that holds."""
    receiving = {s.recipient for s in shipments}
    lines: dict[str, list[int]] = defaultdict(list)
    for n, need in enumerate(problem.needs):
        if need.open > 0 and need.recipient not in receiving:
            lines[need.recipient].append(n)
    reached: dict[int, list[int]] = defaultdict(list)
    for arc in arc_list:
        reached[arc.need].append(arc.lot)
    lots_by_item: dict[str, list[int]] = defaultdict(list)
    for index, lot in enumerate(problem.lots):
        lots_by_item[lot.item].append(index)
    messages = []
    args: dict[str, object]
    for recipient, needs in sorted(lines.items()):
        items = sorted({problem.needs[n].item for n in needs})
        offered = [lot for n in needs for lot in lots_by_item.get(problem.needs[n].item, [])]
        within = [lot for lot in offered if paired(problem, problem.lots[lot].donor, recipient)]
        reach = sorted({lot for n in needs for lot in reached[n]})
        if not offered:
            code, args = "nothing_no_offer", {"items": ", ".join(items)}
        elif not within:
            code, args = "nothing_not_paired", {"lots": len(set(offered))}
        elif not reach:
            code, args = "nothing_no_distance", {"lots": len(set(within))}
        elif all(_used_up(problem, lot, left, full) for lot in reach):
            code, args = "nothing_lots_used", {"lots": len(reach)}
        else:
            continue  # no reason this module can prove: say nothing rather than guess
        messages.append(message(code, recipient=recipient, **args))
    return cut_messages(messages, "nothing_cut")


def _cap_binding(
    problem: MatchingProblem,
    arc_list: Sequence[Arc],
    shipments: Sequence[Shipment],
    left: dict[str, float],
    full: set[str],
) -> list[Message]:
    """Lots at their shipment cap with goods left while a need they reach is still short."""
    filled: dict[str, float] = {}
    for s in shipments:
        filled[s.need] = filled.get(s.need, 0.0) + s.quantity
    binding = set()
    for arc in arc_list:
        lot, need = problem.lots[arc.lot], problem.needs[arc.need]
        short = filled.get(need.id, 0.0) < need.open * (1 - 1e-6)
        if lot.id in full and left[lot.id] > _EMPTY * lot.quantity and short:
            binding.add(lot.id)
    if not binding:
        return []
    quantity = sum(left[lot] for lot in binding)
    return [message("shipment_cap_binding", lots=len(binding), left=round(quantity, 6))]


def _notes(problem: MatchingProblem, arc_list: Sequence[Arc]) -> list[Message]:
    """Pairs that match on item (and pairing) but have no distance; needs cut to the nearest."""
    donors_by_item: dict[str, set[str]] = defaultdict(set)
    for lot in problem.lots:
        donors_by_item[lot.item].add(lot.donor)
    missing = {
        (donor, need.recipient)
        for need in problem.needs
        if need.open > 0
        for donor in donors_by_item.get(need.item, set())
        if paired(problem, donor, need.recipient)
        and (donor, need.recipient) not in problem.distances
    }
    messages = []
    if missing:
        donor, recipient = min(missing)
        messages.append(
            message("missing_distances", count=len(missing), donor=donor, recipient=recipient)
        )
    arcs_by_need = Counter(arc.need for arc in arc_list)
    pruned = sum(1 for count in arcs_by_need.values() if count >= problem.nearest)
    if pruned:
        messages.append(message("nearest_kept", needs=pruned, nearest=problem.nearest))
    return messages
