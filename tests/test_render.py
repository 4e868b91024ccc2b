"""Presentation lives in detente.render: the analyses return data and reach their renderers
only through detente.analyses.presenting (docs/architecture.md)."""

from __future__ import annotations

import ast
import inspect
from importlib import import_module
from pathlib import Path

import pytest

import detente
from detente.analyses import presenting
from detente.errors import DetenteError
from detente.render import RENDERERS

ANALYSES = Path(detente.__file__).parent / "analyses"


def _present_calls() -> set[str]:
    """``module.Class.method`` of every result method that delegates to ``present``."""
    found = set()
    for path in sorted(ANALYSES.glob("*.py")):
        module = f"detente.analyses.{path.stem}"
        for cls in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(cls, ast.ClassDef):
                continue
            for node in ast.walk(cls):
                if (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Name)
                    and node.func.id == "present"
                ):
                    found.add(f"{module}.{cls.name}.{node.args[1].value}")  # type: ignore[attr-defined]
    return found


def test_every_delegating_method_has_a_renderer_and_every_renderer_a_method() -> None:
    assert _present_calls() == set(RENDERERS)


@pytest.mark.parametrize("key", sorted(RENDERERS))
def test_renderers_resolve_to_functions_of_render(key: str) -> None:
    module, _, attribute = RENDERERS[key].partition(":")
    assert module.startswith("detente.render.")
    function = getattr(import_module(module), attribute)
    assert inspect.isfunction(function)
    owner, _, method = key.rpartition(".")
    owner_module, _, cls = owner.rpartition(".")
    assert callable(getattr(getattr(import_module(owner_module), cls), method))


#: Analyses whose frames have not moved to detente.render yet (issue 10, "One house").
NOT_YET_MOVED: set[str] = set()


@pytest.mark.parametrize(
    "path",
    [
        pytest.param(
            p,
            marks=pytest.mark.xfail(
                p.name in NOT_YET_MOVED, reason="issue 10: its frames still sit in the analysis"
            ),
        )
        for p in sorted(ANALYSES.glob("*.py"))
    ],
    ids=lambda p: p.name,
)
def test_analyses_import_no_frames_or_pictures(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = [alias.name for n in ast.walk(tree) if isinstance(n, ast.Import) for alias in n.names]
    names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
    drawn = [n for n in names if n.split(".")[0] in ("pandas", "matplotlib") or n == "rich.table"]
    assert not drawn, f"{path.name} imports {drawn}: put it in detente.render"


def test_a_result_without_renderer_is_a_one_line_error() -> None:
    class Plain:
        pass

    with pytest.raises(DetenteError, match=r"no renderer is registered for Plain\.to_frame"):
        presenting.present(Plain(), "to_frame")


def test_delegation_gives_the_renderers_answer() -> None:
    from detente.render.frames import stability_frame, stability_html

    result = detente.analyze(detente.load_case("elmira"), ["Nash", "SEQ"])
    assert result.to_frame().equals(stability_frame(result))
    assert result._repr_html_() == stability_html(result)
    seq = result.to_frame()[("SEQ", "equilibrium")]
    assert seq[seq].index.tolist() == [int(s) + 1 for s in result.equilibria("SEQ")] == [5, 8, 9]
