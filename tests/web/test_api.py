"""API tests of the workbench: every endpoint, good and bad input (clear 4xx errors, nothing
stored), optimistic concurrency, jobs (progress, cancel), the access token, migrations."""

from __future__ import annotations

import contextlib
import json
import socket
import sqlite3
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

import detente
from detente.errors import DetenteError
from detente.io.files import model_to_data
from detente.web import WebLimits, WebSettings, create_app
from detente.web.schemas import ErrorBody
from detente.web.server import is_loopback, prepare
from detente.web.storage import MIGRATIONS, Storage, VersionConflict

from ..conflicts import slow_model

DATA = Path(__file__).resolve().parent.parent / "data"


def case_doc(name: str) -> dict[str, Any]:
    return model_to_data(detente.load_case(name))


PD = case_doc("prisoners-dilemma")


def one_line(body: dict[str, Any]) -> str:
    detail = body["detail"]
    assert isinstance(detail, str) and detail and "\n" not in detail
    assert "Traceback" not in detail
    return detail


def create(client, doc: dict[str, Any] | None = None) -> dict[str, Any]:
    response = client.post("/api/models", json={"model": doc or PD})
    assert response.status_code == 201, response.text
    return response.json()


def wait_job(client, job_id: str, timeout: float = 60) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while True:
        info = client.get(f"/api/jobs/{job_id}").json()
        if info["status"] not in ("queued", "running"):
            return info
        assert time.monotonic() < deadline, info
        time.sleep(0.05)


# -- service --------------------------------------------------------------------------------------
def test_health_limits_schema_and_openapi(client) -> None:
    assert client.get("/api/health").json()["status"] == "ok"
    limits = client.get("/api/limits").json()
    assert limits["max_states"] == WebLimits().max_states
    assert limits["token_required"] is False
    assert client.get("/api/schema").json()["title"]
    spec = client.get("/api/openapi.json").json()
    for kind in ("analyze", "explain", "paths", "coalitions", "compare", "sweep", "hypergame"):
        assert f"/api/{kind}" in spec["paths"]
    for kind in ("uncertainty", "inverse", "report"):
        assert f"/api/jobs/{kind}" in spec["paths"]
    assert client.get("/api/docs").status_code == 200


def test_pages_and_static_files_are_served_with_security_headers(client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert '<script src="/static/app.js"' in page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert page.headers["x-frame-options"] == "DENY"
    for name in ("app.js", "app.css"):
        assert client.get(f"/static/{name}").status_code == 200
    missing = client.get("/static/../../etc/passwd")
    assert missing.status_code == 404


def test_unknown_address_and_method(client) -> None:
    response = client.get("/api/nothing")
    assert response.status_code == 404
    assert "no such address" in one_line(response.json())
    response = client.delete("/api/cases")
    assert response.status_code == 405
    one_line(response.json())


# -- cases ----------------------------------------------------------------------------------------
def test_cases(client) -> None:
    cases = client.get("/api/cases").json()
    names = [c["name"] for c in cases]
    assert names == detente.list_cases()
    nk = next(c for c in cases if c["name"] == "north-korea")
    assert nk["n_dms"] == 4 and nk["n_options"] == 10
    case = client.get("/api/cases/elmira").json()
    assert case["model"]["name"] == detente.load_case("elmira").name
    assert "decision_makers:" in case["yaml"]
    missing = client.get("/api/cases/atlantis")
    assert missing.status_code == 404
    assert "atlantis" in one_line(missing.json())
    copy = client.post("/api/cases/chicken/copy")
    assert copy.status_code == 201
    assert copy.json()["name"] == "Chicken" and copy.json()["version"] == 1
    assert client.post("/api/cases/atlantis/copy").status_code == 404


# -- models ---------------------------------------------------------------------------------------
def test_create_get_list_models(client) -> None:
    record = create(client)
    assert record["name"] == "Prisoner's Dilemma"
    assert (record["n_states"], record["n_dms"], record["n_options"]) == (4, 2, 2)
    again = client.get(f"/api/models/{record['id']}").json()
    assert again["model"] == record["model"]
    assert detente.Conflict.model_validate(again["model"]) == detente.load_case("prisoners-dilemma")
    listed = client.get("/api/models").json()
    assert [m["id"] for m in listed] == [record["id"]]
    assert "model" not in listed[0]


@pytest.mark.parametrize(
    ("change", "where", "words"),
    [
        (lambda d: d.pop("options"), ["options"], "missing"),
        (
            lambda d: d["decision_makers"][0]["preferences"].update(ranking=["YN", "NN", "YY"]),
            ["decision_makers", 0, "preferences", "ranking"],
            "misses",
        ),
        (
            lambda d: d["decision_makers"][1].update(preferences={"prioritization": ["B and"]}),
            ["decision_makers", 1, "preferences", "prioritization", 0],
            "statement",
        ),
        (lambda d: d.update(status_quo="QQ"), ["status_quo"], "QQ"),
    ],
)
def test_invalid_models_are_refused_and_nothing_is_stored(client, change, where, words) -> None:
    doc = json.loads(json.dumps(PD))
    change(doc)
    response = client.post("/api/models", json={"model": doc})
    assert response.status_code == 422
    body = response.json()
    assert words in one_line(body)
    assert body["loc"] == where
    assert client.get("/api/models").json() == []


def test_malformed_requests_are_clear_422(client) -> None:
    for body in ({}, {"model": "text"}, {"model": PD, "extra": 1}):
        response = client.post("/api/models", json=body)
        assert response.status_code == 422
        one_line(response.json())
    response = client.post(
        "/api/models", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert response.status_code == 422
    assert "not valid JSON" in one_line(response.json())
    deep = "[" * 5000 + "]" * 5000
    response = client.post(
        "/api/models",
        content=('{"model": {"a": ' + deep + "}}").encode(),
        headers={"content-type": "application/json"},
    )
    assert response.status_code in (413, 422)
    one_line(response.json())
    assert client.get("/api/models").json() == []


def test_model_size_and_body_size_are_capped(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    limits = WebLimits(max_states=64, max_body_bytes=50_000)
    app = create_app(WebSettings(database=tmp_path / "db.sqlite3", limits=limits))
    with TestClient(app, base_url="http://127.0.0.1") as client:
        big = {
            "options": [{"name": f"o{k}"} for k in range(7)],
            "decision_makers": [
                {
                    "name": "A",
                    "options": [f"o{k}" for k in range(7)],
                    "preferences": {"prioritization": ["o0"]},
                }
            ],
        }
        response = client.post("/api/models", json={"model": big})
        assert response.status_code == 413
        assert "128 option combinations" in one_line(response.json())
        assert "64" in response.json()["detail"]
        response = client.post("/api/analyze", json={"model": big})
        assert response.status_code == 413
        validation = client.post("/api/validate", json={"model": big}).json()
        assert not validation["valid"]
        assert "128" in validation["errors"][0]["message"]
        padding = {**PD, "description": "x" * 60_000}
        response = client.post("/api/models", json={"model": padding})
        assert response.status_code == 413
        assert "larger than this server accepts" in one_line(response.json())
        assert client.get("/api/models").json() == []


def test_a_body_without_length_is_counted_as_it_arrives(tmp_path: Path) -> None:
    import asyncio

    from detente.web.app import GuardMiddleware

    reached = []

    async def app(scope, receive, send) -> None:
        while (await receive()).get("more_body"):
            pass
        reached.append(True)

    settings = WebSettings(database=tmp_path / "db", limits=WebLimits(max_body_bytes=1000))
    guard = GuardMiddleware(app, settings)
    chunks = [{"type": "http.request", "body": b"x" * 400, "more_body": True}] * 5
    sent: list[dict] = []

    async def receive() -> dict:
        return chunks.pop(0)

    async def send(message: dict) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/api/models",
        "headers": [(b"host", b"127.0.0.1")],
    }
    asyncio.run(guard(scope, receive, send))
    assert not reached
    assert sent[0]["status"] == 413
    assert b"larger than this server accepts" in sent[1]["body"]


def test_a_large_chunked_upload_is_413_not_invalid_json(client) -> None:
    # 26 MB sent without Content-Length (chunked): the cap is met while the body is read.
    def chunks() -> Iterator[bytes]:
        yield b'{"content": "'
        for _ in range(26):
            yield b"x" * 2**20
        yield b'", "filename": "big.yaml"}'

    for path in ("/api/import", "/api/models", "/api/validate"):
        response = client.post(path, content=chunks(), headers={"content-type": "application/json"})
        assert "content-length" not in response.request.headers
        assert response.status_code == 413, (path, response.text)
        assert "larger than this server accepts" in one_line(response.json())
    assert client.get("/api/models").json() == []


def test_every_422_answer_is_declared_as_the_error_body(client) -> None:
    # FastAPI declares its own 422 body (``detail`` an array) unless told otherwise; detente
    # answers an ErrorBody (``detail`` one line), so every operation that can fail
    # validation must declare that.
    spec = client.get("/api/openapi.json").json()
    undeclared = [
        f"{method.upper()} {path}"
        for path, operations in spec["paths"].items()
        for method, operation in operations.items()
        if (operation.get("parameters") or operation.get("requestBody"))
        and operation["responses"].get("422", {}).get("content", {}).get("application/json", {})
        != {"schema": {"$ref": "#/components/schemas/ErrorBody"}}
    ]
    assert undeclared == []
    assert "HTTPValidationError" not in spec["components"]["schemas"]
    response = client.post("/api/convert", json={"format": "nope"})
    assert response.status_code == 422
    assert isinstance(ErrorBody.model_validate(response.json()).detail, str)


def test_save_increments_version_and_conflicts_are_409(client) -> None:
    record = create(client)
    model_id = record["id"]
    doc = record["model"]
    doc["description"] = "first tab"
    first = client.put(f"/api/models/{model_id}", json={"model": doc, "version": 1})
    assert first.status_code == 200
    assert first.json()["version"] == 2
    doc["description"] = "second tab, started from version 1"
    second = client.put(f"/api/models/{model_id}", json={"model": doc, "version": 1})
    assert second.status_code == 409
    message = one_line(second.json())
    assert "changed elsewhere" in message and "version 1" in message and "version 2" in message
    assert second.json()["current_version"] == 2
    stored = client.get(f"/api/models/{model_id}").json()
    assert stored["model"]["description"] == "first tab" and stored["version"] == 2


def test_invalid_save_keeps_the_stored_model(client) -> None:
    record = create(client)
    bad = {**record["model"], "status_quo": "ZZ"}
    response = client.put(f"/api/models/{record['id']}", json={"model": bad, "version": 1})
    assert response.status_code == 422
    stored = client.get(f"/api/models/{record['id']}").json()
    assert stored["version"] == 1 and stored["model"] == record["model"]
    assert client.put("/api/models/nope", json={"model": PD, "version": 1}).status_code == 404
    response = client.put(f"/api/models/{record['id']}", json={"model": PD, "version": 0})
    assert response.status_code == 422


def test_rename_duplicate_delete(client) -> None:
    record = create(client)
    model_id = record["id"]
    renamed = client.patch(f"/api/models/{model_id}", json={"name": "  PD mine ", "version": 1})
    assert renamed.status_code == 200
    assert renamed.json()["name"] == "PD mine" and renamed.json()["model"]["name"] == "PD mine"
    stale = client.patch(f"/api/models/{model_id}", json={"name": "x", "version": 1})
    assert stale.status_code == 409
    empty = client.patch(f"/api/models/{model_id}", json={"name": "", "version": 2})
    assert empty.status_code == 422
    copy = client.post(f"/api/models/{model_id}/duplicate")
    assert copy.status_code == 201
    assert copy.json()["name"] == "PD mine (copy)" and copy.json()["id"] != model_id
    named = client.post(f"/api/models/{model_id}/duplicate", json={"name": "Other"})
    assert named.json()["name"] == "Other"
    assert client.post("/api/models/nope/duplicate").status_code == 404
    assert client.delete(f"/api/models/{model_id}?version=1").status_code == 409
    assert client.delete(f"/api/models/{model_id}?version=2").status_code == 204
    assert client.get(f"/api/models/{model_id}").status_code == 404
    assert client.delete(f"/api/models/{model_id}").status_code == 404
    assert len(client.get("/api/models").json()) == 2


def test_export_and_import_round_trip(client) -> None:
    record = client.post("/api/cases/north-korea/copy").json()
    for fmt in ("yaml", "json"):
        response = client.get(f"/api/models/{record['id']}/export?format={fmt}")
        assert response.status_code == 200
        disposition = response.headers["content-disposition"]
        assert disposition == f'attachment; filename="north-korea-nuclear-crisis-2017.{fmt}"'
        data = yaml.safe_load(response.text) if fmt == "yaml" else json.loads(response.text)
        assert data["format"] == "detente/1"
        imported = client.post(
            "/api/import", json={"content": response.text, "filename": f"nk.{fmt}"}
        )
        assert imported.status_code == 201
        assert imported.json()["model"] == record["model"]
    assert client.get(f"/api/models/{record['id']}/export?format=xml").status_code == 422
    assert client.get("/api/models/nope/export").status_code == 404


def test_import_gmcr_and_bad_files(client) -> None:
    text = (DATA / "elmira.gmcr").read_text(encoding="utf-8")
    response = client.post(
        "/api/import", json={"content": text, "filename": "elmira.gmcr", "name": "Elmira (gmcr)"}
    )
    assert response.status_code == 201
    assert response.json()["name"] == "Elmira (gmcr)"
    bad = client.post(
        "/api/import", json={"content": "options:\n  - name: a\n   bad: 1\n", "filename": "x.yaml"}
    )
    assert bad.status_code == 422
    body = bad.json()
    assert "malformed YAML" in one_line(body) and body["line"] == 3
    bad = client.post("/api/import", json={"content": "{", "filename": "x.json"})
    assert bad.status_code == 422 and "malformed JSON" in one_line(bad.json())
    bad = client.post("/api/import", json={"content": "[1, 2]", "filename": "x.gmcr"})
    assert bad.status_code == 422
    one_line(bad.json())
    # The file name only tells the format: it is never opened.
    tricky = client.post(
        "/api/import", json={"content": yaml.safe_dump(PD), "filename": "/etc/passwd"}
    )
    assert tricky.status_code == 201
    assert len(client.get("/api/models").json()) == 2


def test_convert(client) -> None:
    text = client.post("/api/convert", json={"model": PD}).json()["text"]
    assert yaml.safe_load(text) == PD
    broken = {"options": "not a list"}
    assert "not a list" in client.post("/api/convert", json={"model": broken}).json()["text"]
    as_json = client.post("/api/convert", json={"model": PD, "format": "json"}).json()["text"]
    assert json.loads(as_json) == PD


# -- validation -----------------------------------------------------------------------------------
def test_validate_valid_model_reports_states_and_rankings(client) -> None:
    doc = case_doc("chicken")
    doc["decision_makers"][1]["preferences"] = {
        "prioritization": ["not A_defects", "B_defects iff not A_defects"]
    }
    result = client.post("/api/validate", json={"model": doc}).json()
    assert result["valid"] and result["errors"] == []
    assert (result["n_states"], result["n_combinations"]) == (4, 4)
    assert result["status_quo"] == {"id": 1, "label": "NN"}
    assert [s["label"] for s in result["states"]] == ["NN", "YN", "NY", "YY"]
    rankings = {r["dm"]: r for r in result["rankings"]}
    a = rankings["A"]
    assert a["form"] == "ranking"
    groups = [[s["label"] for s in g["states"]] for g in a["groups"]]
    assert groups == [["YN"], ["NN"], ["NY"], ["YY"]]
    b = rankings["B"]
    assert b["form"] == "prioritization"
    first = b["groups"][0]
    assert first["states"][0]["label"] == "NY"
    assert first["satisfied"] == [[True, True]]


def test_validate_marks_every_bad_statement_and_still_counts_states(client) -> None:
    doc = case_doc("north-korea")
    doc["decision_makers"][0]["preferences"]["prioritization"][2] = "not tests and"
    doc["decision_makers"][1]["preferences"]["prioritization"][0] = "not strik"
    doc["outcomes"][0]["when"] = "deal)"
    result = client.post("/api/validate", json={"model": doc}).json()
    assert not result["valid"]
    where = {e["where"] for e in result["errors"]}
    assert where == {
        "decision_makers[0].preferences.prioritization[2]",
        "decision_makers[1].preferences.prioritization[0]",
        "outcomes[0].when",
    }
    assert result["n_states"] == 1537
    assert result["rankings"] == []
    assert any("unknown option 'strik'" in e["message"] for e in result["errors"])


def test_validate_text_gives_lines_and_the_parsed_document(client) -> None:
    text = (
        "options:\n  - name: a\n  - name: b\ndecision_makers:\n  - name: X\n    options: [a, b]\n"
        "    preferences:\n      prioritization: [a, c]\n"
    )
    result = client.post("/api/validate", json={"text": text}).json()
    assert result["document"]["options"] == [{"name": "a"}, {"name": "b"}]
    (error,) = result["errors"]
    assert error["line"] == 8 and "unknown option 'c'" in error["message"]
    assert result["n_states"] == 4
    result = client.post("/api/validate", json={"text": "options: [\n"}).json()
    assert result["document"] is None and result["errors"][0]["line"] == 2
    result = client.post("/api/validate", json={"text": "- 1\n"}).json()
    assert "expected a model" in result["errors"][0]["message"]
    assert client.post("/api/validate", json={}).status_code == 422
    assert client.post("/api/validate", json={"model": PD, "text": "x"}).status_code == 422


def test_validate_ranking_and_status_quo_problems(client) -> None:
    doc = json.loads(json.dumps(PD))
    doc["decision_makers"][0]["preferences"]["ranking"] = ["YN", "NN", "YY"]
    doc["status_quo"] = "YX"
    result = client.post("/api/validate", json={"model": doc}).json()
    messages = {e["where"]: e["message"] for e in result["errors"]}
    assert "misses feasible state(s) 3 (NY)" in messages["decision_makers[0].preferences.ranking"]
    assert "status_quo" in messages
    assert [r["dm"] for r in result["rankings"]] == ["B"]


# -- analyses -------------------------------------------------------------------------------------
def test_analyze_inline_and_saved_models(client) -> None:
    result = client.post("/api/analyze", json={"model": PD}).json()
    reference = detente.analyze(detente.load_case("prisoners-dilemma")).to_json()
    for key in ("states", "stability", "equilibria"):
        assert result[key] == reference[key]
    assert result["equilibria"]["Nash"] == [4]
    assert result["status_quo"] == 1 and result["decision_makers"] == ["A", "B"]
    assert result["descriptions"][3] == "A_defects, B_defects"
    record = create(client)
    saved = client.post("/api/analyze", json={"model_id": record["id"], "concepts": ["nash"]})
    assert saved.json()["equilibria"] == {"Nash": [4]}
    nk = client.post("/api/analyze", json={"model": case_doc("north-korea"), "concepts": ["Nash"]})
    nk = nk.json()
    assert nk["equilibria"]["Nash"] == [12, 279, 381, 382, 383, 384, 385, 1388]
    assert nk["outcomes"] == ["deal", "talks", "stalemate", "war"]
    assert nk["state_outcomes"][11] == [3]


def test_analysis_requests_with_bad_input(client) -> None:
    cases = [
        ({"model": PD, "concepts": ["Nashy"]}, 422, "unknown solution concept"),
        ({}, 422, "exactly one of model, model_id"),
        ({"model": PD, "model_id": "x"}, 422, "exactly one of model, model_id"),
        ({"model_id": "nope"}, 404, "no model"),
        ({"model": {"options": []}}, 422, "options"),
        ({"model": PD, "concepts": ["L2", "NM"]}, 200, None),
    ]
    for body, status, words in cases:
        response = client.post("/api/analyze", json=body)
        assert response.status_code == status, (body, response.text)
        if words:
            assert words in one_line(response.json())


def test_cached_results_are_stored_once(client, settings: WebSettings) -> None:
    storage = Storage(settings.database)
    assert storage.count_results() == 0
    first = client.post("/api/analyze", json={"model": PD}).json()
    assert storage.count_results() == 1
    second = client.post("/api/analyze", json={"model": PD}).json()
    assert first == second and storage.count_results() == 1
    client.post("/api/analyze", json={"model": PD, "concepts": ["Nash"]})
    assert storage.count_results() == 2


def test_explain(client) -> None:
    result = client.post("/api/explain", json={"model": PD, "state": "NN", "dm": "A"}).json()
    assert result["state"]["id"] == 1
    nash = next(e for e in result["explanations"] if e["concept"] == "Nash")
    assert nash["dm"] == "A" and nash["stable"] is False
    assert any("state 2" in sentence for sentence in nash["sentences"])
    by_number = client.post("/api/explain", json={"model": PD, "state": "4", "concepts": ["SEQ"]})
    assert {e["dm"] for e in by_number.json()["explanations"]} == {"A", "B"}
    for body, words in (
        ({"model": PD, "state": 9}, "does not exist"),
        ({"model": PD, "state": "NN", "dm": "Z"}, "Z"),
        ({"model": PD, "state": "NN", "concepts": ["L2"]}, "explanations cover"),
    ):
        response = client.post("/api/explain", json=body)
        assert response.status_code == 422
        assert words in one_line(response.json())


def test_states(client) -> None:
    result = client.post("/api/states", json={"model": PD, "offset": 1, "limit": 2}).json()
    assert result["n_states"] == 4
    assert [s["label"] for s in result["states"]] == ["YN", "NY"]


def test_paths_and_graph(client) -> None:
    result = client.post("/api/paths", json={"model": case_doc("elmira"), "concepts": ["Nash"]})
    data = result.json()
    targets = {t["id"]: t for t in data["analysis"]["targets"]}
    assert targets[5]["reachable"] and targets[5]["steps"] == 1
    graph = data["graph"]
    ids = {n["id"] for n in graph["nodes"]}
    assert {1, 5} <= ids and set(graph["positions"]) == {str(i) for i in ids}
    assert any(e["on_path"] for e in graph["edges"])
    response = client.post("/api/paths", json={"model": PD, "start": "QQ"})
    assert response.status_code == 422
    one_line(response.json())
    response = client.post("/api/paths", json={"model": PD, "moves": "teleport"})
    assert response.status_code == 422


def test_coalitions(client) -> None:
    data = client.post("/api/coalitions", json={"model": case_doc("elmira")}).json()
    assert data["equilibria"] == [5, 8, 9] and data["coalition_equilibria"] == [8, 9]
    assert data["breaks"][0]["coalition"] == ["MoE", "Uniroyal"]
    response = client.post(
        "/api/coalitions", json={"model": case_doc("elmira"), "coalitions": ["MoE+Nobody"]}
    )
    assert response.status_code == 422
    response = client.post("/api/coalitions", json={"model": PD, "concept": "SIM"})
    assert response.status_code == 422
    assert "coalition analysis covers" in one_line(response.json())


def test_compare_and_sweep(client) -> None:
    nk = case_doc("north-korea")
    data = client.post("/api/compare", json={"model": nk, "concepts": ["Nash"]}).json()
    names = [s["name"] for s in data["strategies"]]
    assert names[0] == "no commitment" and "maximum pressure" in names
    response = client.post("/api/compare", json={"model": PD})
    assert response.status_code == 422
    assert "no strategies" in one_line(response.json())
    sweep = client.post(
        "/api/sweep", json={"model": nk, "option": "sanctions", "concepts": ["Nash", "SEQ"]}
    ).json()
    assert sweep["levels"] == list(range(11)) and len(sweep["level_texts"]) == 11
    assert set(sweep["cells"]) == {"reachable", "all"}
    assert len(sweep["cells"]["all"]["Nash"]) == 11
    response = client.post("/api/sweep", json={"model": nk, "option": "nothing"})
    assert response.status_code == 422
    assert "unknown option" in one_line(response.json())


def test_hypergame(client) -> None:
    nk = case_doc("north-korea")
    data = client.post("/api/hypergame", json={"model": nk, "concepts": ["Nash"]}).json()
    assert data["hypergame"]["misperceiving"] == ["NorthKorea"]
    fixed = client.post(
        "/api/hypergame",
        json={"model": nk, "concepts": ["Nash"], "correct": ["regime change after disarmament"]},
    ).json()
    expected = fixed["correction"]["changes"]["Nash"]["expected_equilibria"]["NorthKorea"]
    assert expected["now_expected"] == [381, 382, 383, 384, 385]
    response = client.post("/api/hypergame", json={"model": nk, "correct": ["no such"]})
    assert response.status_code == 422


def test_uncertainty(client) -> None:
    data = client.post(
        "/api/uncertainty", json={"model": case_doc("north-korea"), "concepts": ["Nash"]}
    ).json()
    # 4 alternatives of North Korea x 2 orders of the US.
    assert data["method"] == "exact" and data["complete"] and data["scenarios"] == 8
    # Talks for sure; the deal only under "pressure works" (weight 0.2 of 1.2).
    assert data["strategies"]["pressure with an assurance"]["Nash"] == {
        "talks": 1.0,
        "deal": pytest.approx(1 / 6, abs=1e-6),
    }
    response = client.post("/api/uncertainty", json={"model": PD, "samples": 0})
    assert response.status_code == 422


def test_inverse(client) -> None:
    data = client.post("/api/inverse", json={"model": PD, "target": "NN"}).json()
    assert data["found"] and data["size"] == 2
    response = client.post("/api/inverse", json={"model": PD, "target": "NN", "dms": ["Q"]})
    assert response.status_code == 422
    response = client.post("/api/inverse", json={"model": PD, "target": "NN", "max_changes": 99})
    assert response.status_code == 422


def test_report(client) -> None:
    # The brief is part of the package: the workbench offers it and it builds.
    assert client.get("/api/limits").json()["report"] is True
    response = client.post("/api/report", json={"model": PD})
    assert response.status_code == 200
    assert "<html" in response.json()["html"].lower()


# -- jobs -----------------------------------------------------------------------------------------
def test_job_runs_in_the_background_and_matches_the_direct_answer(client) -> None:
    nk = case_doc("north-korea")
    started = client.post("/api/jobs/uncertainty", json={"model": nk, "concepts": ["Nash"]})
    assert started.status_code == 202
    info = started.json()
    assert info["status"] in ("queued", "running", "done") and info["result"] is None
    done = wait_job(client, info["id"])
    assert done["status"] == "done" and done["progress"]["fraction"] == 1.0
    direct = client.post("/api/uncertainty", json={"model": nk, "concepts": ["Nash"]}).json()
    for key in ("states", "strategies", "factors"):
        assert done["result"][key] == direct[key]
    listed = client.get("/api/jobs").json()
    assert info["id"] in [j["id"] for j in listed] and all(j["result"] is None for j in listed)
    again = client.post("/api/jobs/uncertainty", json={"model": nk, "concepts": ["Nash"]}).json()
    assert again["status"] == "done" and "cache" in again["progress"]["message"]


def test_job_errors_are_reported_before_or_after_starting(client) -> None:
    response = client.post("/api/jobs/analyze", json={"model": {"options": []}})
    assert response.status_code == 422
    info = client.post(
        "/api/jobs/compare", json={"model": PD, "concepts": ["Nash"]}
    ).json()  # valid model, but no strategies: fails inside the job
    done = wait_job(client, info["id"])
    assert done["status"] == "failed" and done["error_status"] == 422
    assert "no strategies" in done["error"]["detail"]
    assert client.get("/api/jobs/nope").status_code == 404
    assert client.delete("/api/jobs/nope").status_code == 404


def test_cancel_stops_a_running_job(client) -> None:
    response = client.post(
        "/api/jobs/analyze", json={"model": slow_model(), "concepts": ["SIM", "SEQSIM", "NM"]}
    )
    info = response.json()
    deadline = time.monotonic() + 30
    while client.get(f"/api/jobs/{info['id']}").json()["status"] == "queued":
        assert time.monotonic() < deadline
        time.sleep(0.05)
    cancelled = client.delete(f"/api/jobs/{info['id']}")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    job = client.app.state.jobs().get(info["id"])
    deadline = time.monotonic() + 10
    while job.process is not None:
        assert time.monotonic() < deadline, "the worker process was not stopped"
        time.sleep(0.05)
    assert client.get(f"/api/jobs/{info['id']}").json()["status"] == "cancelled"
    # A cancelled job gives no result, and nothing was cached.
    assert client.get(f"/api/jobs/{info['id']}").json()["result"] is None


# -- access token and hosts -----------------------------------------------------------------------
def test_token_is_required_on_every_request(tmp_path: Path) -> None:
    from fastapi.testclient import TestClient

    app = create_app(WebSettings(database=tmp_path / "db.sqlite3", token="s3cret"))
    with TestClient(app, base_url="http://192.0.2.10") as client:
        for path in ("/", "/api/models", "/static/app.js", "/api/openapi.json"):
            response = client.get(path)
            assert response.status_code == 401, path
            assert "access token" in one_line(response.json())
            assert response.headers["www-authenticate"] == "Bearer"
        wrong = client.get("/api/models", headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        assert client.get("/api/models?token=nope").status_code == 401
        ok = client.get("/api/models", headers={"Authorization": "Bearer s3cret"})
        assert ok.status_code == 200
        page = client.get("/?token=s3cret")
        assert page.status_code == 200
        assert "detente_token=s3cret" in page.headers["set-cookie"]
        assert "HttpOnly" in page.headers["set-cookie"]
        # The page's later requests carry the cookie.
        assert client.get("/static/app.js").status_code == 200
        client.cookies.clear()
        assert client.get("/static/app.js").status_code == 401
        response = client.post(
            "/api/models", json={"model": PD}, headers={"Authorization": "Bearer s3cret"}
        )
        assert response.status_code == 201


def test_without_token_only_loopback_hosts_are_answered(client) -> None:
    assert client.get("/api/health", headers={"host": "localhost:8000"}).status_code == 200
    assert client.get("/api/health", headers={"host": "[::1]:8000"}).status_code == 200
    response = client.get("/api/health", headers={"host": "attacker.example:8000"})
    assert response.status_code == 400
    assert "loopback" in one_line(response.json())


def test_serve_settings() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.0.2.1")
    settings, url, generated = prepare("0.0.0.0", 8123, Path("x.db"))
    assert generated and settings.token
    assert url == f"http://{socket.gethostname()}:8123/?token={settings.token}"
    settings, url, generated = prepare("127.0.0.1", 8000, Path("x.db"))
    assert not generated and settings.token is None and url == "http://127.0.0.1:8000/"
    settings, _url, generated = prepare("10.1.2.3", 8000, Path("x.db"), token="mine")
    assert settings.token == "mine" and not generated
    settings, _url, _generated = prepare("127.0.0.1", 8000, Path("x.db"), max_states=99)
    assert settings.limits.max_states == 99


def test_serve_refuses_a_busy_port(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from detente.cli import main

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = CliRunner().invoke(
            main, ["serve", "--port", str(port), "--db", str(tmp_path / "db.sqlite3")]
        )
    assert result.exit_code == 2
    assert result.output.strip() == (
        f"detente: error: port {port} is already in use on 127.0.0.1; choose another with --port"
    )


def test_serve_names_an_unusable_database(tmp_path: Path) -> None:
    from detente.web.server import serve

    (tmp_path / "file").write_text("x")
    with pytest.raises(DetenteError, match="cannot open the database"):
        serve(port=0, database=tmp_path / "file" / "db.sqlite3", echo=lambda *_: None)


# -- storage --------------------------------------------------------------------------------------
def test_migrations_upgrade_an_old_database_and_keep_its_models(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite3"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute(
        "INSERT INTO models VALUES ('abc', 'Old', ?, 3, '2024-01-01', '2024-01-02')",
        (json.dumps(PD),),
    )
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    storage = Storage(path)
    assert storage.schema_version == len(MIGRATIONS)
    model = storage.get_model("abc")
    assert model.version == 3 and model.document == PD and model.n_states is None
    storage.put_result("k", "analyze", {"x": 1})
    assert storage.get_result("k") == {"x": 1}
    Storage(path)  # opening again changes nothing
    assert Storage(path).schema_version == len(MIGRATIONS)


def test_a_newer_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite3"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    conn.close()
    with pytest.raises(RuntimeError, match="newer detente"):
        Storage(path)


def test_saving_is_transactional(tmp_path: Path) -> None:
    storage = Storage(tmp_path / "db.sqlite3")
    model = storage.create_model("PD", PD)
    with pytest.raises(VersionConflict):
        storage.update_model(model.id, 7, "PD", {"changed": True})
    with pytest.raises(sqlite3.Error), storage._transaction() as conn:
        conn.execute("UPDATE models SET name = 'half-done' WHERE id = ?", (model.id,))
        conn.execute("INSERT INTO no_such_table VALUES (1)")
    assert storage.get_model(model.id).name == "PD"
    assert storage.get_model(model.id).document == PD


def test_result_cache_keeps_the_most_recent(tmp_path: Path, monkeypatch) -> None:
    from detente.web import storage as storage_module

    monkeypatch.setattr(storage_module, "MAX_RESULTS", 3)
    storage = Storage(tmp_path / "db.sqlite3")
    for k in range(5):
        storage.put_result(f"k{k}", "analyze", {"k": k})
    assert storage.count_results() == 3
    assert storage.get_result("k0") is None and storage.get_result("k4") == {"k": 4}


def test_states_are_counted_while_preferences_are_unfinished(client) -> None:
    doc = {
        "options": [{"name": "come to talks"}, {"name": "sanctions", "levels": "0..3"}],
        "decision_makers": [
            {"name": "NK", "options": ["come to talks"], "preferences": {"prioritization": []}},
            {"name": "US", "options": ["sanctions"], "preferences": {"ranking": [1, 2]}},
        ],
        "infeasible": [{"statement": "'come to talks' and sanctions >= 2"}],
    }
    result = client.post("/api/validate", json={"model": doc}).json()
    assert not result["valid"]
    assert (result["n_combinations"], result["n_states"]) == (8, 6)


# -- shutdown ------------------------------------------------------------------------------------
def _children(pid: int) -> set[int]:
    """Every descendant process of ``pid`` (from /proc)."""
    found: set[int] = set()
    todo = [pid]
    while todo:
        parent = todo.pop()
        for task in Path(f"/proc/{parent}/task").glob("*/children"):
            for child in task.read_text().split():
                if int(child) not in found:
                    found.add(int(child))
                    todo.append(int(child))
    return found


@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="reads children from /proc")
def test_serve_stops_on_sigterm_with_a_job_running(tmp_path: Path) -> None:
    import os
    import signal
    import subprocess
    import sys
    import threading
    import urllib.request

    from .conftest import free_port

    port = free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(detente.__file__).parent.parent)}
    db = tmp_path / "db.sqlite3"
    server = subprocess.Popen(
        [sys.executable, "-m", "detente.cli", "serve", "--port", str(port), "--db", str(db)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{port}"

    def post(path: str, body: dict) -> dict:
        request = urllib.request.Request(
            base + path, json.dumps(body).encode(), {"content-type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=120) as answer:
            return json.loads(answer.read())

    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(base + "/api/health", timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "the server did not start"
                time.sleep(0.1)
        body = {"model": slow_model(), "concepts": ["SIM", "SEQSIM", "NM"]}
        job = post("/api/jobs/analyze", body)
        # A synchronous analysis waiting on its own worker holds a connection open too.
        threading.Thread(
            target=lambda: _ignore_errors(post, "/api/analyze", body), daemon=True
        ).start()
        while True:
            with urllib.request.urlopen(f"{base}/api/jobs/{job['id']}", timeout=5) as answer:
                if json.loads(answer.read())["status"] == "running":
                    break
            assert time.monotonic() < deadline, "the job did not start"
            time.sleep(0.05)
        workers = _children(server.pid)
        assert workers, "the job runs in a worker process"
        started = time.monotonic()
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=5)
        assert time.monotonic() - started < 5
        # The job's worker was cancelled; the forkserver and resource tracker leave once
        # they see the server gone, which takes them a moment on a loaded machine.
        deadline = time.monotonic() + 10
        while any(Path(f"/proc/{pid}").exists() and _alive(pid) for pid in workers):
            survivors = [
                Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")[:200]
                for pid in workers
                if _alive(pid)
            ]
            assert time.monotonic() < deadline, f"processes outlived the server: {survivors}"
            time.sleep(0.05)
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _alive(pid: int) -> bool:
    """Whether ``pid`` runs (a zombie waiting to be reaped does not)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1][0] != "Z"
    except (OSError, IndexError):
        return False


def _ignore_errors(func: Any, *args: Any) -> None:
    with contextlib.suppress(OSError):
        func(*args)


def test_an_identical_job_attaches_to_the_running_one(client) -> None:
    body = {"model": slow_model(), "concepts": ["SIM", "SEQSIM", "NM"]}
    first = client.post("/api/jobs/analyze", json=body).json()
    second = client.post("/api/jobs/analyze", json=body).json()
    assert second["id"] == first["id"]  # one job, not two side by side
    other = client.post("/api/jobs/analyze", json={**body, "concepts": ["NM"]}).json()
    assert other["id"] != first["id"]  # different settings: a job of its own
    for job in (first, other):
        assert client.delete(f"/api/jobs/{job['id']}").status_code == 200
    third = client.post("/api/jobs/analyze", json=body).json()
    assert third["id"] != first["id"]  # a cancelled job is not attached to
    client.delete(f"/api/jobs/{third['id']}")
