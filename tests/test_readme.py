"""The README's examples work as written."""

from __future__ import annotations

import re
from pathlib import Path

import detente

README = Path(__file__).resolve().parent.parent / "README.md"


def test_readme_model_example_is_a_valid_model() -> None:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```yaml\n(format: detente/1.*?)```", text, re.S)
    assert block, "the README shows a detente/1 model"
    conflict = detente.parse_model(block.group(1), "README.md")
    result = detente.analyze(conflict, ["Nash", "GMR"])
    labels = [result.space.label(s) for s in result.equilibria("Nash")]
    # B's statements weigh 2 (not A_defects) and 1 (B_defects iff not A_defects).
    scores = dict(zip(result.space.labels, result.space.scores[1], strict=True))
    assert scores == {"NN": 2.0, "YN": 1.0, "NY": 3.0, "YY": 0.0}
    assert labels == ["YN", "NY"]


def test_readme_quick_start_commands_exist() -> None:
    text = README.read_text(encoding="utf-8")
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    for target in ("run", "test"):
        assert f"make {target}" in text
        assert re.search(rf"^{target}:", makefile, re.M)
