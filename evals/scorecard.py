"""Run every eval module, print one table, and exit non-zero when a threshold is missed.

    .venv/bin/python -m evals.scorecard [--only retrieval,outreach] [--json]

Each module in `MODULES` exposes `run(deps) -> dict[str, float]` and `THRESHOLDS`. An eval that
cannot be imported or crashes is a failure, never skipped: a missing eval measures nothing.
"""

from __future__ import annotations

import argparse
import importlib
import json
import operator
import sys
from typing import Any

from evals.common import eval_deps

MODULES = ["leakage", "retrieval", "retrieval_user_docs", "outreach", "screening", "questions", "mock",
           "mock_persona", "swot", "thankyou", "voice"]
OPS = {">=": operator.ge, "<=": operator.le}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scorecard")
    parser.add_argument("--only", help="comma-separated eval modules")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    wanted = args.only.split(",") if args.only else MODULES
    deps = eval_deps()
    results: dict[str, Any] = {}
    failures: list[str] = []
    try:
        for name in wanted:
            try:
                module = importlib.import_module(f"evals.{name}")
                metrics = module.run(deps)
            except Exception as exc:  # noqa: BLE001 - a broken eval is reported as a failure
                failures.append(f"{name}: did not run ({type(exc).__name__}: {exc})")
                continue
            results[name] = metrics
            for metric, (op, bound) in getattr(module, "THRESHOLDS", {}).items():
                value = metrics.get(metric)
                if value is None or not OPS[op](value, bound):
                    failures.append(f"{name}.{metric} = {value} (want {op} {bound})")
    finally:
        deps.close()
    if args.json:
        print(json.dumps({"results": results, "failures": failures}, indent=2))
    else:
        for name, metrics in results.items():
            print(f"\n{name}")
            for metric, value in metrics.items():
                shown = f"{value:.3f}" if isinstance(value, float) else str(value)
                print(f"  {metric:34s} {shown}")
        print("\nthreshold failures:" if failures else "\nall thresholds met")
        for line in failures:
            print(f"  {line}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
