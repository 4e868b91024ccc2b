"""Benchmark of probabilistic and fuzzy stability beside the simple concepts.

The conflict of benchmarks/engine.py (5 DMs, binary options, six random prioritization
statements each, no infeasible states), made uncertain: DM1 has two weighted alternatives
(its statements as written, weight 0.6, and in reverse order, 0.4), DM2 one uncertain pair
(statements 1 and 2, probability 0.3), and every DM a fuzzy satisficing threshold of 0.2.
Each measurement runs in a fresh subprocess: compile (not timed), then the analysis of one
concept for all five DMs; the row gives seconds, peak memory and the ratio to the simple
counterpart on the same conflict.  At alpha = 0.6, beta = 0.5 the heavier scenario of each
uncertain DM decides every comparison (the min-rank trick applies); at 0.3 none does (one
fixpoint per distinct rank vector).

Run: ``.venv/bin/python benchmarks/graded.py [--exps 16 20]``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAIRS = (
    ("Nash", "0.6-Nash"),
    ("GMR", "(0.6,0.5)-GMR"),
    ("SMR", "(0.6,0.5)-SMR"),
    ("SEQ", "(0.6,0.5,0.6)-SEQ"),
    ("Nash", "0.3-Nash"),
    ("GMR", "(0.3,0.3)-GMR"),
    ("SMR", "(0.3,0.3)-SMR"),
    ("SEQ", "(0.3,0.3,0.3)-SEQ"),
    ("Nash", "FR"),
    ("GMR", "FGMR"),
    ("SMR", "FSMR"),
    ("SEQ", "FSEQ"),
)


def uncertain_conflict(n_options: int):
    """The engine benchmark's conflict with alternatives, an uncertain pair, fuzzy DMs."""
    sys.path.insert(0, str(HERE))
    from detente.model.conflict import Conflict
    from engine import random_conflict  # the sibling benchmark's generator

    data = random_conflict(n_options).model_dump(exclude_defaults=True)
    dms = data["decision_makers"]
    statements = dms[0]["preferences"]["prioritization"]
    dms[0]["alternatives"] = [
        {"name": "as written", "weight": 0.6, "preferences": {"prioritization": statements}},
        {"name": "reversed", "weight": 0.4, "preferences": {"prioritization": statements[::-1]}},
    ]
    dms[1]["uncertain_order"] = [{"statements": [1, 2], "probability": 0.3}]
    for dm in dms:
        dm["fuzzy"] = {"threshold": 0.2}
    return Conflict.model_validate(data)


def measure_one(n_options: int, concept: str) -> dict:
    import detente

    space = detente.compile_conflict(uncertain_conflict(n_options), max_states=2**24)
    _ = space.move_sets, space.ranks  # compiled parts shared by every concept: not timed
    start = time.perf_counter()
    result = detente.analyze(space, [concept])
    seconds = time.perf_counter() - start
    return {
        "states": space.n_states,
        "seconds": seconds,
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "equilibria": int(result.equilibria(concept).size),
    }


def run_child(n_options: int, concept: str, timeout: float = 170) -> dict | None:
    sys.path.insert(0, str(HERE))
    from engine import run_measurement  # the sibling benchmark's runner

    return run_measurement(__file__, ["--one", str(n_options), concept], timeout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--one", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--exps", type=int, nargs="+", default=[16, 20])
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure_one(int(args.one[0]), args.one[1])))
        return
    print("| states | concept | seconds | peak MiB | simple | simple s | ratio |")
    print("|---:|---|---:|---:|---|---:|---:|")
    simple: dict[tuple[int, str], dict | None] = {}
    for exp in args.exps:
        for base, concept in PAIRS:
            if (exp, base) not in simple:
                simple[exp, base] = run_child(exp, base)
            row, ref = run_child(exp, concept), simple[exp, base]
            if row is None or ref is None:
                print(f"| 2^{exp} | {concept} | failed or over 170 s | | {base} | | |", flush=True)
                continue
            print(
                f"| 2^{exp} | {concept} | {row['seconds']:.2f} | {row['peak_mib']:.0f} | {base}"
                f" | {ref['seconds']:.2f} | {row['seconds'] / ref['seconds']:.1f}x |",
                flush=True,
            )


if __name__ == "__main__":
    main()
