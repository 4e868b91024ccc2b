"""Benchmark of per-DM solution concepts beside their simple counterparts, 2^16 and 2^20 states.

The conflicts are those of ``benchmarks/engine.py`` (5 DMs sharing binary options, six random
prioritization statements each, fixed seed).  Each measurement runs in a fresh subprocess
(its own peak memory).  For each size it times, on one compiled space:

* each simple concept alone (Nash, GMR, SMR, SEQ) for all DMs;
* the mixed assignment ``DM1=Nash, DM2=GMR, DM3=SMR, DM4=SEQ, DM5=SEQ`` (``per DM``);
* the costliest of its concepts for all DMs (SEQ), the natural "simple counterpart": a
  per-DM analysis does one single-concept computation per DM, so it should cost no more.

Run: ``.venv/bin/python benchmarks/per_dm.py`` (``--max-exp 16`` for the small size only).
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

MIXED = "DM1=Nash, DM2=GMR, DM3=SMR, DM4=SEQ, DM5=SEQ"
CONCEPTS = ("Nash", "GMR", "SMR", "SEQ", MIXED)


def measure(n_options: int) -> dict:
    import detente

    space = detente.compile_conflict(random_conflict(n_options), max_states=2**24)
    detente.analyze(space, "Nash")  # warm the move sets shared by every concept
    out: dict = {"states": space.n_states, "seconds": {}, "equilibria": {}}
    for concept in CONCEPTS:
        start = time.perf_counter()
        result = detente.analyze(space, concept)
        out["seconds"][concept] = time.perf_counter() - start
        out["equilibria"][concept] = int(result.equilibria(concept).size)
    out["peak_mib"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--one", type=int)
    parser.add_argument("--max-exp", type=int, default=20)
    args = parser.parse_args()
    if args.one is not None:
        print(json.dumps(measure(args.one)))
        return
    print(
        "| states | "
        + " | ".join(c if c != MIXED else "per DM" for c in CONCEPTS)
        + " | per DM / SEQ | peak MiB |"
    )
    print("|---|" + "---|" * (len(CONCEPTS) + 2))
    for exp in (16, 20):
        if exp > args.max_exp:
            continue
        row = run_measurement(__file__, ["--one", str(exp)], 180)
        if row is None:
            raise SystemExit(f"the 2^{exp}-state run failed or took over 180 s")
        s = row["seconds"]
        cells = " | ".join(f"{s[c]:.2f} s" for c in CONCEPTS)
        print(f"| 2^{exp} | {cells} | {s[MIXED] / s['SEQ']:.2f} | {row['peak_mib']:.0f} |")


if __name__ == "__main__":
    main()
