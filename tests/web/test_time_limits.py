"""Validation and import run within a time limit, in worker processes the server can stop
(issue 13, section 1): a request that hits the limit gets a one-line 4xx answer, its worker
is stopped, and the next request is served by a fresh one."""

from __future__ import annotations

import operator
import os
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from detente import cases
from detente.errors import ModelError
from detente.web import WebSettings, create_app, service
from detente.web.service import WebLimits
from detente.web.time_limits import TimeLimitedWorkers, TimeLimitExceeded


@pytest.fixture
def workers() -> Iterator[TimeLimitedWorkers]:
    pool = TimeLimitedWorkers(seconds=1.0, size=1)
    yield pool
    pool.close()


def test_a_call_returns_its_value(workers: TimeLimitedWorkers) -> None:
    assert workers.run("adding", operator.add, 2, 3) == 5


def test_an_error_in_the_worker_is_raised_in_the_caller(workers: TimeLimitedWorkers) -> None:
    with pytest.raises(ModelError, match=r"^m\.yaml:\d+: malformed YAML"):
        workers.run("reading", service.parse_text, "a: [", "m.yaml")


def test_a_call_over_the_limit_stops_its_worker(workers: TimeLimitedWorkers) -> None:
    pid = workers.run("asking", os.getpid)
    start = time.perf_counter()
    with pytest.raises(TimeLimitExceeded, match=r"sleeping took longer than .* limit of 1 s"):
        workers.run("sleeping", time.sleep, 60)
    assert time.perf_counter() - start < 30  # the limit, not the minute the call wanted
    with pytest.raises(ProcessLookupError):  # that worker is gone ...
        os.kill(pid, 0)
    assert workers.run("adding", operator.add, 1, 1) == 2  # ... and a fresh one serves
    assert workers.run("asking", os.getpid) != pid


def test_the_limit_must_be_positive() -> None:
    with pytest.raises(ValueError, match="positive"):
        TimeLimitedWorkers(seconds=0)


@pytest.fixture
def hasty_client(tmp_path: Path) -> Iterator[Any]:
    """A workbench whose time limit no real check can meet."""
    settings = WebSettings(
        database=tmp_path / "workbench.sqlite3", limits=WebLimits(request_seconds=1e-4)
    )
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        yield client


def test_validation_over_the_limit_is_a_one_line_4xx(hasty_client: Any) -> None:
    text = cases.case_path("elmira").read_text(encoding="utf-8")
    response = hasty_client.post("/api/validate", json={"text": text})
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert "checking the model took longer than the server's limit" in detail
    assert "\n" not in detail


def test_import_over_the_limit_is_a_one_line_4xx(hasty_client: Any) -> None:
    text = cases.case_path("elmira").read_text(encoding="utf-8")
    response = hasty_client.post("/api/import", json={"filename": "e.yaml", "content": text})
    assert response.status_code == 422, response.text
    assert "reading the file took longer than" in response.json()["detail"]
    assert hasty_client.get("/api/models").json() == []  # nothing half-imported
