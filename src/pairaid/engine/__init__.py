"""PairAid's pairing engine: a pure library (no Django, no database).

Plain typed data in, plain typed data out::

    from pairaid import engine
    problem = engine.read_problem("problem.json")
    result = engine.solve(problem, time_limit_seconds=10)
    print(result.status, [(p.donor, p.recipient) for p in result.pairs])
"""

from pairaid.engine.checks import check_problem, prove_infeasible
from pairaid.engine.errors import BackendUnavailable, EngineError, ProblemInvalid
from pairaid.engine.evaluate import Evaluation, evaluate
from pairaid.engine.generate import generate
from pairaid.engine.greedy import greedy_plan
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
    problem_from_dict,
    problem_to_dict,
    read_gap,
    read_problem,
    write_problem,
)
from pairaid.engine.local_search import improve
from pairaid.engine.messages import Message
from pairaid.engine.result import Level, PairResult, Result
from pairaid.engine.solve import plan_of, solve
from pairaid.engine.stable import StableMatching, blocking_pairs, deferred_acceptance
from pairaid.engine.tradeoff import TradeoffPoint, tradeoff_curve

__all__ = [
    "Assignment",
    "BackendUnavailable",
    "DegreeRange",
    "Donor",
    "EngineError",
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
    "Recipient",
    "Result",
    "SolveOptions",
    "StableMatching",
    "TradeoffPoint",
    "blocking_pairs",
    "check_problem",
    "deferred_acceptance",
    "evaluate",
    "generate",
    "greedy_plan",
    "improve",
    "plan_from_pairs",
    "plan_of",
    "problem_from_dict",
    "problem_to_dict",
    "prove_infeasible",
    "read_gap",
    "read_problem",
    "solve",
    "tradeoff_curve",
    "write_problem",
]
