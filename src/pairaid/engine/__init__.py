"""PairAid's pairing engine: a pure library (no Django, no database).

Plain typed data in, plain typed data out::

    from pairaid import engine
    problem = engine.read_problem("problem.json")
    result = engine.solve(problem, time_limit_seconds=10)
    print(result.status, [(p.donor, p.recipient) for p in result.pairs])

A request over `engine.LIMITS` is the status `invalid`; `engine.StopToken` ends a run early
(`solve(..., stop=token)`); `solve(..., progress=callback)` reports each step as a picklable
`engine.Progress`.
"""

from pairaid.engine.budget import StopToken
from pairaid.engine.checks import check_problem, prove_infeasible
from pairaid.engine.eligibility import nested_pairs
from pairaid.engine.errors import BackendUnavailable, EngineError, ProblemInvalid
from pairaid.engine.evaluate import Evaluation, evaluate
from pairaid.engine.generate import generate
from pairaid.engine.instance import (
    Assignment,
    DegreeRange,
    Donor,
    Objective,
    PairData,
    Plan,
    Policy,
    Problem,
    Recipient,
    SolveOptions,
    plan_from_pairs,
)
from pairaid.engine.io import (
    PROBLEM_KINDS,
    problem_from_dict,
    problem_kind,
    problem_to_dict,
    read_document,
    read_gap,
    read_problem,
    write_problem,
)
from pairaid.engine.limits import LIMITS, EngineLimits
from pairaid.engine.messages import Message
from pairaid.engine.progress import Progress, progress_text
from pairaid.engine.result import Level, PairResult, Result
from pairaid.engine.solve import plan_of, solve
from pairaid.engine.stable import StableMatching, blocking_pairs, deferred_acceptance
from pairaid.engine.strategies.greedy import greedy_plan
from pairaid.engine.strategies.local_search import improve
from pairaid.engine.tradeoff import Tradeoff, TradeoffPoint, churn_tradeoff, tradeoff_curve

__all__ = [
    "LIMITS",
    "PROBLEM_KINDS",
    "Assignment",
    "BackendUnavailable",
    "DegreeRange",
    "Donor",
    "EngineError",
    "EngineLimits",
    "Evaluation",
    "Level",
    "Message",
    "Objective",
    "PairData",
    "PairResult",
    "Plan",
    "Policy",
    "Problem",
    "ProblemInvalid",
    "Progress",
    "Recipient",
    "Result",
    "SolveOptions",
    "StableMatching",
    "StopToken",
    "Tradeoff",
    "TradeoffPoint",
    "blocking_pairs",
    "check_problem",
    "churn_tradeoff",
    "deferred_acceptance",
    "evaluate",
    "generate",
    "greedy_plan",
    "improve",
    "nested_pairs",
    "plan_from_pairs",
    "plan_of",
    "problem_from_dict",
    "problem_kind",
    "problem_to_dict",
    "progress_text",
    "prove_infeasible",
    "read_document",
    "read_gap",
    "read_problem",
    "solve",
    "tradeoff_curve",
    "write_problem",
]
