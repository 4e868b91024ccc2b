"""The brief in Chromium: it renders without console errors, and the recommendation is on
the first screen.  With DETENTE_UPDATE_SCREENSHOTS=1 it also refreshes the screenshot
shown in docs/report.md (docs/screenshots/brief.png)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import detente
from detente.analyses.diagnose import bundled_history
from detente.report.brief import build_report

SCREENSHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots" / "brief.png"


def test_the_brief_opens_with_its_recommendation(browser: Any, tmp_path: Path) -> None:
    report = build_report(detente.load_case("north-korea"), history=bundled_history("north-korea"))
    page_file = report.write(tmp_path / "report.html")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = context.new_page()
    errors: list[str] = []
    tab.on("pageerror", lambda error: errors.append(str(error)))
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    try:
        tab.goto(page_file.as_uri())
        box = tab.locator("#recommendation").bounding_box()
        assert box is not None
        # The whole recommendation is visible without scrolling.
        assert box["y"] >= 0 and box["y"] + box["height"] <= 800
        shown = tab.locator("#recommendation").inner_text()
        for sentence in report.findings.recommendation:
            assert " ".join(sentence.split()) in " ".join(shown.split())
        # The technical appendix starts collapsed.
        assert not tab.locator("details.appendix pre").is_visible()
        out = SCREENSHOT if os.environ.get("DETENTE_UPDATE_SCREENSHOTS") else tmp_path / "b.png"
        out.parent.mkdir(parents=True, exist_ok=True)
        tab.screenshot(path=str(out))
    finally:
        context.close()
    assert not errors, errors
