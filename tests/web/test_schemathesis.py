"""Property-based tests of the API against its own OpenAPI description (schemathesis): no
request that schemathesis generates, valid or deliberately invalid, may cause a server error
(5xx), and every error answer is one line of JSON.  The requests go to a live server."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode

from detente.web import WebSettings, create_app

from .conftest import LiveServer


def _openapi() -> dict:
    with tempfile.TemporaryDirectory() as folder:
        return create_app(WebSettings(database=Path(folder) / "spec.sqlite3")).openapi()


SPEC = _openapi()
SCHEMA = schemathesis.openapi.from_dict(SPEC)
OPERATIONS = [
    (path, method.upper())
    for path, methods in SPEC["paths"].items()
    for method in methods
    if method in ("get", "post", "put", "patch", "delete")
]


@pytest.mark.parametrize(("path", "method"), OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_no_server_errors(live_server: LiveServer, path: str, method: str) -> None:
    operation = SCHEMA[path][method]

    @given(
        case=st.one_of(
            operation.as_strategy(generation_mode=GenerationMode.POSITIVE),
            operation.as_strategy(generation_mode=GenerationMode.NEGATIVE),
        )
    )
    @settings(
        max_examples=30,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def check(case) -> None:
        response = case.call(base_url=live_server.url, timeout=120)
        assert response.status_code < 500, (
            f"{case.method} {case.formatted_path} -> {response.status_code}: {response.text[:500]}"
        )
        if response.status_code >= 400:
            body = response.json()
            assert isinstance(body.get("detail"), str) and "\n" not in body["detail"]

    check()
