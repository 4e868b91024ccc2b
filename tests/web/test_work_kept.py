"""The workbench never loses work (issue 13, section 2), in a real browser: drafts per tab,
a closed tab's draft offered again, three-way merges of two tabs' saves, notices that belong
to their model, removing an option with everything that refers to it, undo and redo, and
analyses (settings, running jobs, finished results) that survive a reload."""

from __future__ import annotations

import time
from typing import Any

import httpx

from ..conflicts import slow_model
from .conftest import LiveServer
from .pages import equilibria, expect, go, open_case, wait_saved


def stored(server: LiveServer, model_id: str) -> dict[str, Any]:
    return httpx.get(f"{server.url}/api/models/{model_id}").json()


def wait_draft(page: Any, text: str) -> None:
    """Until the page's draft (written 300 ms after the last keystroke) holds ``text``."""
    page.wait_for_function(
        """(text) => Object.keys(localStorage).some(
            (k) => k.startsWith("detente:draft:") && localStorage.getItem(k).includes(text))""",
        arg=text,
    )


def active_jobs(server: LiveServer) -> list[str]:
    """Ids of the server's queued or running jobs, once there is one (a request the page has
    sent may still be on its way)."""
    deadline = time.monotonic() + 30
    while True:
        jobs = httpx.get(f"{server.url}/api/jobs").json()
        active = [j["id"] for j in jobs if j["status"] in ("queued", "running")]
        if active or time.monotonic() > deadline:
            return active
        time.sleep(0.1)


def open_model(page: Any, server: LiveServer, model_id: str, section: str = "overview") -> None:
    page.goto(f"{server.url}/#/model/{model_id}/{section}")
    expect(page.locator("[data-test=validity]")).to_have_text("✓ valid")


def description(page: Any) -> Any:
    return page.get_by_label("Description")


def test_two_tabs_keep_their_own_drafts(page, live_server) -> None:
    model_id = open_case(page, live_server, "prisoners-dilemma")
    other = page.context.new_page()
    open_model(other, live_server, model_id)
    expect(page.locator("#notices")).to_contain_text("also open in another tab")
    description(page).fill("unsaved in the first tab")
    description(other).fill("unsaved in the second tab")
    wait_draft(page, "unsaved in the first tab")
    wait_draft(other, "unsaved in the second tab")
    page.reload()
    expect(page.locator("[data-test=notice]").first).to_contain_text("Restored your unsaved")
    expect(description(page)).to_have_value("unsaved in the first tab")
    other.reload()
    expect(description(other)).to_have_value("unsaved in the second tab")
    other.close()


def test_a_closed_tabs_draft_is_offered_again(page, live_server) -> None:
    model_id = open_case(page, live_server, "prisoners-dilemma")
    page.goto(live_server.url + "/#/")
    other = page.context.new_page()
    open_model(other, live_server, model_id)
    description(other).fill("typed in a tab that was then closed")
    wait_draft(other, "typed in a tab that was then closed")
    other.close()
    open_model(page, live_server, model_id)
    notice = page.locator("#draft-note")
    expect(notice).to_contain_text("from a tab that was closed")
    notice.get_by_role("button", name="Restore them here").click()
    expect(description(page)).to_have_value("typed in a tab that was then closed")
    expect(page.locator("[data-test=save-state]")).to_have_text("unsaved changes")


def saved_in_one_tab_edited_in_another(
    page: Any, server: LiveServer, *, source: str, description: str | None = None
) -> tuple[str, Any]:
    """A model open in two tabs: the second tab types (unsaved), then the first edits the
    description and saves.  Returns the model's id and the second tab."""
    model_id = open_case(page, server, "prisoners-dilemma")
    other = page.context.new_page()
    open_model(other, server, model_id)
    other.get_by_label("Source").fill(source)
    if description is not None:
        other.get_by_label("Description").fill(description)
    page.get_by_label("Description").fill("edited in the first tab")
    page.click("[data-test=save]")
    wait_saved(page)
    return model_id, other


def test_saves_of_two_tabs_merge_field_by_field(page, live_server) -> None:
    model_id, other = saved_in_one_tab_edited_in_another(
        page, live_server, source="source written in the second tab"
    )
    expect(other.locator("#other-save-note")).to_contain_text("saved in another tab")
    other.click("[data-test=save]")
    expect(other.locator("#save-note")).to_contain_text("merged with it")
    model = stored(live_server, model_id)
    assert model["version"] == 3
    assert model["model"]["description"] == "edited in the first tab"
    assert model["model"]["source"] == "source written in the second tab"
    other.close()


def test_a_field_both_tabs_changed_is_asked_about(page, live_server) -> None:
    model_id, other = saved_in_one_tab_edited_in_another(
        page,
        live_server,
        source="only the second tab wrote a source",
        description="edited in the second tab",
    )
    other.click("[data-test=save]")
    conflict = other.locator("[data-test=merge-conflict]")
    expect(conflict).to_have_count(1)
    expect(conflict).to_contain_text("description")
    expect(conflict).to_contain_text("edited in the first tab")
    conflict.locator("[data-test=merge-mine]").check()
    other.click("[data-test=dialog-save-the-merge]")
    expect(other.locator("[data-test=save-state]")).to_contain_text("version 3")
    model = stored(live_server, model_id)["model"]
    assert model["description"] == "edited in the second tab"
    assert model["source"] == "only the second tab wrote a source"
    other.close()


def test_a_notice_goes_with_its_model(page, live_server) -> None:
    first = open_case(page, live_server, "prisoners-dilemma")
    description(page).fill("a draft of the first model")
    wait_draft(page, "a draft of the first model")
    page.reload()
    expect(page.locator("#draft-note")).to_contain_text("Restored your unsaved changes")
    open_case(page, live_server, "chicken")
    expect(page.locator("#draft-note")).to_have_count(0)
    open_model(page, live_server, first)
    expect(description(page)).to_have_value("a draft of the first model")


def test_removing_an_option_cleans_every_reference_and_undo_restores_it(page, live_server) -> None:
    labels = ["YNY", "NNY", "YYY", "NYY", "YNN", "NNN", "YYN", "NYN"]
    model = {
        "name": "three options",
        "options": [{"name": "A"}, {"name": "B"}, {"name": "C"}],
        "decision_makers": [
            {
                "name": "X",
                "options": ["A", "B"],
                "preferences": {"prioritization": ["A", "not B", "A and C"]},
            },
            {"name": "Y", "options": ["C"], "preferences": {"ranking": labels}},
        ],
        "status_quo": "NNN",
        "outcomes": [{"name": "bee", "when": "B and C"}, {"name": "see", "when": "C"}],
        "strategies": [{"name": "s", "commit": {"A": "Y", "B": "N"}}],
    }
    model_id = httpx.post(f"{live_server.url}/api/models", json={"model": model}).json()["id"]
    open_model(page, live_server, model_id, "options")
    page.locator("[data-test=remove]").nth(1).click()
    references = page.locator("[data-test=option-references] li")
    expect(references.first).to_be_visible()
    text = " ".join(references.all_inner_texts())
    for fragment in ("X no longer controls it", "“not B”", "“bee”", "“s”", "explicit ranking"):
        assert fragment in text, text
    page.click("[data-test=dialog-remove]")
    expect(page.locator("[data-test=validity]")).to_have_text("✓ valid")
    doc = page.evaluate("() => App.page.doc")
    assert [o["name"] for o in doc["options"]] == ["A", "C"]
    assert doc["decision_makers"][0]["options"] == ["A"]
    assert doc["decision_makers"][0]["preferences"]["prioritization"] == ["A", "A and C"]
    assert doc["decision_makers"][1]["preferences"]["ranking"] == ["YY", "NY", "YN", "NN"]
    assert [o["name"] for o in doc["outcomes"]] == ["see"]
    assert doc["strategies"][0]["commit"] == {"A": "Y"}
    assert doc["status_quo"] == "NN"
    page.keyboard.press("Control+z")
    expect(page.locator("[data-test=validity]")).to_have_text("✓ valid")
    assert page.evaluate("() => App.page.doc.options.length") == 3
    page.keyboard.press("Control+Shift+z")
    assert page.evaluate("() => App.page.doc.options.length") == 2


def test_undo_and_redo_of_typing(page, live_server) -> None:
    open_case(page, live_server, "prisoners-dilemma")
    original = description(page).input_value()
    description(page).fill("first edit")
    page.wait_for_timeout(1000)  # keystrokes within a moment are one edit
    description(page).fill("second edit")
    page.keyboard.press("Control+z")
    expect(description(page)).to_have_value("first edit")
    page.click("[data-test=undo]")
    expect(description(page)).to_have_value(original)
    expect(page.locator("[data-test=undo]")).to_be_disabled()
    page.keyboard.press("Control+Shift+z")
    expect(description(page)).to_have_value("first edit")
    page.click("[data-test=redo]")
    expect(description(page)).to_have_value("second edit")


def test_results_and_settings_survive_a_reload(page, live_server) -> None:
    open_case(page, live_server, "prisoners-dilemma")
    go(page, "stability")
    page.locator("[data-test=concept-SMR]").uncheck()
    page.click("[data-test=run-stability]")
    expect(page.locator("[data-test=eq-Nash]")).to_be_visible()
    before = equilibria(page, "Nash")
    page.reload()
    expect(page.locator("[data-test=eq-Nash]")).to_be_visible()  # no click: kept
    assert equilibria(page, "Nash") == before
    expect(page.locator("[data-test=concept-SMR]")).not_to_be_checked()
    expect(page.locator("[data-test=concept-GMR]")).to_be_checked()
    expect(page.locator("[data-test=nav-stability] .badge.done")).to_be_visible()
    expect(page.locator("[data-test=nav-uncertainty] .badge")).to_have_count(0)


def test_a_running_job_is_found_again_after_a_reload(page, live_server) -> None:
    created = httpx.post(f"{live_server.url}/api/models", json={"model": slow_model()})
    model_id = created.json()["id"]
    open_model(page, live_server, model_id, "stability")
    for concept in ("Nash", "GMR", "SMR", "SEQ", "SEQSIM"):
        page.locator(f"[data-test=concept-{concept}]").uncheck()
    page.get_by_label("More concepts").fill("NM")  # non-myopic: slow on this model
    page.click("[data-test=run-stability]")
    expect(page.locator("[data-test=job-running]")).to_be_visible()
    running = active_jobs(live_server)
    assert len(running) == 1
    page.reload()
    expect(page.locator("[data-test=job-running]")).to_be_visible()
    assert active_jobs(live_server) == running  # attached to the running job, not a second
    page.click("[data-test=cancel-job]")
    expect(page.locator("[data-test=job-error]")).to_have_text("Cancelled.")
