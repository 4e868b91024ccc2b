"""docs/sources.md stays complete and its SEQSIM table stays true.

* Every built-in concept name, every preference page and every analysis module that
  implements a definition is named on the page, and README.md links it.
* The SEQSIM table (issue 15 §5) is recomputed here from the naive, definition-level
  reference (tests/reference.py), independently of detente's engine: detente's SEQSIM is
  SEQ *and* SIM; the page also shows SEQ *or* SIM per DM, the reading GMCR+ is reported to
  use, and the two differ on Chicken's mutual swerve and the Cuban crisis's historical outcome.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import detente
from detente.analyses import stability

from . import reference

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ROOT / "docs" / "sources.md"
ANALYSES = Path(detente.__file__).parent / "analyses"

#: Analysis modules that implement no definition of their own (plumbing, rendering helpers,
#: explanations of the definitions above, cost estimates), so need no row on the page.
NOT_DEFINITIONS = {
    "__init__",
    "presenting",
    "parallel",
    "costs",
    "explain",
    "graph",
    "preference_changes",
}


def page() -> str:
    return SOURCES.read_text(encoding="utf-8")


def test_every_built_in_concept_is_listed() -> None:
    text = page()
    for concept in (*stability.CONCEPTS, "L_h", "NM"):
        assert re.search(rf"^\| {re.escape(concept)} ", text, re.M), f"no row for {concept}"


def test_every_preference_page_is_linked() -> None:
    text = page()
    for doc in sorted((ROOT / "docs" / "preferences").glob("*.md")):
        assert f"(preferences/{doc.name})" in text, f"docs/sources.md does not link {doc.name}"


def test_every_definition_module_is_named() -> None:
    text = page()
    for module in sorted(ANALYSES.glob("*.py")):
        if module.stem not in NOT_DEFINITIONS:
            assert f"analyses/{module.stem}.py" in text, f"no source listed for {module.name}"


def test_every_row_says_what_was_read() -> None:
    words = ("read", "abstract", "secondary", "recalled", "own", "not recorded")
    rows = [line for line in page().splitlines() if line.startswith("| ") and "---" not in line]
    for row in rows:
        cells = [c.strip() for c in row.strip("|").split("|")]
        if cells[0] in ("concept", "case", "family and concepts", "analysis", "definition"):
            continue  # a header
        if len(cells) == 3:
            assert any(w in cells[2].lower() for w in words), f"no read status: {row}"


def test_readme_links_the_page() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "(docs/sources.md)" in readme
    seqsim_row = next(line for line in readme.splitlines() if line.startswith("| `SEQSIM`"))
    anchor = re.search(r"docs/sources\.md#([a-z0-9-]+)", seqsim_row)
    assert anchor is not None, "the README's SEQSIM row does not point to its source note"
    headings = [
        re.sub(r"[^a-z0-9 -]", "", h.lower()).replace(" ", "-")
        for h in re.findall(r"^#+ (.+)$", page(), re.M)
    ]
    assert anchor.group(1) in headings, f"no heading for #{anchor.group(1)}"


def documented_row(case_title: str) -> list[list[str]]:
    line = next(line for line in page().splitlines() if line.startswith(f"| {case_title} |"))
    cells = [c.strip() for c in line.strip("|").split("|")][1:]
    return [sorted(c.split(", ")) for c in cells]


@pytest.mark.parametrize(
    ("case", "title", "differs"),
    [("chicken", "Chicken", "NN"), ("cuban-missile-crisis", "Cuban missile crisis", "NYYN")],
)
def test_seqsim_table_matches_the_reference(case: str, title: str, differs: str) -> None:
    conflict = detente.load_case(case)
    model = reference.naive_model(conflict)
    table = reference.stability_table(model, ("SEQ", "SIM", "SEQSIM"))
    either = [
        [a or b for a, b in zip(x, y, strict=True)]
        for x, y in zip(table["SEQ"], table["SIM"], strict=True)
    ]

    def labels(rows: list[list[bool]]) -> list[str]:
        found = reference.equilibria(rows)
        return sorted(reference.naive_label(conflict, model.states[s][0]) for s in found)

    computed = [labels(table["SEQ"]), labels(table["SIM"]), labels(table["SEQSIM"])]
    computed.append(labels(either))
    assert documented_row(title) == computed
    # The state the issue names is an equilibrium under "SEQ or SIM" and not under SEQSIM.
    assert differs in computed[3] and differs not in computed[2]
    # detente's own engine agrees with the reference's SEQSIM = SEQ and SIM.
    result = detente.analyze(conflict, ["SEQSIM"])
    assert sorted(result.space.label(s) for s in result.equilibria("SEQSIM")) == computed[2]
