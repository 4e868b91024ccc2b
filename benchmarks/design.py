"""Benchmark: the full North Korea strategy design (every US + ally commitment, Nash and SEQ,
over the whole belief).  Target: at most 60 s on 2 cores.

    PYTHONPATH=src .venv/bin/python benchmarks/design.py [--jobs 2]
    PYTHONPATH=src .venv/bin/python benchmarks/design.py --brief [--jobs 1]

``--brief`` times the whole brief instead (``make run``: the analyses, the design under the
record's posterior, the dial table, the fragility checks and the page), section by section,
with the CPU time beside the wall time (on a shared machine the wall time says more about
the neighbours than about detente).
"""

from __future__ import annotations

import argparse
import time

import detente
from detente.analyses.design import design


def brief(jobs: int) -> None:
    # Imported here: the design benchmark alone does not need the report's renderers.
    from detente.analyses.diagnose import bundled_history
    from detente.report.brief import build_report

    wall, cpu = time.perf_counter(), time.process_time()
    report = build_report(
        detente.load_case("north-korea"), history=bundled_history("north-korea"), jobs=jobs
    )
    html = report.to_html()
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    sections = ", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items())
    print(
        f"the North Korea brief, {jobs} job(s): {wall:.1f} s wall, {cpu:.1f} s CPU in this"
        f" process ({sections}); page {len(html) / 1024:.0f} KB"
        f" (target about 60 s: {'met' if wall <= 60 else 'MISSED'})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--brief", action="store_true", help="time the whole brief instead")
    args = parser.parse_args()
    if args.brief:
        brief(args.jobs)
        return
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
