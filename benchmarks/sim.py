"""Benchmark of SIM stability: wall time and peak memory, 2^10 to 2^20 states.

Run with ``.venv/bin/python benchmarks/sim.py``.  Conflicts are the random ones of
:mod:`benchmarks.engine` (binary options shared as evenly as possible among the DMs, no
infeasible states, six random prioritization statements per DM, fixed seed).  Every
measurement runs in a fresh subprocess so that its peak memory (ru_maxrss) is its own; a
measurement is stopped after ``--timeout`` seconds.

The time (wall, and CPU time of the process: on a shared machine the wall time mostly
measures the others' load) is that of SIM for every DM, after compiling (padded moves and
ranks are built in the compile step, outside the timing, since every concept shares them).
Targets (issue 12):
2^16 states with 5 DMs <= 5 s, 2^20 <= 60 s.

Options: ``--min-exp``, ``--max-exp`` (sizes 2^N), ``--dms 2 3 5``, ``--step``,
``--timeout``.
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


def measure_one(n_options: int, n_dms: int) -> dict:
    """Compile one conflict, then time SIM for every DM in this process."""
    import detente

    conflict = random_conflict(n_options, n_dms=n_dms)
    start = time.perf_counter()
    space = detente.compile_conflict(conflict, max_states=2**24)
    _ = space.moves, space.ranks  # built once and shared by every concept: not SIM's cost
    compiled = time.perf_counter()
    cpu = time.process_time()
    result = detente.analyze(space, ["SIM"])
    done = time.perf_counter()
    cpu = time.process_time() - cpu
    return {
        "states": space.n_states,
        "compile_s": compiled - start,
        "sim_s": done - compiled,
        "sim_cpu_s": cpu,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "equilibria": int(result.equilibria("SIM").size),
        "stable": int(result.stable["SIM"].sum()),
    }


def run_child(n_options: int, n_dms: int, timeout: float) -> dict | None:
    return run_measurement(__file__, ["--one", str(n_options), str(n_dms)], timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, type=int, help=argparse.SUPPRESS)
    parser.add_argument("--min-exp", type=int, default=10)
    parser.add_argument("--max-exp", type=int, default=20)
    parser.add_argument("--step", type=int, default=2)
    parser.add_argument("--dms", type=int, nargs="+", default=[2, 3, 5])
    parser.add_argument("--timeout", type=float, default=170)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(*args.one)))
        return
    print("| states | DMs | SIM wall (s) | SIM CPU (s) | compile (s) | peak (MiB) | equilibria |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for exp in range(args.min_exp, args.max_exp + 1, args.step):
        for n_dms in args.dms:
            row = run_child(exp, n_dms, args.timeout)
            if row is None:
                print(f"| 2^{exp} | {n_dms} | > {args.timeout:.0f} (stopped) | | | | |", flush=True)
                continue
            print(
                f"| 2^{exp} = {row['states']:,} | {n_dms} | {row['sim_s']:.2f}"
                f" | {row['sim_cpu_s']:.2f} | {row['compile_s']:.2f} | {row['peak_mib']:.0f}"
                f" | {row['equilibria']} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
