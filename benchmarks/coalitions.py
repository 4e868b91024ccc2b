"""Benchmark of coalition analysis: wall time and peak memory from 2^10 to 2^16 states.

Run with ``.venv/bin/python benchmarks/coalitions.py``.  Every measurement runs in a fresh
subprocess so that its peak memory (ru_maxrss) is its own.  Conflicts are those of
``benchmarks/engine.py`` with 4 decision makers (binary options shared as evenly as
possible, no infeasible states, six random prioritization statements per DM, fixed seed),
analysed for every one of the 15 coalitions under CNash, CGMR, CSMR and CSEQ together
(``analyze_coalitions`` with its defaults), plus the bundled North Korea case (1,537
states).  Targets (issue 12 §4): 2^14 states with 4 DMs within 10 s, and 2^16 feasible.

Options: ``--min-exp N``, ``--max-exp N`` (default 10 to 16), ``--dms M`` (default 4).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from engine import random_conflict, run_measurement  # the engine benchmark's conflicts

CONCEPTS = ("Nash", "GMR", "SMR", "SEQ")


def measure_one(n_options: int, n_dms: int) -> dict:
    """Compile and analyse one conflict in this process (``n_options`` 0: North Korea)."""
    import detente
    from detente.analyses.coalitions import analyze_coalitions

    conflict = (
        detente.load_case("north-korea") if n_options == 0 else random_conflict(n_options, n_dms)
    )
    start = time.perf_counter()
    space = detente.compile_conflict(conflict, max_states=2**24)
    space.move_sets  # noqa: B018  (compile the moves before the clock of the analysis)
    compiled = time.perf_counter()
    result = analyze_coalitions(space, CONCEPTS)
    done = time.perf_counter()
    return {
        "states": space.n_states,
        "coalitions": len(result.coalitions),
        "compile_s": compiled - start,
        "analyze_s": done - compiled,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "equilibria": {c: int(result.equilibria(c).size) for c in CONCEPTS},
    }


def run_child(n_options: int, n_dms: int, timeout: float = 600) -> dict | None:
    return run_measurement(__file__, ["--one", str(n_options), str(n_dms)], timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--min-exp", type=int, default=10)
    parser.add_argument("--max-exp", type=int, default=16)
    parser.add_argument("--dms", type=int, default=4)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(*args.one)))
        return
    print("| model | states | coalitions | CNash+CGMR+CSMR+CSEQ (s) | peak memory (MiB) |")
    print("|---|---:|---:|---:|---:|")
    sizes = [(0, "North Korea")] + [
        (exp, f"random, {args.dms} DMs") for exp in range(args.min_exp, args.max_exp + 1, 2)
    ]
    for exp, name in sizes:
        row = run_child(exp, args.dms)
        if row is None:
            print(f"| {name} | 2^{exp} | | failed or timed out | |", flush=True)
            continue
        print(
            f"| {name} | {row['states']:,} | {row['coalitions']} | {row['analyze_s']:.2f}"
            f" | {row['peak_mib']:.0f} |",
            flush=True,
        )


if __name__ == "__main__":
    main()
