"""Forecasts in the app: stored forecast runs (DESIGN.md §9), their pages, API and exports, and
the evaluation of results. The forecasting itself is the pure library `pairaid.forecast`."""
