"""The registry is the one list of analyses: every face agrees with it."""

from __future__ import annotations

import ast
import inspect
import typing

import pytest

from detente import registry
from detente.cli import main
from detente.report import SECTIONS
from detente.web import schemas, service
from detente.web.app import WebSettings, create_app

MODEL_FIELDS = {"model", "model_id"}


@pytest.mark.parametrize("entry", list(registry.ANALYSES.values()), ids=list(registry.ANALYSES))
def test_function_returns_the_result_type(entry: registry.Analysis) -> None:
    function = entry.function
    hints = typing.get_type_hints(function)
    assert hints["return"] is entry.result_type


@pytest.mark.parametrize("entry", registry.web_analyses(), ids=lambda a: a.name)
def test_web_request_takes_the_registered_options(entry: registry.Analysis) -> None:
    request = service.TASKS[entry.name].request
    assert tuple(f for f in request.model_fields if f not in MODEL_FIELDS) == entry.options
    assert issubclass(request, schemas.ModelSource)


def test_web_binds_exactly_the_registered_analyses() -> None:
    assert list(service.TASKS) == [a.name for a in registry.web_analyses()]


def test_every_analysis_is_a_cli_command() -> None:
    assert set(registry.ANALYSES) <= set(main.commands)


def test_registry_serves_every_report_section() -> None:
    assert set(registry.report_sections()) == set(SECTIONS)


def test_api_lists_the_registered_analyses_with_their_summaries(tmp_path) -> None:
    app = create_app(WebSettings(database=tmp_path / "models.db"))
    paths = app.openapi()["paths"]
    for entry in registry.web_analyses():
        operation = paths[f"/api/{entry.name}"]["post"]
        assert operation["summary"] == entry.summary
        assert (f"/api/jobs/{entry.name}" in paths) == (entry.runs_in == "process")


def test_unknown_analysis_is_a_one_line_error() -> None:
    with pytest.raises(KeyError, match="unknown analysis 'nope' \\(known: states, analyze"):
        registry.analysis("nope")


def test_registry_imports_no_face() -> None:
    tree = ast.parse(inspect.getsource(registry))
    imported = [
        node.module or "" for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)
    ] + [
        alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import)
        for alias in node.names
    ]
    references = [a.function_ref + " " + a.result_ref for a in registry.ANALYSES.values()]
    for name in imported + references:
        assert not name.startswith(("detente.cli", "detente.web", ".cli", ".web")), name
