"""The matcher: which offered lot fills which open request line, the worst-off recipient first.

    from pairaid.engine import matching
    problem = matching.matching_from_dict(document)       # ProblemInvalid lists every error
    result = matching.match(problem)
    print(result.status, [(s.lot, s.need, s.quantity) for s in result.shipments])

docs/problem-format.md ("Matching") describes the input, docs/algorithms.md the method.
"""

from pairaid.engine.matching.evaluate import Objectives, fill_shares, metrics, objectives
from pairaid.engine.matching.io import MATCHING_KIND, matching_from_dict
from pairaid.engine.matching.model import (
    DEFAULT_NEAREST,
    Arc,
    Lot,
    MatchingProblem,
    Need,
    Shipment,
    arcs,
)
from pairaid.engine.matching.result import MatchingResult, match, match_document
from pairaid.engine.matching.solve import HOLD_TOLERANCE, LEVEL_NAMES
from pairaid.engine.placement.solve import LevelOutcome

__all__ = [
    "DEFAULT_NEAREST",
    "HOLD_TOLERANCE",
    "LEVEL_NAMES",
    "MATCHING_KIND",
    "Arc",
    "LevelOutcome",
    "Lot",
    "MatchingProblem",
    "MatchingResult",
    "Need",
    "Objectives",
    "Shipment",
    "arcs",
    "fill_shares",
    "match",
    "match_document",
    "matching_from_dict",
    "metrics",
    "objectives",
]
