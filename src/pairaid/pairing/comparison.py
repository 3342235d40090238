"""A finished run beside the plan in force: metrics, changed pairs, the map (with each plan's
coverage), explanations.

Both plans are evaluated by the engine on the run's stored problem, so they are compared on the
same figures.
"""

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext, gettext_lazy

from pairaid import engine
from pairaid.pairing import engine_messages, maps, runs, translate
from pairaid.pairing.models import Pairing, PlanRun

METRICS = (
    ("min_coverage", gettext_lazy("lowest coverage")),
    ("mean_coverage", gettext_lazy("mean coverage")),
    ("gini", gettext_lazy("Gini (0 = equal)")),
    ("jain", gettext_lazy("Jain's index (1 = equal)")),
    ("total_travel_hours", gettext_lazy("total travel (h)")),
    ("pairs", gettext_lazy("pairs")),
    ("spearman_strength_need", gettext_lazy("Spearman: donor strength ~ recipient need")),
)


@dataclass
class Comparison:
    metrics: list[dict[str, Any]]
    added: list[tuple[str, str]]
    removed: list[tuple[str, str]]
    kept: list[tuple[str, str]]
    explanations: list[str]
    levels: list[dict[str, Any]]
    map_data: dict[str, Any]
    replay_differences: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _names(run: PlanRun, problem: engine.Problem | None = None) -> dict[str, str]:
    """Engine ids -> names to show, in the user's language: the programme's participants, and
    the names stored in the run's problem for any that have left it since."""
    names: dict[str, str] = {}
    if problem is not None:
        names = {d.id: d.name or d.id for d in problem.donors}
        names.update({r.id: r.name or r.id for r in problem.recipients})
    names.update(translate.participant_names(run.programme))
    return names


def compare(run: PlanRun) -> Comparison | None:
    if not run.result or run.status not in ("optimal", "feasible"):
        explanations = messages(run)
        return Comparison([], [], [], [], explanations, (run.result or {}).get("levels", []), {})
    problem = engine.problem_from_dict(run.problem)
    ids = {d.id for d in problem.donors} | {r.id for r in problem.recipients}
    current = _plan_before(run, ids)
    proposed = [
        engine.Assignment(p["donor"], p["recipient"], p["allocation"]) for p in run.result["pairs"]
    ]
    reference = [a.key for a in current]
    before = engine.evaluate(problem, current, reference) if current else None
    after = engine.evaluate(problem, proposed, reference)
    names = _names(run, problem)
    now, then = {a.key for a in current}, {a.key for a in proposed}
    label = lambda key: (names.get(key[0], key[0]), names.get(key[1], key[1]))  # noqa: E731
    return Comparison(
        metrics=[
            {
                "name": title,
                "current": before.metrics.get(key) if before else None,
                "proposed": after.metrics.get(key),
            }
            for key, title in METRICS
        ]
        + [
            {
                "name": gettext("churn against the current plan"),
                "current": 0,
                "proposed": len(now ^ then),
            }
        ],
        added=sorted(label(k) for k in then - now),
        removed=sorted(label(k) for k in now - then),
        kept=sorted(label(k) for k in now & then),
        explanations=[
            engine_messages.render(m, names=names) for m in run.result.get("explanations", [])
        ],
        levels=run.result.get("levels", []),
        map_data=_map(run, problem, ((now, before), (then, after))),
        replay_differences=runs.differences(run.replay_of.result, run.result)
        if run.replay_of
        else [],
        notes=[
            engine_messages.render(m.to_dict(), names=names)
            for m in (before.notes if before else ())
        ],
    )


def messages(run: PlanRun) -> list[str]:
    """A run's errors and explanations in the user's language, naming the participants."""
    stored = [*(run.result or {}).get("errors", []), *(run.result or {}).get("explanations", [])]
    if not stored:
        return []
    names = _names(run)
    return [engine_messages.render(m, names=names) for m in stored]


def _plan_before(run: PlanRun, ids: set[str]) -> list[engine.Assignment]:
    """The plan the run is compared with: the one in force now, or — once the run is approved —
    the one it replaced (the links it ended and the ones it kept)."""
    if run.decision != PlanRun.Decision.APPROVED:
        return translate.plan_in_force(run.programme, run.as_of, ids)
    return runs.plan_replaced(run, ids)


def starting_pairs(run: PlanRun) -> set[tuple[int, int]]:
    """The pairs (donor, recipient participant ids) a pending run's approval starts."""
    if run.decision != PlanRun.Decision.PENDING:
        return set()
    proposed = set(run.pairings.values_list("donor_id", "recipient_id"))
    open_pairs = runs.replaced_level(run)
    return proposed - set(open_pairs.values_list("donor_id", "recipient_id"))


def ending_pairs(run: PlanRun) -> set[tuple[int, int]]:
    """The pairs (donor, recipient participant ids) a run's approval ends, or ended: the open
    pairings its plan does not keep."""
    if run.decision == PlanRun.Decision.APPROVED:
        ended = Pairing.objects.filter(superseded_by=run)
        return set(ended.values_list("donor_id", "recipient_id"))
    if run.decision == PlanRun.Decision.DISCARDED:
        return set()
    proposed = set(run.pairings.values_list("donor_id", "recipient_id"))
    open_pairs = runs.replaced_level(run)
    return set(open_pairs.values_list("donor_id", "recipient_id")) - proposed


def _map(
    run: PlanRun,
    problem: engine.Problem,
    plans: tuple[tuple[set[tuple[str, str]], engine.Evaluation | None], ...],
) -> dict[str, Any]:
    """The map's data (`pairing.maps`): the plan in force (if any) and the proposal, each with
    the coverage it gives, for the page to show one or the other."""
    ids = {d.id for d in problem.donors} | {r.id for r in problem.recipients}
    participants = {
        key: p
        for p in run.programme.participants.select_related("region__parent")
        if (key := translate.engine_id(p)) in ids
    }
    (now, before), (then, after) = plans
    drawn = [maps.Plan(maps.PROPOSED, then, after.coverage if after else {})]
    if before is not None:
        drawn.insert(0, maps.Plan(maps.IN_FORCE, now, before.coverage))
    return maps.map_data(participants, drawn)
