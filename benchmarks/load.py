"""Load test of the web workbench: concurrent clients analysing the bundled cases.

Starts ``detente serve`` on 127.0.0.1 (a free port, a temporary database), then runs
``--clients`` threads (default 20) for ``--duration`` seconds (default 30), each sending a
mix of requests a page would send: live validation, stability analyses with random sets of
solution concepts, explanations of random states, status quo analyses, strategy
comparisons, library listings.  Reports the number of requests, errors (any answer >= 400
or failed request; must be 0) and latency percentiles, overall and per endpoint.

    .venv/bin/python benchmarks/load.py [--clients 20] [--duration 30]

Traffic goes only to the server this script starts on the loopback address; the loop is
bounded by the duration.  Exit status 1 if any request failed.
"""

from __future__ import annotations

import argparse
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import numpy as np

CONCEPTS = ["Nash", "GMR", "SMR", "SEQ", "SIM", "SEQSIM"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(port: int, database: Path) -> subprocess.Popen:
    process = subprocess.Popen(
        [sys.executable, "-m", "detente.cli", "serve", "--port", str(port), "--db", str(database)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(
                f"the server stopped: {process.stdout.read() if process.stdout else ''}"
            )
        try:
            if httpx.get(f"http://127.0.0.1:{port}/api/health", timeout=1).status_code == 200:
                return process
        except httpx.HTTPError:
            time.sleep(0.2)
    process.kill()
    raise RuntimeError("the server did not start within 60 s")


class Recorder:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.latency: dict[str, list[float]] = defaultdict(list)
        self.errors: list[str] = []

    def add(self, name: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.latency[name].append(seconds)
            if error:
                self.errors.append(f"{name}: {error}")


def client_loop(
    base: str,
    cases: dict[str, dict[str, Any]],
    sizes: dict[str, int],
    stop_at: float,
    seed: int,
    recorder: Recorder,
) -> None:
    rng = random.Random(seed)
    names = sorted(cases)
    with httpx.Client(base_url=base, timeout=180) as http:
        while time.monotonic() < stop_at:
            name = rng.choice(names)
            model = cases[name]
            roll = rng.random()
            if roll < 0.35:
                concepts = [c for c in CONCEPTS if rng.random() < 0.5] or ["Nash"]
                request = (
                    "analyze",
                    "POST",
                    "/api/analyze",
                    {"model": model, "concepts": concepts},
                )
            elif roll < 0.55:
                request = ("validate", "POST", "/api/validate", {"model": model})
            elif roll < 0.70:
                state = rng.randint(1, sizes[name])
                body = {"model": model, "state": state, "concepts": [rng.choice(CONCEPTS)]}
                request = ("explain", "POST", "/api/explain", body)
            elif roll < 0.80:
                body = {"model": model, "concepts": ["Nash", "SEQ"]}
                request = ("paths", "POST", "/api/paths", body)
            elif roll < 0.85 and cases[name].get("strategies"):
                request = (
                    "compare",
                    "POST",
                    "/api/compare",
                    {"model": model, "concepts": ["Nash"]},
                )
            else:
                request = ("library", "GET", "/api/models", None)
            label, method, path, body = request
            started = time.perf_counter()
            error = None
            try:
                response = http.request(method, path, json=body)
                if response.status_code >= 400:
                    error = f"{response.status_code} {response.text[:200]}"
            except httpx.HTTPError as exc:
                error = f"{type(exc).__name__}: {exc}"
            recorder.add(label, time.perf_counter() - started, error)


def percentiles(values: list[float]) -> tuple[float, float, float]:
    array = np.asarray(values) * 1000
    return tuple(float(np.percentile(array, q)) for q in (50, 90, 99))  # type: ignore[return-value]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=30.0)
    args = parser.parse_args()
    if not 1 <= args.clients <= 200 or not 1 <= args.duration <= 600:
        parser.error("1..200 clients for 1..600 s")
    with tempfile.TemporaryDirectory() as folder:
        port = free_port()
        server = start_server(port, Path(folder) / "load.sqlite3")
        base = f"http://127.0.0.1:{port}"
        try:
            cases = {
                c["name"]: httpx.get(f"{base}/api/cases/{c['name']}").json()["model"]
                for c in httpx.get(f"{base}/api/cases").json()
            }
            sizes = {
                name: httpx.post(f"{base}/api/validate", json={"model": m}).json()["n_states"]
                for name, m in cases.items()
            }
            for name in cases:  # the library is not empty
                httpx.post(f"{base}/api/cases/{name}/copy")
            recorder = Recorder()
            started = time.monotonic()
            stop_at = started + args.duration
            threads = [
                threading.Thread(
                    target=client_loop, args=(base, cases, sizes, stop_at, k, recorder)
                )
                for k in range(args.clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.monotonic() - started
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
    every = [x for values in recorder.latency.values() for x in values]
    p50, p90, p99 = percentiles(every)
    print(f"{args.clients} clients for {args.duration:.0f} s against {base} (bundled cases)")
    print(f"requests: {len(every)} in {elapsed:.1f} s ({len(every) / elapsed:.1f}/s)")
    print(f"errors: {len(recorder.errors)}")
    print(f"latency: p50 {p50:.0f} ms, p90 {p90:.0f} ms, p99 {p99:.0f} ms")
    print()
    print("| endpoint | requests | p50 ms | p90 ms | p99 ms |")
    print("|---|---:|---:|---:|---:|")
    for name in sorted(recorder.latency):
        q50, q90, q99 = percentiles(recorder.latency[name])
        print(f"| {name} | {len(recorder.latency[name])} | {q50:.0f} | {q90:.0f} | {q99:.0f} |")
    print(f"| **all** | {len(every)} | {p50:.0f} | {p90:.0f} | {p99:.0f} |")
    for line in recorder.errors[:20]:
        print("error:", line, file=sys.stderr)
    return 1 if recorder.errors else 0


if __name__ == "__main__":
    sys.exit(main())
