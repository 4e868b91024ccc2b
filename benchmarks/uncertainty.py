"""Benchmark of the uncertainty analysis: 10,000 sampled scenarios of the bundled North Korea
case on 2 cores (target: <= 30 s).

Run with ``.venv/bin/python benchmarks/uncertainty.py``.  Each run is the whole analysis as
the command line does it (``detente uncertainty --case north-korea --method sample
--samples 10000 --jobs 2``): compiling the case, drawing the samples, grouping them by
preference profile, analysing every distinct profile (all six concepts, status quo
reachability, the five strategy rows) on a pool of 2 worker processes, and aggregating.

A second measurement (``stress``) adds uncertain pairs to the US, South Korea and China so
that the samples fall into many distinct profiles: it shows the cost per distinct profile
when grouping saves little, on 1 and on 2 worker processes.

Options: ``--samples N`` (default 10,000), ``--repeat R`` (default 3), ``--no-stress``.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time


def stress_case():
    """The North Korea case with extra uncertain pairs: many distinct profiles."""
    import detente

    data = detente.load_case("north-korea").model_dump(mode="json", exclude_none=True)
    pairs = {
        "US": [(2, 8), (6, 9), (1, 3)],
        "SouthKorea": [(4, 5), (2, 3)],
        "China": [(3, 4)],
    }
    for dm in data["decision_makers"]:
        extra = [{"statements": list(p), "probability": 0.5} for p in pairs.get(dm["name"], [])]
        dm["uncertain_order"] = [*dm.get("uncertain_order", []), *extra]
    return detente.Conflict.model_validate(data)


def run(conflict, samples: int, jobs: int) -> tuple[float, object]:
    from detente.analyses.uncertainty import uncertainty_analysis

    start = time.perf_counter()
    result = uncertainty_analysis(
        conflict, method="sample", samples=samples, seed=0, jobs=jobs, progress=False
    )
    return time.perf_counter() - start, result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-stress", action="store_true")
    args = parser.parse_args()

    import detente

    print(f"cores available: {os.cpu_count()}; python {sys.version.split()[0]}")
    conflict = detente.load_case("north-korea")
    times = []
    for _ in range(args.repeat):
        seconds, result = run(conflict, args.samples, jobs=2)
        times.append(seconds)
    print(
        f"north-korea: {args.samples:,} sampled scenarios, {result.profiles} distinct profiles,"
        f" 2 workers: best {min(times):.2f} s, median {statistics.median(times):.2f} s"
        f" ({args.samples / min(times):,.0f} scenarios/s; target <= 30 s)"
    )
    if args.no_stress:
        return
    stress = stress_case()
    for jobs in (1, 2):
        seconds, result = run(stress, args.samples, jobs=jobs)
        print(
            f"stress ({result.profiles} distinct profiles), {jobs} worker(s): {seconds:.2f} s,"
            f" {seconds / max(result.profiles, 1):.3f} s per profile,"
            f" {args.samples / seconds:,.0f} scenarios/s"
        )


if __name__ == "__main__":
    main()
