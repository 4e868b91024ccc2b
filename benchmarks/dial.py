"""Benchmark: does the engine keep its speed with a multi-level dial?

Compares conflicts of about a million states built the same way: 5 decision makers, random
option-prioritization preferences (6 statements each, fixed seed), no infeasible states,

* **binary**: n binary options (2^n states), as in ``benchmarks/engine.py``;
* **dial**: a 0..10 ``sanctions`` dial (owned by the first DM, with its share of binary
  options) and n binary options: 11 * 2^n states, mixed-radix codes.  Preferences compare
  the dial's level (``sanctions >= 6``, ``sanctions between 3 and 5``, ``sanctions == 10``);
* **dial, step 1** and **dial, forward**: the same dial turned at most one level per move,
  or only up.  Such a DM's moves are explicit target lists (the dense block reductions need
  free options), so this shows the cost of a constrained dial.

For each: compile time, then Nash, GMR, SMR and SEQ for every DM (each timed alone, in that
order, in one process), total and peak memory (ru_maxrss).  Every measurement runs in a
fresh subprocess.  Then the strategy tools on the 11 * 2^16 dial conflict: ``sweep`` of the
dial (11 restricted conflicts of 65,536 states) and ``compare`` of two strategies, with
Nash and SEQ and status quo analysis.

Run: ``.venv/bin/python benchmarks/dial.py`` (``--quick`` for the ~2^16-state sizes only).
Results are recorded in docs/strategies.md.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from engine import run_measurement  # the one way a benchmark measures in a fresh process

CONCEPTS = ("Nash", "GMR", "SMR", "SEQ")
DIAL = "sanctions"


def dial_conflict(
    n_binary: int,
    *,
    dial_top: int | None = 10,
    step: int | None = None,
    direction: str = "both",
    n_dms: int = 5,
    seed: int = 0,
):
    """A random conflict: an optional 0..dial_top dial plus ``n_binary`` binary options.

    The dial comes first and belongs to the first DM together with its share of binary
    options (so each DM's options are adjacent, as in ``benchmarks/engine.py``).  With
    ``dial_top=None`` the conflict is all binary.
    """
    from detente.model.conflict import Conflict

    rng = random.Random(seed)
    names = [f"o{k}" for k in range(n_binary)]
    sizes = [n_binary // n_dms + (1 if d < n_binary % n_dms else 0) for d in range(n_dms)]
    options: list[dict] = []
    if dial_top is not None:
        dial: dict = {"name": DIAL, "levels": f"0..{dial_top}", "direction": direction}
        if step is not None:
            dial["step"] = step
        options.append(dial)
    options += [{"name": n} for n in names]
    dms, start = [], 0
    for d, size in enumerate(sizes):
        owned = names[start : start + size]
        if d == 0 and dial_top is not None:
            owned = [DIAL, *owned]
        statements = []
        for _ in range(6):
            a, b = rng.sample(names, 2)
            op = rng.choice(["and", "or", "if", "iff"])
            neg = "not " if rng.random() < 0.5 else ""
            if dial_top is not None and rng.random() < 0.4:
                level = rng.randint(1, dial_top)
                a = rng.choice(
                    [
                        f"{DIAL} >= {level}",
                        f"{DIAL} == {level}",
                        f"{DIAL} between {level // 2} and {level}",
                    ]
                )
                statements.append(f"{neg}({a}) {op} {b}")
            else:
                statements.append(f"{neg}{a} {op} {b}")
        dms.append(
            {"name": f"DM{d + 1}", "options": owned, "preferences": {"prioritization": statements}}
        )
        start += size
    status_quo = {o["name"]: 0 for o in options}
    return Conflict.model_validate(
        {"options": options, "decision_makers": dms, "status_quo": status_quo}
    )


VARIANTS = {
    "binary": {"dial_top": None},
    "dial": {},
    "dial, step 1": {"step": 1},
    "dial, forward": {"direction": "forward"},
}


def measure_one(variant: str, n_binary: int) -> dict:
    """Compile and analyse one conflict in this process; time each concept."""
    import detente

    conflict = dial_conflict(n_binary, **VARIANTS[variant])
    start = time.perf_counter()
    space = detente.compile_conflict(conflict, max_states=2**24)
    compiled = time.perf_counter()
    times = {}
    equilibria = {}
    for concept in CONCEPTS:
        t0 = time.perf_counter()
        result = detente.analyze(space, [concept])
        times[concept] = time.perf_counter() - t0
        equilibria[concept] = int(result.equilibria(concept).size)
    done = time.perf_counter()
    block = sum(type(m).__name__ == "BlockMoves" for m in space.move_sets)
    return {
        "states": space.n_states,
        "compile_s": compiled - start,
        "concepts_s": times,
        "analysis_s": done - compiled,
        "total_s": done - start,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "equilibria": equilibria,
        "block_dms": block,
    }


def measure_strategies(n_binary: int) -> dict:
    """Time sweep (every dial level) and compare (two strategies) with Nash and SEQ."""
    import detente
    from detente.analyses.strategies import compare, sweep

    conflict = dial_conflict(n_binary)
    conflict = conflict.model_copy(
        update={
            "outcomes": [detente.Outcome(name="o0 taken", when="o0")],
            "strategies": [
                detente.Strategy(name="high", commit={DIAL: 10}),
                detente.Strategy(name="mid and o0", commit={DIAL: 6, "o0": "Y"}),
            ],
        }
    )
    space = detente.compile_conflict(conflict, max_states=2**24)
    t0 = time.perf_counter()
    swept = sweep(space, DIAL, ["Nash", "SEQ"])
    t1 = time.perf_counter()
    compared = compare(space, ["Nash", "SEQ"], baseline=False)
    t2 = time.perf_counter()
    return {
        "states": space.n_states,
        "restricted_states": swept.rows[0].n_states,
        "sweep_s": t1 - t0,
        "compare_s": t2 - t1,
        "strategies": len(compared.strategies),
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def run_child(args: list[str], timeout: float = 1800) -> dict | None:
    return run_measurement(__file__, ["--one", *args], timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--quick", action="store_true", help="Only the ~2^16-state sizes.")
    args = parser.parse_args()
    if args.one:
        if args.one[0] == "strategies":
            print(json.dumps(measure_strategies(int(args.one[1]))))
        else:
            print(json.dumps(measure_one(args.one[0], int(args.one[1]))))
        return

    # (variant, binary options): the dial multiplies the states by 11 (about 2^3.46).
    sizes = [("binary", 16), ("dial", 12), ("dial, step 1", 12), ("dial, forward", 12)]
    if not args.quick:
        sizes += [
            ("binary", 20),
            ("dial", 16),
            ("dial, step 1", 16),
            ("dial, forward", 16),
            ("binary", 21),
            ("dial", 17),
        ]
    print(
        "| conflict | states | compile (s) | Nash (s) | GMR (s) | SMR (s) | SEQ (s) |"
        " compile + 4 concepts (s) | µs per state | peak MiB |"
    )
    print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for variant, n_binary in sizes:
        row = run_child([variant, str(n_binary)])
        label = f"{variant}, {n_binary} binary options"
        if row is None:
            print(f"| {label} | failed or timed out | | | | | | | | |", flush=True)
            continue
        c = row["concepts_s"]
        per_state = row["total_s"] / row["states"] * 1e6
        print(
            f"| {label} | {row['states']:,} | {row['compile_s']:.2f} | {c['Nash']:.2f}"
            f" | {c['GMR']:.2f} | {c['SMR']:.2f} | {c['SEQ']:.2f} | {row['total_s']:.2f}"
            f" | {per_state:.2f} | {row['peak_mib']:.0f} |",
            flush=True,
        )
    n_binary = 12 if args.quick else 16
    row = run_child(["strategies", str(n_binary)])
    if row is not None:
        print(
            f"\nStrategy tools on the dial conflict with {row['states']:,} states (Nash + SEQ,"
            f" status quo analysis): sweep of 11 levels ({row['restricted_states']:,} states"
            f" each) {row['sweep_s']:.2f} s; compare of {row['strategies']} strategies"
            f" {row['compare_s']:.2f} s; peak {row['peak_mib']:.0f} MiB."
        )


if __name__ == "__main__":
    main()
