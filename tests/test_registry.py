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


#: The command line's commands that are tools, not analyses (they are not in the registry).
CLI_TOOLS = {"validate", "convert", "cases", "show-case", "schema", "serve"}

#: Registered options the CLI spells differently, or leaves to another command or face.
CLI_OPTION_NAMES = {
    ("states", "offset"): None,  # the workbench pages through states; the CLI lists them all
    ("states", "limit"): None,
    ("paths", "neighbours"): None,  # the workbench's paths also draw the graph (`graph` has them)
    ("paths", "max_targets"): None,
    ("coalitions", "coalitions"): "coalition_refs",  # --coalition A+B, repeatable
    ("hypergame", "correct"): "corrections",  # --correct NAME, repeatable
    ("diagnose", "history"): "history_path",  # --history FILE
}


def test_the_cli_commands_are_the_registered_analyses_and_the_tools() -> None:
    assert set(main.commands) - CLI_TOOLS == set(registry.ANALYSES)
    assert not CLI_TOOLS & set(registry.ANALYSES)


@pytest.mark.parametrize("entry", list(registry.ANALYSES.values()), ids=list(registry.ANALYSES))
def test_cli_command_takes_its_name_and_help_from_the_registry(entry: registry.Analysis) -> None:
    command = main.commands[entry.name]
    assert command.help == entry.command_help
    assert command.callback is not None and command.callback.__doc__ is None  # one home


@pytest.mark.parametrize("entry", list(registry.ANALYSES.values()), ids=list(registry.ANALYSES))
def test_cli_command_takes_the_registered_options(entry: registry.Analysis) -> None:
    params = {p.name for p in main.commands[entry.name].params}
    for option in entry.options:
        name = CLI_OPTION_NAMES.get((entry.name, option), option)
        if name is not None:
            assert name in params, f"detente {entry.name} has no parameter {name!r}"


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
