"""Structured messages: a stable code, its arguments, and English text.

The engine never formats text for a user's language; the platform translates a message from its
code and arguments, and the English `text` is the fallback (and what the CLI prints).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

# English templates by code; arguments are named so a translation can reorder them.
TEMPLATES: Mapping[str, str] = MappingProxyType(
    {
        # input errors (status `invalid`)
        "required": "{path}: is required",
        "wrong_type": "{path}: must be {expected}, got {got}",
        "too_small": "{path}: must be >= {minimum}, got {value}",
        "too_large": "{path}: must be <= {maximum}, got {value}",
        "too_many_levels": (
            "{path}: leximin has at most one level per recipient ({maximum}), got {value}"
        ),
        "not_positive": "{path}: must be > 0, got {value}",
        "duplicate_id": "{path}: duplicate id {id!r} (first at {first})",
        "unknown_donor": "{path}: unknown donor {id!r}",
        "unknown_recipient": "{path}: unknown recipient {id!r}",
        "unknown_field": "{path}: unknown field",
        "unknown_objective": "{path}: unknown objective {name!r} (expected one of {expected})",
        "degree_range": "{path}: min {minimum} is above max {maximum}",
        "required_and_forbidden": "{path}: pair {donor}-{recipient} is both required and forbidden",
        "missing_pair_data": (
            "{path}: objective {objective} needs {field} for every eligible pair; "
            "{count} pair(s) lack it, e.g. {donor}-{recipient}"
        ),
        "unreadable_file": "{path}: cannot read the file: {reason}",
        "gap_format": "{path}: not an OR-Library GAP file: {reason}",
        "unknown_kind": "{path}: unknown problem kind {value!r} (expected one of {expected})",
        "unknown_bed_type": "{path}: unknown bed type {name!r} (expected one of {expected})",
        "unknown_reference": "{path}: unknown {what} {id!r}",
        "duplicate_route": (
            "{path}: travel from {site} to {facility} is given twice (first at {first})"
        ),
        "duplicate_distance": (
            "{path}: the distance from {donor} to {recipient} is given twice (first at {first})"
        ),
        "site_region_mismatch": (
            "{path}: region {region} differs from facility {facility}'s region {facility_region}"
        ),
        # infeasibility proofs (status `infeasible`)
        "recipient_unreachable": (
            "recipient {recipient} needs at least {needed} donor(s) but no donor may serve it "
            "({reason})"
        ),
        "donor_unplaceable": (
            "donor {donor} must serve at least {needed} recipient(s) but no recipient may take it "
            "({reason})"
        ),
        "hall_recipients": (
            "recipients {recipients} need at least {needed} donor link(s) in total, but only "
            "donors {donors} can reach them and together they can give at most {available}"
        ),
        "hall_donors": (
            "donors {donors} must make at least {needed} link(s) in total, but only recipients "
            "{recipients} may take them and together they accept at most {available}"
        ),
        "required_over_degree": (
            "{side} {id} has {count} required pair(s) but may have at most {maximum}"
        ),
        "required_ineligible": ("required pair {donor}-{recipient} is not eligible ({reason})"),
        "absorption_total": (
            "the donors' smallest possible loads add up to {needed} but the recipients can "
            "absorb only {available} in total"
        ),
        "solver_infeasible": "the {backend} solver proved that no plan meets the policy",
        "no_solution_in_time": "no plan was found within the time limit of {seconds} s",
        # plan violations (evaluation)
        "donor_degree_low": "donor {donor} serves {count} recipient(s), fewer than {minimum}",
        "donor_degree_high": "donor {donor} serves {count} recipient(s), more than {maximum}",
        "recipient_degree_low": "recipient {recipient} has {count} donor(s), fewer than {minimum}",
        "recipient_degree_high": "recipient {recipient} has {count} donor(s), more than {maximum}",
        "forbidden_pair_used": "pair {donor}-{recipient} is forbidden",
        "required_pair_missing": "required pair {donor}-{recipient} is missing",
        "pair_not_listed": "pair {donor}-{recipient} is not among the listed eligible pairs",
        "travel_too_long": (
            "pair {donor}-{recipient} takes {travel_hours} h, more than the limit {maximum} h"
        ),
        "absorption_exceeded": (
            "recipient {recipient} takes a load of {load}, more than its absorption {maximum}"
        ),
        "over_capacity": (
            "donor {donor} gives {given} of {resource} in total, more than its capacity {capacity}"
        ),
        "negative_allocation": "pair {donor}-{recipient} allocates {value} of {resource}",
        "fractional_allocation": (
            "pair {donor}-{recipient} allocates {value} of {resource}, which is counted in whole "
            "units"
        ),
        "duplicate_pair": "pair {donor}-{recipient} appears more than once in the plan",
        "churn_over_budget": "the plan changes {churn} link(s), more than the budget {budget}",
        # notes
        "split_derived": (
            "the plan gave no split of donor capacity; coverage uses its leximin split "
            "(computed over the plan's own pairs; personnel in whole people)"
        ),
        "recipient_without_need": (
            "recipient {recipient} has no positive need and takes no part in fairness"
        ),
        "unknown_travel": (
            "{count} pair(s) of the plan have no travel time; total travel leaves them out"
        ),
        "warm_start": "{heuristics} found a plan used as warm start ({levels})",
        "stopped": (
            "the run was stopped after {seconds} s; the best plan found so far is returned"
        ),
        "level_not_proven": "level {level} was not proven optimal within the limits (gap {gap})",
        # explanations
        "pair_contribution": (
            "{donor} → {recipient}: gives {quantity} {resource}, {share} of {recipient}'s need; "
            "{alternative}"
        ),
        "worst_off": (
            "{recipient} is worst off at coverage {coverage}: its scarcest resource is {resource} "
            "({received} of {need}); its donors: {donors}"
        ),
        "worst_off_limit": "{recipient}: {limit}",
        "best_swap": (
            "{recipient}: best single change is to {change}; minimum coverage {before} → {after}, "
            "{recipient}'s coverage {own_before} → {own_after}"
        ),
        "no_better_swap": "{recipient}: no single move or swap improves the plan",
        "explanations_cut": (
            "single moves were explained for {pairs} of {pairs_in_all} pairs and {recipients} of "
            "{recipients_in_all} recipients before the time limit"
        ),
        "price_of_fairness": (
            "price of fairness: the fair plan's {measure} is {fair} against {cheapest} for the "
            "{objective} plan (+{extra}); the {objective} plan's minimum coverage is {cheap_min} "
            "against {fair_min}"
        ),
        # placement explanations
        "placed_beyond": (
            "{patients} {acuity} patient(s) from {site} go to {facility} at tier {tier}: no "
            "facility at a closer tier had a free {acuity}-compatible bed within {limit} h "
            "({closer} closer facilities within reach, all full)"
        ),
        "transport_binding": (
            "transport from region {region} is used to its capacity of {capacity} patient(s) "
            "while {unplaced} of its patients are left without a bed"
        ),
        "beds_binding": (
            "{unplaced} {acuity} patient(s) are left without a bed: every free compatible bed "
            "within {limit} h of them is taken ({facilities} facilities in reach)"
        ),
        "no_bed_in_reach": (
            "{patients} {acuity} patient(s) at {site} have no facility with a compatible bed "
            "within {limit} h"
        ),
        "placed_beyond_cut": "{shown} of {total} explanations of escalations are shown",
        "no_bed_in_reach_cut": (
            "{shown} of {total} explanations of patients with no bed in reach are shown"
        ),
        # matching explanations
        "worst_fill": (
            "{recipient} is worst off at fill share {share} of its open request lines "
            "({tied} recipient(s) at that share)"
        ),
        "nothing_no_offer": "{recipient} gets nothing: no lot offers {items}",
        "nothing_not_paired": (
            "{recipient} gets nothing: the {lots} lot(s) of its items come from donors not paired "
            "with it, and aid must follow the pairing"
        ),
        "nothing_no_distance": (
            "{recipient} gets nothing: no distance is known from the donors of the {lots} lot(s) "
            "of its items, so none can reach it"
        ),
        "nothing_lots_used": (
            "{recipient} gets nothing: the {lots} lot(s) that could reach it are shipped in full "
            "or at their shipment cap, to recipients no better off"
        ),
        "nothing_cut": "{shown} of {total} explanations of recipients who get nothing are shown",
        "shipment_cap_binding": (
            "{lots} lot(s) are at their shipment cap with {left} left while a request they "
            "reach is still short: the cap binds"
        ),
        "missing_distances": (
            "{count} donor-recipient pair(s) with a matching item have no distance and are not "
            "reachable, e.g. {donor}-{recipient}"
        ),
        "nearest_kept": (
            "each request line keeps its {nearest} nearest lots; {needs} line(s) reach that limit"
        ),
        "nobody_spared": (
            "{recipients} recipients wait for offered items, but the {lots} lot(s) can reach at "
            "most {reach} of them within their shipment caps: someone gets nothing, so the "
            "worst-off share is 0, proven by counting"
        ),
        "start_plan": (
            'the time limit stopped the solver at the level "{level}": the shipments are the '
            "best it found, starting from the nearest-first rule (each lot to its nearest "
            "requests, within its cap)"
        ),
        "cpsat_precision": (
            "CP-SAT works in integers: coverage is resolved to 1/{scale}; an optimal claim holds "
            "to that precision"
        ),
    }
)


MAX_MESSAGES = 50
"""Explanations of one kind shown at most, the rest counted in a note."""


@dataclass(frozen=True)
class Message:
    """One structured message; `path` points into the problem when the message is about input."""

    code: str
    args: Mapping[str, Any] = field(default_factory=dict)
    text: str = ""

    @property
    def path(self) -> str | None:
        path = self.args.get("path")
        return str(path) if path is not None else None

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "args": dict(self.args), "text": self.text}

    def __reduce__(self) -> tuple[Callable[..., Message], tuple[str, dict[str, Any], str]]:
        # Picklable, for a run in another process: a mapping proxy itself is not.
        return _restore, (self.code, dict(self.args), self.text)


def cut_messages(messages: list[Message], note_code: str) -> list[Message]:
    """At most MAX_MESSAGES of one kind, and a note (`note_code`) saying how many there were."""
    if len(messages) <= MAX_MESSAGES:
        return messages
    note = message(note_code, shown=MAX_MESSAGES, total=len(messages))
    return [*messages[:MAX_MESSAGES], note]


def _restore(code: str, args: dict[str, Any], text: str) -> Message:
    return Message(code, MappingProxyType(args), text)


HEURISTIC_NAMES: Mapping[str, str] = MappingProxyType(
    {
        "greedy": "greedy",
        "matching": "matching",
        "worst_off": "worst-off search",
        "relaxation": "relaxation plan",
        "cost_search": "cost search",
        "local_search": "local search",
    }
)
"""The warm start's heuristics by code (`engine.strategies`), in English."""


def _warm_start_text(args: Mapping[str, Any]) -> dict[str, Any]:
    """The warm start's heuristics and level values, kept as data in the arguments, in words."""
    heuristics = " + ".join(HEURISTIC_NAMES.get(h, h) for h in args["heuristics"])
    levels = ", ".join(f"{item['level']} {item['value']:.6g}" for item in args["levels"])
    return {**args, "heuristics": heuristics, "levels": levels}


def _next_best_text(args: Mapping[str, Any]) -> dict[str, Any]:
    """A pair's next-best recipient (data: recipient, minimum coverage before and after)."""
    best = args["next_best"]
    if best is None:
        return {**args, "alternative": "no feasible alternative recipient"}
    coverage = f"minimum coverage {best['before']} → {best['after']}"
    return {**args, "alternative": f"next best: {best['recipient']} ({coverage})"}


def change_text(change: Mapping[str, str]) -> str:
    """A move or swap (`best_swap`'s data) in English."""
    if change["kind"] == "move":
        return f"move {change['donor']} from {change['source']} to {change['target']}"
    return (
        f"swap {change['donor']} ({change['recipient']}) with {change['other']} "
        f"({change['other_recipient']})"
    )


def _best_swap_text(args: Mapping[str, Any]) -> dict[str, Any]:
    return {**args, "change": change_text(args["change"])}


# Codes whose arguments are data (lists, mappings) rather than words: how the English text shows
# them. A translation renders the same data in its own words (pairing/engine_messages.py).
_IN_WORDS: Mapping[str, Callable[[Mapping[str, Any]], Mapping[str, Any]]] = MappingProxyType(
    {
        "warm_start": _warm_start_text,
        "pair_contribution": _next_best_text,
        "best_swap": _best_swap_text,
    }
)


def message(code: str, **args: Any) -> Message:
    """Build a message from its catalogue code, formatting the English text."""
    template = TEMPLATES[code]
    in_words = _IN_WORDS.get(code)
    text = template.format(**(in_words(args) if in_words else args))
    return Message(code=code, args=MappingProxyType(dict(args)), text=text)
