"""Bundled example conflicts, each a ``detente/1`` YAML file citing its source."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import ModelError
from ..model.conflict import Conflict

__all__ = ["DEFAULT_CASE", "case_path", "case_text", "list_cases", "load_case"]

#: The case ``make run`` and ``detente report`` use when none is named.
DEFAULT_CASE = "north-korea"


def _files() -> dict[str, Path]:
    folder = resources.files(__name__)
    return {
        Path(entry.name).stem: Path(str(entry))
        for entry in folder.iterdir()
        if entry.name.endswith(".yaml")
    }


def list_cases() -> list[str]:
    """Names of the bundled cases, sorted."""
    return sorted(_files())


def case_path(name: str) -> Path:
    """Path of a bundled case file."""
    files = _files()
    if name not in files:
        raise ModelError(f"no bundled case {name!r} (bundled: {', '.join(sorted(files))})")
    return files[name]


def case_text(name: str) -> str:
    return case_path(name).read_text(encoding="utf-8")


def load_case(name: str) -> Conflict:
    """Load a bundled case by name, e.g. ``load_case("elmira")``."""
    from ..io.files import parse_model

    return parse_model(case_text(name), f"{name}.yaml")
