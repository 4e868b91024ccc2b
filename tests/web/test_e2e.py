"""End-to-end tests in a real browser: Playwright driving Debian's Chromium against a live
workbench server.  They also take the screenshots of docs/web.md (written to
docs/screenshots/ when DETENTE_SCREENSHOTS=1, to a temporary folder otherwise)."""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import httpx
import pytest

from ..conflicts import slow_model
from .pages import equilibria, expect, go, open_case, open_library, wait_saved

DOCS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if os.environ.get("DETENTE_SCREENSHOTS"):
        DOCS.mkdir(parents=True, exist_ok=True)
        return DOCS
    return tmp_path_factory.mktemp("screenshots")


def test_build_the_prisoners_dilemma_from_scratch(page, live_server, shots) -> None:
    open_library(page, live_server)
    page.click("[data-test=new-model]")
    expect(page.locator("[data-test=option-row]")).to_have_count(1)
    # Options: rename the starter option, add the second one.
    page.get_by_label("Name of option 1").fill("A_defects")
    page.get_by_label("Description of option 1").fill("Prisoner A confesses")
    page.click("[data-test=add-option]")
    page.get_by_label("Name of option 2").fill("B_defects")
    # Decision makers: rename the starter one, add B, who controls B_defects.
    go(page, "dms")
    page.get_by_label("Name of decision maker 1").fill("A")
    page.click("[data-test=add-dm]")
    page.get_by_label("Name of decision maker 2").fill("B")
    page.get_by_label("Decision maker 2 controls B_defects").check()
    # Preferences as prioritization statements (A: DC > CC > DD > CD; B symmetric).
    page.get_by_label("statement 1").nth(0).fill("not B_defects")
    page.locator("[data-test=dm-card]").nth(0).locator("[data-test=add-statement]").click()
    page.get_by_label("statement 2").nth(0).fill("A_defects")
    page.get_by_label("statement 1").nth(1).fill("not A_defects")
    page.locator("[data-test=dm-card]").nth(1).locator("[data-test=add-statement]").click()
    page.get_by_label("statement 2").nth(1).fill("B_defects")
    expect(page.locator("[data-test=validity]")).to_have_text("✓ valid")
    expect(page.locator("[data-test=state-count] b")).to_have_text("4")
    ranking = page.locator("[data-test=ranking]").nth(0)
    expect(ranking).to_contain_text("YN")
    go(page, "overview")
    page.get_by_label("Model name").fill("My prisoners' dilemma")
    page.click("[data-test=save]")
    wait_saved(page)
    # Stability: the only Nash equilibrium is mutual defection, state 4 (YY).
    go(page, "stability")
    page.click("[data-test=run-stability]")
    expect(page.locator("[data-test=stability-table]")).to_be_visible()
    assert equilibria(page, "Nash") == [4]
    expect(page.locator("[data-test=eq-Nash]")).to_contain_text("YY")
    assert equilibria(page, "SEQ") == [1, 4]
    # A click on a cell explains it.
    page.locator(
        "[data-test=stability-row][data-state='1'] [data-test=stability-cell]"
    ).first.click()
    explanation = page.locator("[data-test=explanation]")
    expect(explanation).to_contain_text("unstable")
    expect(explanation).to_contain_text("state 2")
    page.screenshot(path=str(shots / "stability.png"))
    page.click("[data-test=close-explain]")
    # The saved model is the Prisoner's Dilemma of the bundled case.
    model_id = page.url.split("#/model/")[1].split("/")[0]
    saved = httpx.get(f"{live_server.url}/api/models/{model_id}").json()
    names = [dm["name"] for dm in saved["model"]["decision_makers"]]
    assert saved["name"] == "My prisoners' dilemma" and names == ["A", "B"]


def test_north_korea_edit_a_preference_and_find_it_saved(page, live_server, shots) -> None:
    open_case(page, live_server, "north-korea")
    page.screenshot(path=str(shots / "overview.png"))
    go(page, "stability")
    for concept in ("GMR", "SMR", "SIM", "SEQSIM"):
        page.locator(f"[data-test=concept-{concept}]").uncheck()
    page.click("[data-test=run-stability]")
    expect(page.locator("[data-test=eq-Nash]")).to_be_visible()
    before = equilibria(page, "Nash")
    assert before == [12, 279, 381, 382, 383, 384, 385, 1388]
    # North Korea's second statement: it would keep the assurance only without
    # denuclearisation - it believes the assurance would not survive disarmament.
    go(page, "dms")
    statement = page.locator("[data-loc='decision_makers.1.preferences.prioritization.1']")
    expect(statement).to_have_value("assurance if denuclearize")
    statement.fill("not assurance if denuclearize")
    expect(page.locator("[data-test=save-state]")).to_have_text("unsaved changes")
    expect(page.locator("[data-test=validity]")).to_have_text("✓ valid")
    page.locator("[data-test=dm-card]").nth(1).evaluate(
        "card => { card.scrollIntoView({block: 'start'}); window.scrollBy(0, -60); }"
    )
    page.screenshot(path=str(shots / "editor.png"))
    page.click("[data-test=save]")
    wait_saved(page)
    go(page, "stability")
    expect(page.locator("[data-test=stale]")).to_be_visible()
    page.click("[data-test=run-stability]")
    expect(page.locator("[data-test=stale]")).to_have_count(0)
    after = equilibria(page, "Nash")
    assert after == [12, 279, 1388] and after != before
    # Reload: the edit was saved.
    page.reload()
    go(page, "dms")
    expect(statement).to_have_value("not assurance if denuclearize")
    expect(page.locator("[data-test=save-state]")).to_contain_text("saved · version 2")


def test_strategy_comparison_and_pressure_dial(page, live_server, shots) -> None:
    open_case(page, live_server, "north-korea")
    go(page, "compare")
    page.click("[data-test=run-compare]")
    table = page.locator("[data-test=compare-table]")
    expect(table).to_be_visible()
    rows = page.locator("[data-test=compare-row]")
    expect(rows).to_have_count(5)
    expect(rows.nth(0)).to_contain_text("no commitment")
    expect(rows.nth(3)).to_contain_text("pressure with an assurance")
    expect(rows.nth(3)).to_contain_text("reaches: talks")
    page.click("[data-test=run-sweep]")
    chart = page.locator("[data-test=sweep-chart]")
    expect(chart).to_be_visible()
    assert chart.locator("rect").count() >= 11 * 6 * 2
    page.screenshot(path=str(shots / "strategies.png"), full_page=True)


def test_status_quo_paths_on_the_state_graph(page, live_server, shots) -> None:
    open_case(page, live_server, "elmira")
    go(page, "paths")
    page.click("[data-test=run-paths]")
    graph = page.locator("[data-test=state-graph]")
    expect(graph.locator("[data-test=graph-node]").first).to_be_visible()
    expect(graph.locator("[data-test=graph-node][data-state='5']")).to_have_count(1)
    page.locator("[data-test=target-row]").filter(has_text="NYNYN").click()
    detail = page.locator("[data-test=path-detail]")
    expect(detail).to_contain_text("Reached in 1 step")
    expect(detail).to_contain_text("LG takes Insist")
    graph.locator("[data-test=graph-node][data-state='8']").click()
    expect(detail).to_contain_text("State 8")
    page.screenshot(path=str(shots / "paths.png"))


def test_export_and_reimport(page, live_server, tmp_path) -> None:
    model_id = open_case(page, live_server, "elmira")
    page.goto(live_server.url + "/#/")
    row = page.locator(f"[data-test=model-row][data-id='{model_id}']")
    with page.expect_download() as download_info:
        row.locator("[data-test=export-yaml]").click()
    download = download_info.value
    assert download.suggested_filename == "elmira-groundwater-conflict.yaml"
    path = tmp_path / "exported.yaml"
    download.save_as(path)
    assert "format: detente/1" in path.read_text()
    with page.expect_download() as download_info:
        row.locator("[data-test=export-json]").click()
    json_path = tmp_path / "exported.json"
    download_info.value.save_as(json_path)
    assert json.loads(json_path.read_text())["format"] == "detente/1"
    count = page.locator("[data-test=model-row]").count()
    page.set_input_files("[data-test=import-file]", str(path))
    expect(page.locator("[data-test=notice]").first).to_contain_text("Imported")
    imported_id = page.url.split("#/model/")[1].split("/")[0]
    assert imported_id != model_id
    original = httpx.get(f"{live_server.url}/api/models/{model_id}").json()["model"]
    imported = httpx.get(f"{live_server.url}/api/models/{imported_id}").json()["model"]
    assert imported == original
    page.goto(live_server.url + "/#/")
    expect(page.locator("[data-test=model-row]")).to_have_count(count + 1)
    # A broken file is refused with its line, and nothing is added.
    broken = tmp_path / "broken.yaml"
    broken.write_text("options:\n  - name: a\n   oops: 1\n")
    page.set_input_files("[data-test=import-file]", str(broken))
    expect(page.locator(".notice.error")).to_contain_text("line 3")
    expect(page.locator("[data-test=model-row]")).to_have_count(count + 1)


def test_library_rename_duplicate_delete(page, live_server, shots) -> None:
    model_id = open_case(page, live_server, "chicken")
    page.goto(live_server.url + "/#/")
    row = page.locator(f"[data-test=model-row][data-id='{model_id}']")
    row.locator("[data-test=rename]").click()
    page.get_by_label("New name").fill("Chicken, renamed")
    page.click("[data-test=dialog-ok]")
    expect(row).to_contain_text("Chicken, renamed")
    row.locator("[data-test=duplicate]").click()
    expect(
        page.locator("[data-test=model-row]").filter(has_text="Chicken, renamed (copy)")
    ).to_have_count(1)
    page.screenshot(path=str(shots / "library.png"))
    row.locator("[data-test=delete]").click()
    page.click("[data-test=dialog-cancel]")
    expect(row).to_have_count(1)
    row.locator("[data-test=delete]").click()
    page.click("[data-test=dialog-delete]")
    expect(row).to_have_count(0)
    assert httpx.get(f"{live_server.url}/api/models/{model_id}").status_code == 404


def test_invalid_input_is_marked_and_never_lost(page, live_server) -> None:
    open_case(page, live_server, "prisoners-dilemma")
    go(page, "feasibility")
    expect(page.locator("[data-test=feasible-count]")).to_have_text("4")
    page.click("[data-test=add-infeasible]")
    page.locator("[data-test=infeasible-item] select").nth(1).select_option("1")
    expect(page.locator("[data-test=feasible-count]")).to_have_text("2")
    page.locator("[data-test=infeasible-item] [data-test=remove]").click()
    expect(page.locator("[data-test=feasible-count]")).to_have_text("4")
    go(page, "dms")
    page.locator("[data-test=dm-card]").first.get_by_role("tab", name="Prioritization").click()
    page.get_by_label("statement 1").nth(0).fill("not B_defects and (")
    message = page.locator("[data-test=field-error]")
    expect(message.first).to_contain_text("statement 'not B_defects and ('")
    expect(page.locator("[data-test=validity]")).to_contain_text("problem")
    expect(page.locator("[data-test=save]")).to_be_enabled()
    page.click("[data-test=save]")
    expect(page.locator("[data-test=notice]").last).to_contain_text("fix them before saving")
    # Reload: the unsaved, invalid text is restored from this browser.
    page.reload()
    expect(page.locator("[data-test=notice]").first).to_contain_text(
        "Restored your unsaved changes"
    )
    go(page, "dms")
    expect(page.get_by_label("statement 1").nth(0)).to_have_value("not B_defects and (")
    page.locator("[data-test=problem] button").first.click()
    expect(page.locator(".invalid").first).to_be_visible()


def test_yaml_editor_and_other_analyses(page, live_server, shots) -> None:
    open_case(page, live_server, "north-korea")
    go(page, "yaml")
    editor = page.locator("[data-test=yaml-editor]")
    expect(editor).to_have_value(re.compile("format: detente/1"))
    text = editor.input_value().replace(
        "name: North Korea nuclear crisis (2017)", "name: NK edited", 1
    )
    editor.fill(text)
    expect(page.locator("h1")).to_have_text("NK edited")
    editor.fill(text.replace("options:\n", "options:\n  - name: [\n", 1))
    expect(page.locator("[data-live=yamlerrors]")).to_contain_text("line")
    editor.fill(text)
    expect(page.locator("[data-test=validity]")).to_have_text("✓ valid")
    page.screenshot(path=str(shots / "yaml.png"))
    go(page, "hypergame")
    page.click("[data-test=run-hypergame]")
    expect(page.locator("[data-test=hypergame-result]")).to_contain_text("NorthKorea")
    go(page, "probabilities")
    page.click("[data-test=run-uncertainty]")
    expect(page.locator("[data-test=uncertainty-result]")).to_contain_text("8 of 8 scenarios")
    go(page, "inverse")
    page.fill("[data-test=inverse-target]", "381")
    page.click("[data-test=run-inverse]")
    expect(page.locator("[data-test=inverse-result]")).to_contain_text("state 381")
    go(page, "coalitions")
    page.get_by_label("Coalitions").fill("US+China, NorthKorea+SouthKorea")
    page.click("[data-test=run-coalitions]")
    expect(page.locator("[data-test=coalition-result]")).to_contain_text("US+China")


def test_report_download(page, live_server, tmp_path) -> None:
    open_case(page, live_server, "prisoners-dilemma")
    go(page, "report")
    if not httpx.get(f"{live_server.url}/api/limits").json()["report"]:
        expect(page.locator("body")).to_contain_text("not available")
        return
    with page.expect_download() as download_info:
        page.click("[data-test=run-report]")
    download = download_info.value
    assert download.suggested_filename == "prisoner-s-dilemma.html"
    path = tmp_path / "report.html"
    download.save_as(path)
    assert "<html" in path.read_text(encoding="utf-8").lower()


def test_a_long_analysis_shows_progress_and_can_be_cancelled(page, live_server) -> None:
    created = httpx.post(f"{live_server.url}/api/models", json={"model": slow_model()})
    model_id = created.json()["id"]
    page.goto(f"{live_server.url}/#/model/{model_id}/stability")
    expect(page.locator("[data-test=validity]")).to_have_text("✓ valid")
    for concept in ("Nash", "GMR", "SMR", "SEQ", "SEQSIM"):
        page.locator(f"[data-test=concept-{concept}]").uncheck()
    page.click("[data-test=run-stability]")
    running = page.locator("[data-test=job-running]")
    expect(running).to_contain_text("SIM stability")
    # The page stays responsive while the job runs.
    go(page, "overview")
    page.get_by_label("Description").fill("typed while the analysis runs")
    expect(page.locator("[data-test=save-state]")).to_have_text("unsaved changes")
    go(page, "stability")
    expect(running).to_be_visible()
    page.click("[data-test=cancel-job]")
    expect(page.locator("[data-test=job-error]")).to_have_text("Cancelled.")
    jobs = httpx.get(f"{live_server.url}/api/jobs").json()
    assert jobs[0]["status"] == "cancelled" and jobs[0]["kind"] == "analyze"


@pytest.fixture(scope="module")
def token_server(tmp_path_factory: pytest.TempPathFactory):
    from detente.web import WebSettings

    from .conftest import serve_in_thread

    settings = WebSettings(database=tmp_path_factory.mktemp("token") / "db", token="t0ken")
    yield from serve_in_thread(settings)


def test_the_page_works_behind_an_access_token(page, token_server) -> None:
    page.goto(token_server.url + "/")
    expect(page.locator("body")).to_contain_text("access token")
    page.goto(token_server.url + "/?token=t0ken")
    page.click("[data-test=open-case-chicken]")
    expect(page.locator("[data-test=validity]")).to_have_text("✓ valid")
    go(page, "stability")
    page.click("[data-test=run-stability]")
    expect(page.locator("[data-test=eq-Nash]")).to_contain_text("YN")
    assert equilibria(page, "Nash") == [2, 3]
    assert httpx.get(f"{token_server.url}/api/models").status_code == 401
    # The token left the address bar at once and was never put in storage a script can
    # read; the HttpOnly cookie carries it, across a reload too.
    assert "token" not in page.url
    assert "t0ken" not in page.evaluate(
        "() => JSON.stringify({...sessionStorage, ...localStorage})"
    )
    page.reload()
    expect(page.locator("[data-test=validity]")).to_have_text("✓ valid")


def test_the_api_docs_are_served_locally_under_the_security_headers(page, live_server) -> None:
    response = httpx.get(f"{live_server.url}/api/docs")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert "cdn" not in response.text.lower()
    page.goto(f"{live_server.url}/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("detente workbench API")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert httpx.head(f"{live_server.url}/").status_code == 200


def test_the_preference_family_runs_from_the_workbench(page, live_server) -> None:
    """Issue 14's concepts, typed in the stability section's "More concepts" field."""
    open_case(page, live_server, "chicken")
    go(page, "stability")
    for concept in ("GMR", "SMR", "SEQ", "SIM", "SEQSIM"):
        page.locator(f"[data-test=concept-{concept}]").uncheck()
    page.get_by_label("More concepts").fill("GMR_a; (0.7,0.5)-GMR; A=Nash, *=SEQ")
    page.click("[data-test=run-stability]")
    for name in ("GMR_a", "(0.7,0.5)-GMR", "A=Nash, *=SEQ"):
        expect(page.locator(f'[data-test="eq-{name}"]')).to_be_visible()
    # Certain preferences: the probabilistic and unknown variants reduce to GMR (Chicken's
    # GMR equilibria are its Nash ones plus mutual swerving).
    assert equilibria(page, "GMR_a") == equilibria(page, "(0.7,0.5)-GMR")
    assert set(equilibria(page, "Nash")) <= set(equilibria(page, "GMR_a"))
