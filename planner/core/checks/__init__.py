"""The check engine: findings about whether a build can be built and run."""

from planner.core.checks.engine import CheckReport, run_checks

__all__ = ["CheckReport", "run_checks"]
