"""Benchmark of the stability engine: wall time and peak memory from 2^10 to 2^22 states.

Run with ``make bench`` (or ``.venv/bin/python benchmarks/engine.py``).  Every measurement
runs in a fresh subprocess so that its peak memory (ru_maxrss) is its own.  Conflicts are
random: 5 decision makers sharing the binary options as evenly as possible, no infeasible
states, six random prioritization statements per DM (fixed seed).

Prints a Markdown table (states, concept, seconds, peak MiB), the time for Nash + GMR + SMR
+ SEQ together at 2^20 states (target: <= 10 s, <= 4 GiB), and the speed-up of the engine
over the naive reference implementation of the test suite at 2^12 states.

Options: ``--max-exp N`` (largest size 2^N, default 22), ``--no-reference``, and
``--case`` for the kind of model (:data:`CASES`): ``reversible`` (the ideal model above),
``irreversible`` (the last two options of the first DMs are one-way, as a strike is: 2 of
20 options at 2^20, 4 of 22 at 2^22, 6 of 24 at 2^24), ``scattered`` (the same options dealt
round-robin, so no DM's options are adjacent in the code), ``dial`` (10 % of the
combinations infeasible and the first DM's first option a stepped dial 0..3, step 1, in
place of two binary options: the same 2^N combinations).  ``--split EXP`` times one model's
phases apart: compile, move sets, improvements and each concept's fixpoint;
``--threshold`` compares dense and padded moves as infeasibility grows (the dense
threshold of ``detente.space.state_space.DENSE_FEASIBLE_FRACTION``);
``--padded-fallback`` gives padded targets to every DM whose options are not free and
adjacent (the engine before structured moves), for before/after ratios.
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
CASES = ("reversible", "irreversible", "scattered", "dial")


def random_conflict(n_options: int, n_dms: int = 5, seed: int = 0, case: str = "reversible"):
    """A random conflict with 2^n_options option combinations and prioritization
    preferences; ``case`` is one of :data:`CASES` (see the module docstring)."""
    from detente.model.conflict import Conflict

    rng = random.Random(seed)
    names = [f"o{k}" for k in range(n_options)]
    sizes = [n_options // n_dms + (1 if d < n_options % n_dms else 0) for d in range(n_dms)]
    options: list[dict] = [{"name": n} for n in names]
    owned: list[list[str]] = []
    start = 0
    for size in sizes:
        owned.append(names[start : start + size])
        start += size
    infeasible: list[dict] = []
    if case == "scattered":
        owned = [names[d::n_dms] for d in range(n_dms)]
    if case == "irreversible":
        for d in range(max(1, (n_options - 18) // 2)):
            for name in owned[d][-2:]:
                options[names.index(name)]["direction"] = "forward"
    if case == "dial":
        # o0 and o1 become one dial 0..3 (radix 4: the same number of combinations);
        # 1/16 + 1/32 of the combinations are infeasible (9.4 %), across DMs.
        dial = {"name": "o0", "levels": "0..3", "step": 1}
        options = [dial, *options[2:]]
        owned[0] = [n for n in owned[0] if n != "o1"]
        names = [o["name"] for o in options]
        a, b, c, d, e, f, g, h = (owned[k % n_dms][-1 - k // n_dms] for k in range(8))
        infeasible = [
            {"when": {a: "Y", b: "Y", c: "Y", d: "Y"}},
            {"when": {a: "N", e: "Y", f: "Y", g: "Y", h: "Y"}},
        ]
    dms = []
    for d, mine in enumerate(owned):
        statements = []
        for _ in range(6):
            a, b = rng.sample(names, 2)
            op = rng.choice(["and", "or", "if", "iff"])
            neg = "not " if rng.random() < 0.5 else ""
            statements.append(f"{neg}{a} {op} {b}")
        dms.append(
            {"name": f"DM{d + 1}", "options": mine, "preferences": {"prioritization": statements}}
        )
    return Conflict.model_validate(
        {"options": options, "decision_makers": dms, "infeasible": infeasible}
    )


def padded_fallback(space) -> None:
    """Give padded targets to every DM whose options are not free and adjacent, as the
    engine did before structured moves (for before/after ratios)."""
    from detente.engine.moves import BlockMoves, PaddedMoves

    space.__dict__["move_sets"] = [
        m if isinstance(m, BlockMoves) else PaddedMoves(space.moves[i])
        for i, m in enumerate(space.move_sets)
    ]


def measure_one(
    n_options: int, concepts: list[str], case: str = "reversible", before: bool = False
) -> dict:
    """Compile and analyse one conflict in this process; report time and peak memory.

    The phases are timed apart: compile (states, ranks), the move sets, the improvements
    (sorting blocks by rank), then each concept's fixpoint in turn.
    """
    import detente

    conflict = random_conflict(n_options, case=case)
    phases: dict[str, float] = {}
    start = time.perf_counter()
    space = detente.compile_conflict(conflict, max_states=2**24, max_memory=64 * 2**30)
    phases["compile"] = time.perf_counter() - start
    tick = time.perf_counter()
    if before:
        padded_fallback(space)
    kinds = [type(m).__name__ for m in space.move_sets]
    phases["moves"] = time.perf_counter() - tick
    if any(c in ("SEQ", "SEQSIM") for c in concepts):
        tick = time.perf_counter()
        space.improving_sets  # noqa: B018 - timed on its own
        phases["improvements"] = time.perf_counter() - tick
    stable = {}
    for concept in concepts:
        tick = time.perf_counter()
        stable[concept] = detente.analyze(space, [concept]).stable[concept]
        phases[concept] = time.perf_counter() - tick
    return {
        "states": space.n_states,
        "kinds": kinds,
        "phases": phases,
        "compile_s": phases["compile"],
        "total_s": time.perf_counter() - start,
        "cpu_s": time.process_time(),  # less sensitive than wall time to a busy machine
        "peak_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "equilibria": {c: int(s.all(axis=0).sum()) for c, s in stable.items()},
    }


def reduction_seconds(space, move_sets, repeats: int) -> float:
    """Median seconds of one min_over and one improving min_over for every DM."""
    import statistics

    values = space.ranks[0]
    ups = [m.improving(space.ranks[i]) for i, m in enumerate(move_sets)]
    runs = []
    for _ in range(repeats):
        tick = time.perf_counter()
        for m, up in zip(move_sets, ups, strict=True):
            m.min_over(values)
            up.min_over(values)
        runs.append(time.perf_counter() - tick)
    return statistics.median(runs)


def threshold_table(n_options: int = 18, repeats: int = 3) -> list[tuple[float, float, float]]:
    """Dense (structured) against padded moves as the feasible fraction falls.

    For feasible fractions 1/2 .. 1/16 (options o0, o5, o10, o15 of different DMs taken in
    turn must be Y), the median seconds of one min_over and one improving min_over per DM,
    summed over the DMs, with structured moves forced on the dense code space and with
    padded targets.  Returns (fraction, dense seconds, padded seconds) rows.
    """
    import numpy as np

    import detente
    from detente.engine.moves import PaddedMoves
    from detente.space import state_space

    rows = []
    for k in range(1, 5):
        conflict = random_conflict(n_options)
        data = conflict.model_dump(mode="json", exclude_defaults=True)
        data["infeasible"] = [{"when": {f"o{5 * j}": "N"}} for j in range(k)]
        space = detente.compile_conflict(type(conflict).model_validate(data))
        saved = state_space.DENSE_FEASIBLE_FRACTION
        state_space.DENSE_FEASIBLE_FRACTION = 0.0  # force the dense code space
        try:
            dense = space.move_sets
        finally:
            state_space.DENSE_FEASIBLE_FRACTION = saved
        padded = [PaddedMoves(m) for m in space.moves]
        values = space.ranks[0]

        same = all(
            np.array_equal(a.min_over(values), b.min_over(values))
            for a, b in zip(dense, padded, strict=True)
        )
        if not same:
            raise SystemExit("dense and padded moves disagree")
        fraction = space.n_states / space.total_codes
        rows.append(
            (
                fraction,
                reduction_seconds(space, dense, repeats),
                reduction_seconds(space, padded, repeats),
            )
        )
    return rows


def run_measurement(script: str, args: list[str], timeout: float | None) -> dict | None:
    """Run a benchmark ``script`` with ``args`` in a fresh interpreter (so that its peak
    memory is its own) and return the JSON it prints; None when it times out or fails (its
    stderr is shown).  Every benchmark of this folder measures through it."""
    cmd = [sys.executable, script, *args]
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return None
    except subprocess.CalledProcessError as exc:
        print(exc.stderr, file=sys.stderr)
        return None
    return json.loads(out.stdout)


def run_child(
    n_options: int,
    concepts: list[str],
    timeout: float = 900,
    case: str = "reversible",
    before: bool = False,
) -> dict | None:
    flags = ["--case", case] + (["--padded-fallback"] if before else [])
    return run_measurement(__file__, [*flags, "--one", str(n_options), *concepts], timeout)


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
    parser.add_argument("--case", choices=CASES, default="reversible")
    parser.add_argument("--padded-fallback", action="store_true")
    parser.add_argument("--split", type=int, metavar="EXP")
    parser.add_argument("--threshold", action="store_true")
    args = parser.parse_args()
    if args.threshold:
        print("| feasible fraction | dense (s) | padded (s) | padded / dense |")
        print("|---:|---:|---:|---:|")
        for fraction, dense_s, padded_s in threshold_table():
            print(f"| {fraction:.4f} | {dense_s:.3f} | {padded_s:.3f} | {padded_s / dense_s:.1f} |")
        return
    case, before = args.case, args.padded_fallback
    if args.one:
        print(json.dumps(measure_one(int(args.one[0]), args.one[1:], case, before)))
        return
    if args.split:
        row = run_child(args.split, ["Nash", "GMR", "SMR", "SEQ"], 3600, case, before)
        if row is None:
            raise SystemExit("the run failed or timed out")
        phases = " · ".join(f"{k} {v:.2f} s" for k, v in row["phases"].items())
        print(
            f"{case}{' (padded fallback)' if before else ''} at 2^{args.split} ="
            f" {row['states']:,} states: {row['total_s']:.2f} s ({row['cpu_s']:.2f} s CPU), peak"
            f" {row['peak_mib'] / 1024:.2f} GiB\n  {phases}\n  moves: {row['kinds']}"
        )
        return

    print("| states | concept | compile + analysis (s) | peak memory (MiB) |")
    print("|---:|---|---:|---:|")
    for exp in range(args.min_exp, args.max_exp + 1, 2 if args.max_exp - args.min_exp > 6 else 1):
        for concept in CONCEPTS:
            if concept == "SIM" and exp > 16:
                continue  # SIM enumerates opponents' simultaneous UIs: not meant for 2^20
            row = run_child(exp, [concept], case=case, before=before)
            if row is None:
                print(f"| 2^{exp} | {concept} | failed or timed out | |", flush=True)
                continue
            print(
                f"| 2^{exp} = {row['states']:,} | {concept} | {row['total_s']:.2f}"
                f" | {row['peak_mib']:.0f} |",
                flush=True,
            )
    row = run_child(20, ["Nash", "GMR", "SMR", "SEQ"], case=case, before=before)
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
