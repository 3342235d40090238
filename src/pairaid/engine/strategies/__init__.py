"""The heuristics the pipeline plugs in, each behind a small interface (`strategies.base`).

- The warm start (`warm_start`): greedy, the matching construction, the worst-off search, the
  linear relaxation's plan, the cost search and the local search, in that order, each a
  `Heuristic` that builds or improves the plan within its share of the run's time.
- Around the exact solver (`engine.exact`): the first level's bounds and the kernel at
  national scale (`kernel`), max-min by threshold tests (`threshold`), a second solver beside
  HiGHS on cost problems (`beside`, `neighbourhood`) and the final polish (`cost_search`).

Each module says where it applies and what it was measured to gain (docs/algorithms.md).
"""
