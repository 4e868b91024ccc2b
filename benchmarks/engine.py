"""Benchmark of the stability engine: wall time and peak memory from 2^10 to 2^22 states.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/engine.py``).  Every measurement
runs in a fresh subprocess so that its peak memory (ru_maxrss) is its own.  Conflicts are
random: 5 decision makers sharing the binary options as evenly as possible, no infeasible
states, six random prioritization statements per DM (fixed seed).

Prints a Markdown table (states, concept, seconds, peak MiB), the time for Nash + GMR + SMR
+ SEQ together at 2^20 states (target: <= 10 s, <= 4 GiB), and the speed-up of the engine
over the naive reference implementation of the test suite at 2^12 states.

Options: ``--max-exp N`` (largest size 2^N, default 22), ``--no-reference``.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CONCEPTS = ("Nash", "GMR", "SMR", "SEQ", "SIM")


def random_conflict(n_options: int, n_dms: int = 5, seed: int = 0):
    """A random binary conflict with 2^n_options states and prioritization preferences."""
    from detente.model.conflict import Conflict

    rng = random.Random(seed)
    names = [f"o{k}" for k in range(n_options)]
    sizes = [n_options // n_dms + (1 if d < n_options % n_dms else 0) for d in range(n_dms)]
    dms, start = [], 0
    for d, size in enumerate(sizes):
        statements = []
        for _ in range(6):
            a, b = rng.sample(names, 2)
            op = rng.choice(["and", "or", "if", "iff"])
            neg = "not " if rng.random() < 0.5 else ""
            statements.append(f"{neg}{a} {op} {b}")
        dms.append(
            {
                "name": f"DM{d + 1}",
                "options": names[start : start + size],
                "preferences": {"prioritization": statements},
            }
        )
        start += size
    return Conflict.model_validate(
        {"options": [{"name": n} for n in names], "decision_makers": dms}
    )


def measure_one(n_options: int, concepts: list[str]) -> dict:
    """Compile and analyse one conflict in this process; report time and peak memory."""
    import detente

    conflict = random_conflict(n_options)
    start = time.perf_counter()
    space = detente.compile_conflict(conflict, max_states=2**24)
    compiled = time.perf_counter()
    result = detente.analyze(space, concepts)
    done = time.perf_counter()
    return {
        "states": space.n_states,
        "compile_s": compiled - start,
        "analyze_s": done - compiled,
        "total_s": done - start,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "equilibria": {c: int(result.equilibria(c).size) for c in result.stable},
    }


def run_child(n_options: int, concepts: list[str], timeout: float = 900) -> dict | None:
    cmd = [sys.executable, __file__, "--one", str(n_options), *concepts]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as exc:
        print(exc.stderr, file=sys.stderr)
        return None
    return json.loads(out.stdout)


def reference_speedup(n_options: int = 12) -> list[tuple[str, float, float]]:
    """Seconds of the naive reference vs the engine on the same 2^12-state conflict."""
    sys.path.insert(0, str(ROOT))
    import numpy as np
    from tests.reference import naive_model, stable  # the test suite's naive implementation

    import detente

    def reference_stability(conflict, concept: str) -> np.ndarray:
        model = naive_model(conflict)
        return np.array([stable(model, concept, dm) for dm in range(model.n_dms)])

    conflict = random_conflict(n_options)
    rows = []
    for concept in ("Nash", "GMR", "SMR", "SEQ"):
        start = time.perf_counter()
        space = detente.compile_conflict(conflict)
        fast = detente.analyze(space, [concept]).stable[concept]
        engine_s = time.perf_counter() - start
        start = time.perf_counter()
        slow = reference_stability(conflict, concept)
        naive_s = time.perf_counter() - start
        if not (fast == slow).all():
            raise SystemExit(f"engine and reference disagree on {concept}")
        rows.append((concept, naive_s, engine_s))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--min-exp", type=int, default=10)
    parser.add_argument("--max-exp", type=int, default=22)
    parser.add_argument("--no-reference", action="store_true")
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(int(args.one[0]), args.one[1:])))
        return

    print("| states | concept | compile + analysis (s) | peak memory (MiB) |")
    print("|---:|---|---:|---:|")
    for exp in range(args.min_exp, args.max_exp + 1, 2 if args.max_exp - args.min_exp > 6 else 1):
        for concept in CONCEPTS:
            if concept == "SIM" and exp > 16:
                continue  # SIM enumerates opponents' simultaneous UIs: not meant for 2^20
            row = run_child(exp, [concept])
            if row is None:
                print(f"| 2^{exp} | {concept} | failed or timed out | |", flush=True)
                continue
            print(
                f"| 2^{exp} = {row['states']:,} | {concept} | {row['total_s']:.2f}"
                f" | {row['peak_mib']:.0f} |",
                flush=True,
            )
    row = run_child(20, ["Nash", "GMR", "SMR", "SEQ"])
    if row is not None:
        print(
            f"\nNash + GMR + SMR + SEQ at 2^20 = {row['states']:,} states, every DM:"
            f" {row['total_s']:.2f} s wall (compile {row['compile_s']:.2f} s),"
            f" peak {row['peak_mib'] / 1024:.2f} GiB"
        )
    if not args.no_reference:
        print("\nSpeed-up over the naive reference (tests/reference.py) at 2^12 states:")
        print("| concept | naive (s) | engine (s) | speed-up |")
        print("|---|---:|---:|---:|")
        for concept, naive_s, engine_s in reference_speedup():
            print(f"| {concept} | {naive_s:.2f} | {engine_s:.3f} | {naive_s / engine_s:,.0f}x |")


if __name__ == "__main__":
    main()
