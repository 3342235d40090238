"""CP-SAT beside HiGHS on cost problems of whole donors (the GAP), on the core HiGHS leaves idle.

HiGHS runs on one thread (measured fastest on our models), so on the 2-core machines we deploy
on the other core waits during the solve. On the generalised assignment problem the two solvers
are ahead on different instances (60 s each: CP-SAT on yagiura e10100 and chu d05100/d05200 by
a few units; HiGHS far ahead on the large c instances). Running CP-SAT with one worker on the
same model and warm start, beside HiGHS, and keeping the cheaper plan costs no wall time.

Not in deterministic runs (two solvers racing on the clock cannot be reproduced), and only
where the machine has a second core.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, replace

from pairaid.engine import cost_search
from pairaid.engine.backends.base import Limits, Optimum
from pairaid.engine.formulation import PairingModel, build_model
from pairaid.engine.instance import Problem

GRACE_SECONDS = 2.0
"""How long past its own limit the pipeline waits for CP-SAT to hand back its plan."""


def applies(problem: Problem) -> bool:
    options = problem.options
    return (
        cost_search.applies(problem)
        and len(problem.level_names()) == 1
        and options.backend == "auto"
        and not options.deterministic
        and options.time_limit_seconds is not None
        and (os.cpu_count() or 1) >= 2
    )


@dataclass
class Beside:
    """CP-SAT solving the problem's one level in a thread; `finish` waits for its answer."""

    thread: threading.Thread
    answer: list[tuple[PairingModel, Optimum]]

    def finish(self, seconds: float) -> tuple[PairingModel, Optimum] | None:
        self.thread.join(seconds + GRACE_SECONDS)
        return self.answer[0] if self.answer else None


def start(
    problem: Problem, limits: Limits, hint: Callable[[PairingModel], list[float] | None]
) -> Beside:
    """Start CP-SAT on its own copy of the model (HiGHS's copy gains rows as levels are held),
    warm-started by `hint(model)`."""
    from pairaid.engine.backends.cpsat import CpSatBackend

    answer: list[tuple[PairingModel, Optimum]] = []

    def run() -> None:
        pairing = build_model(problem)
        expression, maximize = pairing.level(problem.level_names()[0])
        optimum = CpSatBackend().optimize(
            pairing.model,
            expression,
            maximize=maximize,
            limits=replace(limits, workers=1),
            hint=hint(pairing),
        )
        answer.append((pairing, optimum))

    thread = threading.Thread(target=run, name="pairaid-cpsat-beside", daemon=True)
    thread.start()
    return Beside(thread, answer)
