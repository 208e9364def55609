"""Evaluation datasets, one module per capability metric, and the scorecard runner."""
