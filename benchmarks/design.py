"""Benchmark: the full North Korea strategy design (every US + ally commitment, Nash and SEQ,
over the whole belief).  Target: at most 60 s on 2 cores.

    PYTHONPATH=src .venv/bin/python benchmarks/design.py [--jobs 2]
"""

from __future__ import annotations

import argparse
import time

import detente
from detente.analyses.design import design


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    conflict = detente.load_case("north-korea")
    started = time.perf_counter()
    result = design(conflict, concepts=["Nash", "SEQ"], jobs=args.jobs)
    seconds = time.perf_counter() - started
    print(
        f"{result.candidates:,} commitments of {', '.join(result.side)}"
        f" ({result.analysed:,} analysed, {result.pruned:,} pruned,"
        f" {result.infeasible:,} infeasible, {result.no_status_quo:,} without a status quo),"
        f" {len(result.scenarios)} scenarios, {args.jobs} jobs: {seconds:.1f} s"
        f" (target 60 s: {'met' if seconds <= 60 else 'MISSED'})"
    )
    for line in result.summary_lines():
        print(" ", line)


if __name__ == "__main__":
    main()
