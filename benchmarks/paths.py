"""Benchmark: status quo analysis of a random 2^20-state conflict.

5 decision makers x 4 binary options (all reversible, no infeasible states) = 1,048,576
states; each DM has random option-prioritization preferences.  Times, separately: compiling
the state space and its moves, the stability analysis (Nash, GMR, SEQ by default), the
evolution (breadth-first search) in each move mode, and the shortest paths to every
equilibrium.  Prints wall time per phase and the peak resident memory of the process.

    .venv/bin/python benchmarks/paths.py [--seed 1] [--dms 5] [--options 4]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time

from detente import Conflict, analyze, compile_conflict
from detente.analyses.paths import evolution, status_quo_analysis


def random_conflict(dms: int, options_per_dm: int, statements: int, seed: int) -> Conflict:
    """A conflict with ``dms`` x ``options_per_dm`` free binary options and random
    prioritizations of ``statements`` statements per DM (literals and 2-term conjunctions or
    disjunctions over all options)."""
    rng = random.Random(seed)
    names = [f"o{k}" for k in range(dms * options_per_dm)]

    def literal() -> str:
        name = rng.choice(names)
        return name if rng.random() < 0.5 else f"not {name}"

    def statement() -> str:
        shape = rng.random()
        if shape < 0.5:
            return literal()
        joiner = " and " if shape < 0.8 else " or "
        return f"({literal()}){joiner}({literal()})"

    return Conflict.model_validate(
        {
            "name": f"random {dms}x{options_per_dm}",
            "options": [{"name": n} for n in names],
            "decision_makers": [
                {
                    "name": f"DM{i}",
                    "options": names[i * options_per_dm : (i + 1) * options_per_dm],
                    "preferences": {"prioritization": [statement() for _ in range(statements)]},
                }
                for i in range(dms)
            ],
            "status_quo": 1,
        }
    )


def peak_mb() -> float:
    """Peak resident memory of this process in MB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    scale = 1024 * 1024 if sys.platform == "darwin" else 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / scale


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--dms", type=int, default=5)
    parser.add_argument("--options", type=int, default=4)
    parser.add_argument("--statements", type=int, default=8)
    parser.add_argument("--concepts", default="Nash,GMR,SEQ")
    args = parser.parse_args()

    conflict = random_conflict(args.dms, args.options, args.statements, args.seed)
    clock = time.perf_counter()
    space = compile_conflict(conflict)
    _ = space.moves
    t_compile = time.perf_counter() - clock
    print(f"{space.n_states:,} states, {space.n_dms} DMs; compile + moves: {t_compile:.2f} s")

    clock = time.perf_counter()
    stability = analyze(space, args.concepts.split(","))
    t_stab = time.perf_counter() - clock
    counts = {c: int(stability.equilibria(c).size) for c in stability.concepts}
    print(f"stability ({args.concepts}): {t_stab:.2f} s; equilibria {counts}")

    for mode in ("improvements", "any"):
        clock = time.perf_counter()
        evo = evolution(space, moves=mode)
        t_bfs = time.perf_counter() - clock
        reach = int((evo.distance >= 0).sum())
        print(
            f"evolution ({mode}): {t_bfs:.2f} s; {reach:,} states reachable,"
            f" depth {evo.depth}, peak memory so far {peak_mb():.0f} MB"
        )

    clock = time.perf_counter()
    result = status_quo_analysis(space, stability=stability)
    _ = result.target_paths  # shortest paths as Step objects, for every equilibrium
    t_sq = time.perf_counter() - clock
    reachable = sum(t.reachable for t in result.targets)
    print(
        f"status quo analysis (improvements) with shortest paths to all"
        f" {len(result.targets):,} equilibria: {t_sq:.2f} s; {reachable:,} reachable"
    )
    total = t_compile + t_stab + t_sq
    print(f"total (compile + stability + status quo analysis): {total:.2f} s")

    # Stress: every SEQ equilibrium is reachable by unrestricted moves; build all the paths.
    clock = time.perf_counter()
    seq_only = analyze(space, ["SEQ"])
    result = status_quo_analysis(space, moves="any", stability=seq_only)
    t_any = time.perf_counter() - clock
    clock = time.perf_counter()
    data = result.to_json()
    t_json = time.perf_counter() - clock
    steps = sum(t["steps"] or 0 for t in data["targets"])
    print(
        f"status quo analysis (any moves), {len(result.targets):,} SEQ equilibria:"
        f" {t_any:.2f} s (incl. SEQ stability); their JSON with {steps:,} path steps:"
        f" {t_json:.2f} s"
    )
    print(f"peak memory: {peak_mb():.0f} MB")


if __name__ == "__main__":
    main()
