"""Benchmark: unknown, strong/mild and hybrid preference concepts beside their simple
counterparts, at 2^16 and 2^20 states (5 DMs, the random conflicts of engine.py).

Every DM's prioritization (six statements) gets ``unknown: ties`` (the states it leaves tied
become mutually unknown) and ``strong: 2`` (the first two statements are strong).  Each size
runs in a fresh subprocess; the move sets are built once (by a warm-up Nash analysis), then
every concept is timed alone.  Prints seconds per concept and the ratio to the simple
concept of the same name (target: <= 3x at 2^20), and the peak memory.

    PYTHONPATH=src .venv/bin/python benchmarks/ordinal.py [--sizes 16 20]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from engine import random_conflict, run_measurement  # benchmarks/engine.py's conflicts

FAMILY = {
    "Nash": ["Nash_a", "Nash_c"],
    "GMR": ["GMR_a", "GMR_b", "GMR_c", "GMR_d", "GMR_strong", "GMR_a_strong"],
    "SMR": ["SMR_a", "SMR_b", "SMR_strong", "SMR_a_strong"],
    "SEQ": ["SEQ_a", "SEQ_b", "SEQ_strong", "SEQ_a_strong"],
}


def measure(n_options: int) -> dict:
    import detente
    from detente.model.conflict import Conflict

    data = random_conflict(n_options).model_dump(exclude_defaults=True)
    for dm in data["decision_makers"]:
        dm["preferences"].update({"unknown": "ties", "strong": 2})
    conflict = Conflict.model_validate(data)
    space = detente.compile_conflict(conflict, max_states=2**24)
    detente.analyze(space, ["Nash", "GMR_a"])  # warm-up: move sets, improvements, structure
    times: dict[str, float] = {}
    for simple, variants in FAMILY.items():
        for concept in (simple, *variants):
            start = time.perf_counter()
            detente.analyze(space, concept)
            times[concept] = time.perf_counter() - start
            print(f"{concept}: {times[concept]:.3f} s", file=sys.stderr, flush=True)
    return {
        "states": space.n_states,
        "times": times,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="*", default=[16, 20])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return
    for exp in args.sizes:
        result = run_measurement(__file__, ["--one", str(exp)], None)
        if result is None:
            raise SystemExit(f"the 2^{exp}-state run failed")
        times = result["times"]
        print(f"\n2^{exp} = {result['states']:,} states, peak {result['peak_mib']:.0f} MiB")
        print("| concept | seconds | x simple |")
        print("|---|---:|---:|")
        for simple, variants in FAMILY.items():
            print(f"| {simple} | {times[simple]:.3f} | 1.0 |")
            for concept in variants:
                ratio = times[concept] / max(times[simple], 1e-9)
                print(f"| {concept} | {times[concept]:.3f} | {ratio:.1f} |")


if __name__ == "__main__":
    main()
