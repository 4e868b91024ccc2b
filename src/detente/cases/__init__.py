"""Bundled example conflicts, each a ``detente/1`` YAML file citing its source, and the
observed histories bundled with some of them (``histories/<case>.yaml``)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from ..errors import ModelError
from ..io.files import load_model, parse_model
from ..model.conflict import Conflict
from ..model.history import History

__all__ = [
    "DEFAULT_CASE",
    "bundled_history",
    "case_path",
    "case_text",
    "history_model",
    "list_cases",
    "load_case",
]

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
    return parse_model(case_text(name), f"{name}.yaml")


def bundled_history(case: str) -> Path | None:
    """The history bundled with a case (``cases/histories/<case>.yaml``), if there is one."""
    entry = resources.files("detente.cases").joinpath("histories", f"{case}.yaml")
    return Path(str(entry)) if entry.is_file() else None


def history_model(history: History) -> Conflict | None:
    """The model a history names (``model:``): a bundled case or a path next to the file."""
    if history.model is None:
        return None
    if history.model in list_cases():
        return load_case(history.model)
    base = history._path.parent if history._path is not None else Path.cwd()
    path = base / history.model
    if not path.exists():
        raise history.locate(
            ModelError(
                f"model {history.model!r} is neither a bundled case nor a file next to the history",
                ("model",),
            )
        )
    return load_model(path)
