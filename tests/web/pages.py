"""What the browser tests do on the workbench's pages: open a case, go to a section, wait
for a save, read equilibria (shared by the test modules of this folder)."""

from __future__ import annotations

from typing import Any

from .conftest import LiveServer


def expect(locator: Any):
    from playwright.sync_api import expect as playwright_expect

    return playwright_expect(locator)


def open_library(page: Any, server: LiveServer) -> None:
    page.goto(server.url + "/")
    expect(page.locator("[data-test=case-north-korea]")).to_be_visible()


def open_case(page: Any, server: LiveServer, name: str) -> str:
    """Open a copy of a bundled case; returns the new model's id."""
    open_library(page, server)
    page.click(f"[data-test=open-case-{name}]")
    expect(page.locator("[data-test=validity]")).to_have_text("✓ valid")
    return page.url.split("#/model/")[1].split("/")[0]


def go(page: Any, section: str) -> None:
    page.click(f"[data-test=nav-{section}]")


def wait_saved(page: Any) -> None:
    expect(page.locator("[data-test=save-state]")).to_contain_text("saved · version")


def equilibria(page: Any, concept: str) -> list[int]:
    line = page.locator(f'[data-test="eq-{concept}"]')
    return [int(t) for t in line.locator("[data-test=state-chip] b").all_inner_texts()]
