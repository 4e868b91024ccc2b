"""The ``detente`` command line: a thin layer over the Python API.

Bad input never shows a traceback: every :class:`~detente.errors.DetenteError` becomes one
line on standard error and exit status 2.
"""

from __future__ import annotations

import csv
import io
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import click

from . import __version__
from .analyses.stability import CONCEPTS, analyze, concept_name
from .cases import (
    DEFAULT_CASE,
    bundled_history,
    case_path,
    history_model,
    list_cases,
    load_case,
)
from .errors import DetenteError, ModelError
from .io.files import dump_model, load_model, locate_error
from .io.gmcr import GmcrImportWarning
from .limits import DEFAULT_MAX_MEMORY, DEFAULT_MAX_STATES
from .model.conflict import Conflict
from .registry import analysis
from .space.state_space import StateSpace, compile_conflict


def _fail(message: str) -> None:
    click.echo(f"detente: error: {message}", err=True)
    sys.exit(2)


def friendly(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn detente's own errors into one line and exit status 2."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ModelError as exc:
            _fail(str(_in_input_file(exc, kwargs)))
        except DetenteError as exc:
            _fail(str(exc))
        except MemoryError:
            _fail("out of memory: the model is too large for this machine (lower --max-states)")

    return wrapper


def _in_input_file(error: ModelError, params: dict[str, Any]) -> ModelError:
    """Name the model file (and line) in an error found after loading it, e.g. compiling."""
    if error.source is not None or not error.loc:
        return error
    path = params.get("file") or params.get("source")
    if path is None and params.get("case"):
        try:
            path = case_path(params["case"])
        except DetenteError:
            return error
    return error if path is None else locate_error(error, path)


def model_argument(func: Callable[..., Any]) -> Callable[..., Any]:
    """FILE argument, or ``--case NAME`` for a bundled case."""
    func = click.option(
        "--case", "case", metavar="NAME", help="Use a bundled case instead of a FILE."
    )(func)
    # Directories and missing files are reported by the loader, in detente's one-line form.
    return click.argument("file", required=False, type=click.Path(path_type=Path))(func)


def _remember_max_memory(ctx: click.Context, _param: click.Parameter, value: float) -> None:
    ctx.meta["detente.max_memory"] = value * 2**30


def max_states_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--max-states`` (a parameter of the command) and ``--max-memory`` (read by
    :func:`_compile` from the click context)."""
    func = click.option(
        "--max-memory",
        type=click.FloatRange(min=0.01),
        default=DEFAULT_MAX_MEMORY / 2**30,
        show_default=True,
        metavar="GIB",
        expose_value=False,
        callback=_remember_max_memory,
        help="Refuse models whose analysis would need more memory than this (GiB).",
    )(func)
    return click.option(
        "--max-states",
        type=click.IntRange(min=1),
        default=DEFAULT_MAX_STATES,
        show_default=True,
        help="Refuse models with more option combinations than this.",
    )(func)


def format_option(*choices: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--format`` (parameter ``fmt``) among ``choices``; the first is the default."""
    return click.option("--format", "fmt", type=click.Choice(list(choices)), default=choices[0])


def concepts_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """``--concept NAME`` (parameter ``concepts``), repeatable."""
    return click.option("--concept", "concepts", multiple=True, metavar="NAME", help=help_text)


def resolve_model(file: Path | None, case: str | None, *, default_case: bool = False) -> Conflict:
    if file is not None and case is not None:
        raise DetenteError("give a FILE or --case, not both")
    if case is not None:
        return load_case(case)
    if file is None:
        if default_case:
            return load_case(DEFAULT_CASE)
        raise DetenteError("give a model FILE or --case NAME (see 'detente cases')")
    with import_warnings_on_stderr():
        return load_model(file)


@contextmanager
def import_warnings_on_stderr() -> Iterator[None]:
    """Print what an import leaves out (a ``.gmcr`` key it does not read, a coalition) on
    stderr, one located line each, so that nothing is dropped in silence; other warnings go
    on as Python shows them."""
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", GmcrImportWarning)
        try:
            yield
        finally:
            for w in caught:
                if issubclass(w.category, GmcrImportWarning):
                    click.echo(f"warning: {w.message}", err=True)
                else:
                    warnings.showwarning(w.message, w.category, w.filename, w.lineno)


def _compile(conflict: Conflict, max_states: int) -> StateSpace:
    ctx = click.get_current_context(silent=True)
    max_memory = (
        ctx.meta.get("detente.max_memory", DEFAULT_MAX_MEMORY) if ctx else DEFAULT_MAX_MEMORY
    )
    return compile_conflict(conflict, max_states=max_states, max_memory=max_memory)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="detente")
def main() -> None:
    """detente: analyse negotiations with difficult partners (Graph Model for Conflict
    Resolution)."""
    _full_width_when_piped()


#: Width of tables and text when the output is not a terminal: wide enough that nothing is
#: cut, so `detente states > f` keeps every label and name whole.
PIPED_WIDTH = 10_000


def _full_width_when_piped() -> None:
    """Rich cuts tables to the terminal's width, and to 80 columns when there is no
    terminal; a file or a pipe should get every cell whole.  Rich reads ``COLUMNS`` for its
    width, so set it unless the user chose one."""
    if sys.stdout.isatty() or "COLUMNS" in os.environ:
        return
    os.environ["COLUMNS"] = str(PIPED_WIDTH)
    # Only for this command: a caller running detente in its own process (a test, a
    # notebook) keeps its environment.
    click.get_current_context().call_on_close(lambda: os.environ.pop("COLUMNS", None))


def analysis_command(name: str) -> Callable[[Callable[..., Any]], click.Command]:
    """The command of the registered analysis ``name``: its name and help come from
    :data:`detente.registry.ANALYSES`, the one list of analyses (the workbench reads it
    too); the function supplies the options and the output."""
    entry = analysis(name)
    return main.command(entry.name, help=entry.command_help)


@main.command()
@model_argument
@max_states_option
@friendly
def validate(file: Path | None, case: str | None, max_states: int) -> None:
    """Check a model file and say how many feasible states it has."""
    conflict = resolve_model(file, case)
    space = _compile(conflict, max_states)
    name = conflict.name or (str(file) if file else case)
    click.echo(
        f"{name}: valid; {space.n_dms} decision makers, {space.n_options} options,"
        f" {space.n_states:,} feasible states"
    )
    # Lazy: the outcome table is only needed here (the command line starts fast).
    from .analyses.strategies import uncovered_states
    from .render.terminal import coverage_note

    note = coverage_note(uncovered_states(space))
    if note:
        click.echo(note)


@analysis_command("states")
@model_argument
@max_states_option
@format_option("table", "json", "csv")
@friendly
def states(file: Path | None, case: str | None, max_states: int, fmt: str) -> None:
    space = _compile(resolve_model(file, case), max_states)
    rows = [
        {"id": s + 1, "label": space.label(s), "values": space.values[s].astype(int).tolist()}
        for s in range(space.n_states)
    ]
    if fmt == "json":
        click.echo(json.dumps({"options": space.option_names, "states": rows}, indent=1))
        return
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(["id", "label", *space.option_names])
        for row in rows:
            writer.writerow([row["id"], row["label"], *row["values"]])
        click.echo(out.getvalue(), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"{space.n_states} feasible states")
    table.add_column("#", justify="right")
    table.add_column("label")
    for name in space.option_names:
        table.add_column(name, justify="center")
    for s, row in enumerate(rows):
        marks = [
            space.label(s).split(".")[k] if space._separated_labels else space.label(s)[k]
            for k in range(space.n_options)
        ]
        table.add_row(str(row["id"]), row["label"], *marks)
    Console().print(table)


@analysis_command("analyze")
@model_argument
@max_states_option
@concepts_option(
    f"Solution concept(s): {', '.join(CONCEPTS)}, L<h> (limited move), NM;"
    " 'DM=CONCEPT, ..., *=CONCEPT' for one concept per DM, 'per-DM' for the model's own."
    " Repeat for several; default: all of Nash, GMR, SMR, SEQ, SIM, SEQSIM (and per-DM"
    " when the model gives its DMs concepts).",
)
@format_option("table", "json", "csv")
@click.option("--summary", is_flag=True, help="Only counts and equilibria (for large conflicts).")
@friendly
def analyze_cmd(
    file: Path | None,
    case: str | None,
    max_states: int,
    concepts: tuple[str, ...],
    fmt: str,
    summary: bool,
) -> None:
    conflict = resolve_model(file, case)
    names = [concept_name(c) for c in concepts]
    space = _compile(conflict, max_states)
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.costs import DEFAULT_BUDGET_SECONDS
    from .render.progress import long_run_progress, skipped_line

    budget = DEFAULT_BUDGET_SECONDS
    try:  # concepts named are computed with a progress bar; default ones within the budget
        with long_run_progress(space, names if concepts else [], budget) as progress:
            result = analyze(
                space, names or CONCEPTS, budget=None if concepts else budget, progress=progress
            )
    except KeyboardInterrupt:
        click.echo("detente: interrupted (Ctrl-C); no result", err=True)
        sys.exit(130)
    if (line := skipped_line(result, budget)) is not None:
        click.echo(line, err=True)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(summary=summary), indent=1))
    elif fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out)
        header = ["id", "label"]
        for concept in result.concepts:
            header += [f"{concept}:{dm}" for dm in space.dm_names] + [f"{concept}:equilibrium"]
        writer.writerow(header)
        for s in range(space.n_states):
            row: list[Any] = [s + 1, space.label(s)]
            for concept in result.concepts:
                arr = result.stable[concept]
                row += [int(x) for x in arr[:, s]] + [int(arr[:, s].all())]
            writer.writerow(row)
        click.echo(out.getvalue(), nl=False)
    else:
        # lazy: loaded when this command runs, so `detente --help` starts fast
        from .render.terminal import print_stability

        print_stability(conflict, result, summary=summary)


@main.command()
@click.argument("source", type=click.Path(path_type=Path))
@click.argument("target", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Overwrite TARGET if it exists.")
@friendly
def convert(source: Path, target: Path, force: bool) -> None:
    """Convert a model (.yaml, .json or gmcr-py .gmcr) to detente YAML or JSON.

    The output format follows TARGET's suffix (.json for JSON, YAML otherwise).
    """
    with import_warnings_on_stderr():
        conflict = load_model(source)
    compile_conflict(conflict)  # a converted file must be a valid model
    if target.exists() and not force:
        raise DetenteError(f"{target} exists; use --force to overwrite it")
    fmt = "json" if target.suffix.lower() == ".json" else "yaml"
    text = dump_model(conflict, fmt)
    tmp = target.with_name(target.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(target)  # never leave a half-written file behind
    click.echo(f"wrote {target}")


@main.command()
@friendly
def cases() -> None:
    """List the bundled cases (use them with --case NAME)."""
    for name in list_cases():
        conflict = load_case(name)
        marker = " (default)" if name == DEFAULT_CASE else ""
        click.echo(f"{name:<22} {conflict.name}{marker}")


@main.command("show-case")
@click.argument("name")
@friendly
def show_case(name: str) -> None:
    """Print a bundled case's YAML file (a starting point for your own model)."""
    click.echo(case_path(name).read_text(encoding="utf-8"), nl=False)


@main.command()
def schema() -> None:
    """Print the JSON Schema of the detente/1 model format."""
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .model.schema import model_schema

    click.echo(json.dumps(model_schema(), indent=2))


# -- coalition analysis and explanations (detente.coalitions, detente.explain) -----------------
@analysis_command("coalitions")
@model_argument
@max_states_option
@click.option(
    "--concept",
    default="Nash",
    show_default=True,
    metavar="NAME",
    help="Coalition version of Nash, GMR, SMR or SEQ.",
)
@click.option(
    "--coalition",
    "coalition_refs",
    multiple=True,
    metavar="A+B",
    help="Analyse this coalition (DM names joined by '+'), with the single DMs. Repeat for"
    " several. Default: every coalition.",
)
@click.option(
    "--sanctions",
    type=click.Choice(["coalitions", "individuals"]),
    default="coalitions",
    show_default=True,
    help="Credible sanctions for coalition SEQ: coalitional improvements of coalitions of the"
    " others, or the others' own unilateral improvements.",
)
@format_option("text", "json", "csv")
@friendly
def coalitions_cmd(
    file: Path | None,
    case: str | None,
    max_states: int,
    concept: str,
    coalition_refs: tuple[str, ...],
    sanctions: str,
    fmt: str,
) -> None:
    import numpy as np

    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.coalitions import coalition_name, coalition_report

    conflict = resolve_model(file, case)
    space = _compile(conflict, max_states)
    refs = list(coalition_refs) or None
    report = coalition_report(space, concept, refs, sanctions=sanctions)  # type: ignore[arg-type]
    if fmt == "json":
        click.echo(json.dumps(report.to_json(), indent=1))
        return
    if fmt == "csv":
        click.echo(report.to_frame().to_csv(index=False), nl=False)
        return
    from rich.console import Console
    from rich.table import Table

    console = Console()
    console.print(
        f"[bold]{conflict.name or 'conflict'}[/bold]: coalition analysis ({report.concept}),"
        f" {len(report.coalitions)} coalitions, sanctions by {sanctions}"
    )
    for line in report.sentences():
        console.print(line)
    table = Table(title=f"States stable for each coalition (coalition {report.concept})")
    table.add_column("coalition")
    table.add_column("stable states")
    arr = report.stability.stable[report.concept]
    for k, coalition in enumerate(report.coalitions):
        states = [str(int(s) + 1) for s in np.flatnonzero(arr[k])]
        shown = ", ".join(states[:40]) + (f" ... ({len(states)})" if len(states) > 40 else "")
        table.add_row(coalition_name(space, coalition), shown or "none")
    console.print(table)


@analysis_command("explain")
@model_argument
@click.argument("state", required=False)
@max_states_option
@click.option("--dm", "dm", metavar="NAME", help="Explain for this decision maker only.")
@concepts_option(
    "Nash, GMR, SMR, SEQ, SIM or SEQSIM; repeat for several. Default: Nash, GMR, SMR, SEQ, SIM.",
)
@format_option("text", "json")
@friendly
def explain_cmd(
    file: Path | None,
    case: str | None,
    state: str | None,
    max_states: int,
    dm: str | None,
    concepts: tuple[str, ...],
    fmt: str,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.explain import DEFAULT_EXPLAIN_CONCEPTS, explain

    if state is None and case is not None and file is not None:
        state, file = str(file), None  # "--case NAME STATE": STATE landed in FILE's place
    if state is None:
        raise DetenteError("give the STATE to explain (its number or label)")
    space = _compile(resolve_model(file, case), max_states)
    ref: Any = int(state) if state.strip().isdigit() else state
    result = explain(space, ref, dm, concepts or DEFAULT_EXPLAIN_CONCEPTS)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=1))
        return
    for line in result.text().splitlines():
        click.echo(line)


# -- strategies: compare and sweep (detente.strategies) ------------------------------------------
_STRATEGY_CONCEPT_HELP = (
    f"Solution concept(s): {', '.join(CONCEPTS)}, L<h>, NM. Repeat for several;"
    " default: all of Nash, GMR, SMR, SEQ, SIM, SEQSIM."
)
_MOVES_HELP = (
    "Steps of the status quo analysis: unilateral improvements (default), any unilateral"
    " moves, or improvements including coalitional ones."
)


def strategy_moves_option(func: Callable[..., Any]) -> Callable[..., Any]:
    """``--moves`` of ``compare`` and ``sweep``: which steps the status quo analysis takes."""
    return click.option(
        "--moves",
        type=click.Choice(["improvements", "any", "coalitions"]),
        default="improvements",
        help=_MOVES_HELP,
    )(func)


@analysis_command("compare")
@model_argument
@max_states_option
@concepts_option(_STRATEGY_CONCEPT_HELP)
@strategy_moves_option
@format_option("table", "json")
@friendly
def compare(
    file: Path | None,
    case: str | None,
    max_states: int,
    concepts: tuple[str, ...],
    moves: str,
    fmt: str,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.strategies import compare as compare_strategies
    from .render.terminal import print_comparison

    conflict = resolve_model(file, case)
    names = [concept_name(c) for c in concepts] or list(CONCEPTS)
    result = compare_strategies(_compile(conflict, max_states), names, moves=moves)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=1))
    else:
        print_comparison(result)


@analysis_command("sweep")
@model_argument
@max_states_option
@click.option("--option", "option", required=True, metavar="NAME", help="The option to vary.")
@click.option(
    "--strategy",
    metavar="NAME",
    help="Hold one of the model's strategies as well (the swept option overrides it).",
)
@concepts_option(_STRATEGY_CONCEPT_HELP)
@strategy_moves_option
@format_option("table", "json")
@click.option(
    "--plot",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE",
    help="Also draw outcome against level per concept (.png, .svg or .pdf).",
)
@friendly
def sweep(
    file: Path | None,
    case: str | None,
    max_states: int,
    option: str,
    strategy: str | None,
    concepts: tuple[str, ...],
    moves: str,
    fmt: str,
    plot: Path | None,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.strategies import sweep as sweep_option
    from .render.terminal import print_sweep

    if plot is not None and plot.suffix.lower() not in (".png", ".svg", ".pdf"):
        raise DetenteError(f"--plot {plot}: give a .png, .svg or .pdf file")
    conflict = resolve_model(file, case)
    names = [concept_name(c) for c in concepts] or list(CONCEPTS)
    space = _compile(conflict, max_states)
    result = sweep_option(space, option, names, strategy=strategy, moves=moves)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=1))
    else:
        print_sweep(result)
    if plot is not None:
        try:
            result.plot(plot)
        except OSError as exc:
            raise DetenteError(f"cannot write {plot}: {exc.strerror or exc}") from None
        click.echo(f"wrote {plot}", err=fmt == "json")


# -- misperception and uncertain preferences (detente.hypergame, detente.uncertainty) ------------
_HYPER_CONCEPT_HELP = (
    f"Solution concept(s): {', '.join(CONCEPTS)}, L<h>, NM. Repeat for several;"
    " default: Nash, GMR, SMR, SEQ, SIM, SEQSIM."
)


@analysis_command("hypergame")
@model_argument
@max_states_option
@concepts_option(_HYPER_CONCEPT_HELP)
@click.option(
    "--correct",
    "corrections",
    multiple=True,
    metavar="NAME",
    help="What if this perception (misperception) is corrected? Repeat for several.",
)
@format_option("table", "json")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=8,
    show_default=True,
    help="States listed per cell of the table.",
)
@friendly
def hypergame(
    file: Path | None,
    case: str | None,
    max_states: int,
    concepts: tuple[str, ...],
    corrections: tuple[str, ...],
    fmt: str,
    limit: int,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.hypergame import correct, hypergame_analysis
    from .render.terminal import print_correction, print_hypergame

    conflict = resolve_model(file, case)
    names = [concept_name(c) for c in concepts] or list(CONCEPTS)
    space = _compile(conflict, max_states)
    if corrections:
        correction = correct(space, corrections, names)
        if fmt == "json":
            click.echo(json.dumps(correction.to_json(), indent=1))
        else:
            print_correction(correction, limit=limit)
        return
    result = hypergame_analysis(space, names)
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=1))
    else:
        print_hypergame(result, limit=limit)


@analysis_command("uncertainty")
@model_argument
@max_states_option
@concepts_option(_HYPER_CONCEPT_HELP)
@click.option(
    "--samples",
    type=click.IntRange(min=1),
    default=10_000,
    show_default=True,
    help="Monte Carlo sample size (when the combinations are too many to enumerate).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Monte Carlo seed.")
@click.option(
    "--method",
    type=click.Choice(["auto", "exact", "sample"]),
    default="auto",
    show_default=True,
    help="auto: enumerate up to --max-exact combinations exactly, else sample.",
)
@click.option(
    "--max-exact",
    type=click.IntRange(min=1),
    default=4096,
    show_default=True,
    help="Largest number of combinations enumerated exactly.",
)
@click.option(
    "--jobs",
    type=click.IntRange(min=1),
    default=None,
    help="Worker processes on this machine [default: every core].",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    help="Run on an existing Dask cluster (e.g. tcp://host:8786) instead.",
)
@format_option("table", "json")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.json",
    help="Also write the results (updated while the run goes on) to this file.",
)
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=20,
    show_default=True,
    help="States listed in the table.",
)
@click.option(
    "--progress/--no-progress",
    default=None,
    help="Progress bar on standard error [default: when it is a terminal].",
)
@friendly
def uncertainty(
    file: Path | None,
    case: str | None,
    max_states: int,
    concepts: tuple[str, ...],
    samples: int,
    seed: int,
    method: str,
    max_exact: int,
    jobs: int | None,
    scheduler: str | None,
    fmt: str,
    out: Path | None,
    limit: int,
    progress: bool | None,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.uncertainty import uncertainty_analysis
    from .render.terminal import print_uncertainty

    conflict = resolve_model(file, case)
    names = [concept_name(c) for c in concepts] or list(CONCEPTS)
    space = _compile(conflict, max_states)
    result = uncertainty_analysis(
        space,
        names,
        samples=samples,
        seed=seed,
        method=method,
        max_exact=max_exact,
        jobs=jobs,
        scheduler=scheduler,
        progress=progress,
        out=out,
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=1))
    else:
        print_uncertainty(result, limit=limit)
    if result.note:
        click.echo(f"detente: note: {result.note}", err=True)
    if out is not None:
        click.echo(f"wrote {out}", err=True)
    if result.interrupted:
        sys.exit(130)  # the partial results are out; say that the run was cut short


# -- inverse analysis: what would have to change (detente.inverse) ------------------------------
@analysis_command("inverse")
@model_argument
@max_states_option
@click.option("--target", "target", required=True, metavar="STATE", help="Number or label.")
@click.option("--concept", default="Nash", show_default=True, help="Solution concept.")
@click.option(
    "--dm", "dms", multiple=True, metavar="NAME", help="Whose preferences may change (repeat)."
)
@click.option("--reachable", is_flag=True, help="Also require reaching it from the status quo.")
@click.option("--max-changes", type=click.IntRange(min=0), default=3, show_default=True)
@format_option("text", "json")
@friendly
def inverse_cmd(
    file: Path | None,
    case: str | None,
    max_states: int,
    target: str,
    concept: str,
    dms: tuple[str, ...],
    reachable: bool,
    max_changes: int,
    fmt: str,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.inverse import inverse

    space = _compile(resolve_model(file, case), max_states)
    ref: int | str = int(target) if target.isdigit() else target
    result = inverse(
        space,
        ref,
        concept=concept,
        dms=list(dms) or None,
        reachable=reachable,
        max_changes=max_changes,
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=2))
        return
    click.echo(result.summary())
    for k, solution in enumerate(result.solutions[1:], start=2):
        click.echo(f"  solution {k}: " + "; and ".join(c.sentence for c in solution))


# -- stability margins: how robust each verdict is (detente.analyses.margins) -----------------
@analysis_command("margins")
@model_argument
@max_states_option
@click.option("--concept", default="Nash", show_default=True, help="Solution concept.")
@click.option(
    "--dm", "dms", multiple=True, metavar="NAME", help="Whose preferences may change (repeat)."
)
@click.option("--max-changes", type=click.IntRange(min=1), default=2, show_default=True)
@click.option("--all", "all_states", is_flag=True, help="Every state, not only the equilibria.")
@format_option("table", "json")
@friendly
def margins_cmd(
    file: Path | None,
    case: str | None,
    max_states: int,
    concept: str,
    dms: tuple[str, ...],
    max_changes: int,
    all_states: bool,
    fmt: str,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.margins import stability_margins
    from .render.margins import print_margins

    space = _compile(resolve_model(file, case), max_states)
    result = stability_margins(space, concept, dms=list(dms) or None, max_changes=max_changes)
    states = range(space.n_states) if all_states else None
    if fmt == "json":
        click.echo(json.dumps(result.to_json(states=states), indent=2))
    else:
        print_margins(result, states=states)


# -- status quo analysis: paths and the transition graph (detente.paths, detente.graph) ---------
def _evolution_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by ``paths`` and ``graph``: where from, where to, which steps."""
    options = [
        click.option(
            "--from",
            "start",
            metavar="STATE",
            help="Start here (a state number or label). Default: the model's status quo.",
        ),
        click.option(
            "--to",
            "targets",
            multiple=True,
            metavar="STATE",
            help="Also report this state (number or label). Repeat for several.",
        ),
        click.option(
            "--moves",
            type=click.Choice(["improvements", "any", "coalitions"]),
            default="improvements",
            show_default=True,
            help="Steps allowed: unilateral improvements of the mover; any unilateral move; or"
            " unilateral improvements and coalitional improvements (joint moves every member"
            " prefers).",
        ),
        click.option(
            "--coalition",
            "coalition_refs",
            multiple=True,
            metavar="A+B",
            help="With --moves coalitions: a coalition that may move jointly (DM names joined"
            " by '+'). Repeat for several. Default: every group of two or more DMs.",
        ),
        concepts_option(
            f"Equilibria of these concepts ({', '.join(CONCEPTS)}, L<h>, NM). Repeat for"
            " several; default: Nash, GMR, SMR, SEQ, SIM, SEQSIM.",
        ),
        click.option(
            "--max-depth",
            type=click.IntRange(min=0),
            default=None,
            metavar="STEPS",
            help="Look at most this many steps ahead.",
        ),
        click.option(
            "--consecutive",
            is_flag=True,
            help="Let a mover take two steps in a row (by default nobody moves twice in a row).",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _coalition_refs(refs: tuple[str, ...]) -> list[list[str]] | None:
    if not refs:
        return None
    return [[name.strip() for name in ref.split("+") if name.strip()] for ref in refs]


@analysis_command("paths")
@model_argument
@max_states_option
@_evolution_options
@format_option("table", "json")
@click.option(
    "--limit",
    type=click.IntRange(min=1),
    default=40,
    show_default=True,
    help="Rows shown in the table (JSON lists every target).",
)
@click.option("--summary", is_flag=True, help="JSON without the paths (for large conflicts).")
@friendly
def paths_cmd(
    file: Path | None,
    case: str | None,
    max_states: int,
    start: str | None,
    targets: tuple[str, ...],
    moves: str,
    coalition_refs: tuple[str, ...],
    concepts: tuple[str, ...],
    max_depth: int | None,
    consecutive: bool,
    fmt: str,
    limit: int,
    summary: bool,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.paths import status_quo_analysis
    from .render.terminal import print_status_quo

    space = _compile(resolve_model(file, case), max_states)
    result = status_quo_analysis(
        space,
        start,
        targets=targets,
        moves=moves,
        concepts=[concept_name(c) for c in concepts] or list(CONCEPTS),
        max_depth=max_depth,
        consecutive=consecutive,
        coalitions=_coalition_refs(coalition_refs),
    )
    if fmt == "json":
        indent = 1 if len(result.targets) <= 1000 else None  # json's C encoder needs None
        click.echo(json.dumps(result.to_json(summary=summary), indent=indent))
        return
    print_status_quo(result, limit=limit)


@analysis_command("graph")
@model_argument
@max_states_option
@_evolution_options
@click.option(
    "--out",
    "-o",
    "out",
    required=True,
    type=click.Path(dir_okay=False, path_type=Path),
    help="Output file: .graphml, .dot, .json, .svg or .png.",
)
@click.option(
    "--full",
    is_flag=True,
    help="Every state and move (small conflicts only) instead of the neighbourhood of the"
    " status quo analysis.",
)
@click.option(
    "--neighbours",
    is_flag=True,
    help="Also show every state one unilateral move away from the start or a path state.",
)
@click.option(
    "--max-targets",
    type=click.IntRange(min=1),
    default=30,
    show_default=True,
    help="Most equilibria/targets in the neighbourhood (reachable and nearest first).",
)
@friendly
def graph_cmd(
    file: Path | None,
    case: str | None,
    max_states: int,
    start: str | None,
    targets: tuple[str, ...],
    moves: str,
    coalition_refs: tuple[str, ...],
    concepts: tuple[str, ...],
    max_depth: int | None,
    consecutive: bool,
    out: Path,
    full: bool,
    neighbours: bool,
    max_targets: int,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.graph import transition_graph
    from .render.graph_files import GRAPH_FORMATS

    suffix = out.suffix.lower().lstrip(".")
    if suffix not in GRAPH_FORMATS:
        raise DetenteError(
            f"cannot tell the format of {out.name!r}: use one of"
            f" {', '.join('.' + f for f in GRAPH_FORMATS)}"
        )
    space = _compile(resolve_model(file, case), max_states)
    graph = transition_graph(
        space,
        start,
        targets=targets,
        moves=moves,
        concepts=[concept_name(c) for c in concepts] or list(CONCEPTS),
        full=full,
        neighbours=neighbours,
        max_targets=max_targets,
        max_depth=max_depth,
        consecutive=consecutive,
        coalitions=_coalition_refs(coalition_refs),
    )
    graph.write(out)
    click.echo(f"wrote {out} ({graph.nodes.size} states, {graph.source.size} moves)")


# -- reading the counterpart: preferences from an observed history (detente.diagnose) ----------
@analysis_command("diagnose")
@model_argument
@max_states_option
@click.option(
    "--history",
    "history_path",
    type=click.Path(path_type=Path),
    metavar="HISTORY.yaml",
    help="The observed history (detente-history/1). Default with --case: the case's bundled"
    " history, if it has one.",
)
@click.option(
    "--dm", "dms", multiple=True, metavar="NAME", help="Diagnose this DM (repeat for several)."
)
@click.option(
    "--concept",
    default="Nash",
    show_default=True,
    metavar="NAME",
    help="What a stay means: the state is stable for the DM under this concept.",
)
@click.option(
    "--epsilon",
    type=click.FloatRange(min=0, max=0.5, min_open=True, max_open=True),
    default=None,
    help="Probability that a DM errs on one observation [default: the history's, else 0.05].",
)
@click.option(
    "--max-changes",
    type=click.IntRange(min=0),
    default=2,
    show_default=True,
    help="Largest preference change tried to make a hypothesis fit the record.",
)
@click.option(
    "--forecast/--no-forecast",
    default=True,
    show_default=True,
    help="Also give each strategy's outcome probabilities before and given the record.",
)
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True)
@format_option("table", "json", "markdown")
@click.option("--limit", type=click.IntRange(min=1), default=12, show_default=True)
@friendly
def diagnose_cmd(
    file: Path | None,
    case: str | None,
    max_states: int,
    history_path: Path | None,
    dms: tuple[str, ...],
    concept: str,
    epsilon: float | None,
    max_changes: int,
    forecast: bool,
    jobs: int,
    fmt: str,
    limit: int,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.diagnose import diagnose
    from .io.history import load_history
    from .render.markdown import diagnosis_markdown
    from .render.terminal import print_diagnosis

    if history_path is None:
        found = bundled_history(case) if case is not None and file is None else None
        if found is None:
            raise DetenteError("give the observed history: --history HISTORY.yaml")
        history_path = found
    history = load_history(history_path)
    if file is None and case is None:
        conflict = history_model(history)
        if conflict is None:
            raise DetenteError(
                "give a model FILE or --case NAME (or name the model in the history: 'model:')"
            )
    else:
        conflict = resolve_model(file, case)
    result = diagnose(
        _compile(conflict, max_states),
        history,
        dms=list(dms) or None,
        concept=concept,
        epsilon=epsilon,
        max_changes=max_changes,
        forecast=forecast,
        jobs=jobs,
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=1))
    elif fmt == "markdown":
        click.echo(diagnosis_markdown(result), nl=False)
    else:
        print_diagnosis(result, limit=limit)


# -- the web workbench (detente.web) -------------------------------------------------------------
@main.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on.")
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--db",
    "database",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="DETENTE_DB",
    help="SQLite file of saved models [default: workbench.sqlite3 in your data directory].",
)
@click.option(
    "--token",
    envvar="DETENTE_TOKEN",
    metavar="TEXT",
    help="Access token every request must carry (required, and generated if not given,"
    " when --host is not a loopback address).",
)
@click.option(
    "--max-states",
    type=click.IntRange(min=1),
    default=None,
    help="Most option combinations a model may have [default: 65,536].",
)
@friendly
def serve(
    host: str, port: int, database: Path | None, token: str | None, max_states: int | None
) -> None:
    """Start the web workbench (build, analyse and compare conflicts in the browser)."""
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .web.server import serve as serve_workbench

    serve_workbench(host, port, database, token, max_states, echo=click.echo)


# -- the case report (detente.report) ------------------------------------------------------------
@analysis_command("report")
@model_argument
@max_states_option
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("out/report.html"),
    show_default=True,
    metavar="FILE.html",
    help="Where to write the HTML report (its folder is created).",
)
@concepts_option(
    "Solution concept(s); repeat for several. Default: Nash and SEQ.",
)
@click.option("--counterpart", metavar="DM", help="The difficult partner (default: see docs).")
@click.option(
    "--agreement",
    metavar="OUTCOME|STATE",
    help="The agreement: an outcome name or a state (default: the outcome 'deal').",
)
@click.option("--table", metavar="OUTCOME", help="The outcome 'at the table' (default: 'talks').")
@click.option("--dial", metavar="OPTION", help="The dial to sweep (default: first levelled one).")
@click.option(
    "--samples",
    type=click.IntRange(min=1),
    default=1000,
    show_default=True,
    help="Monte Carlo samples of the uncertainty section (exact enumeration when small).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Monte Carlo seed.")
@click.option(
    "--max-changes",
    type=click.IntRange(min=0),
    default=1,
    show_default=True,
    help="Largest preference change the inverse analysis tries.",
)
@click.option(
    "--history",
    "history_path",
    type=click.Path(path_type=Path),
    metavar="HISTORY.yaml",
    help="Observed history to diagnose (default for a bundled case: its bundled history).",
)
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True)
@click.option(
    "--json",
    "json_path",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.json",
    help="Also write the findings as JSON.",
)
@friendly
def report_cmd(
    file: Path | None,
    case: str | None,
    max_states: int,
    out_path: Path,
    concepts: tuple[str, ...],
    counterpart: str | None,
    agreement: str | None,
    table: str | None,
    dial: str | None,
    samples: int,
    seed: int,
    max_changes: int,
    history_path: Path | None,
    jobs: int,
    json_path: Path | None,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .report.brief import DEFAULT_REPORT_CONCEPTS, build_report

    conflict = resolve_model(file, case, default_case=True)
    case_name = case if case is not None else (DEFAULT_CASE if file is None else None)
    if history_path is None and case_name is not None:
        history_path = bundled_history(case_name)
    result = build_report(
        _compile(conflict, max_states),
        concepts=concepts or DEFAULT_REPORT_CONCEPTS,
        counterpart=counterpart,
        agreement=agreement,
        table=table,
        dial=dial,
        samples=samples,
        seed=seed,
        jobs=jobs,
        max_changes=max_changes,
        history=history_path,
    )
    try:
        written = result.write(out_path)
        if json_path is not None:
            json_path.parent.mkdir(parents=True, exist_ok=True)
            json_path.write_text(json.dumps(result.to_json(), indent=1) + "\n", encoding="utf-8")
    except OSError as exc:
        raise DetenteError(f"cannot write the report: {exc.strerror or exc}") from None
    click.echo(result.summary())
    click.echo(f"Report written to {written}")


# -- strategy design: what would it take? (detente.analyses.design) ------------------------------
@analysis_command("design")
@model_argument
@max_states_option
@click.option("--side", metavar="DM[,DM]", help="Whose commitments [default: the strategies' DMs].")
@click.option("--agreement", metavar="OUTCOME", help="Outcome to reach [default: the first].")
@click.option("--table", metavar="OUTCOME", help="Second outcome to reach [default: the second].")
@concepts_option("[default: Nash, SEQ]")
@click.option("--max-size", type=click.IntRange(min=0), default=None, help="Bound the search.")
@click.option("--jobs", type=click.IntRange(min=1), default=1, show_default=True)
@click.option("--scheduler", metavar="ADDRESS", help="Run on an existing Dask cluster.")
@format_option("table", "json")
@friendly
def design_cmd(
    file: Path | None,
    case: str | None,
    max_states: int,
    side: str | None,
    agreement: str | None,
    table: str | None,
    concepts: tuple[str, ...],
    max_size: int | None,
    jobs: int,
    scheduler: str | None,
    fmt: str,
) -> None:
    # lazy: loaded when this command runs, so `detente --help` starts fast
    from .analyses.design import design
    from .render.terminal import print_design

    space = _compile(resolve_model(file, case), max_states)
    result = design(
        space,
        side=[s.strip() for s in side.split(",") if s.strip()] if side else None,
        agreement=agreement,
        table=table,
        concepts=concepts or ("Nash", "SEQ"),
        max_size=max_size,
        jobs=jobs,
        scheduler=scheduler,
    )
    if fmt == "json":
        click.echo(json.dumps(result.to_json(), indent=1))
    else:
        print_design(result)
    if result.interrupted:
        sys.exit(130)  # the partial result is out; say that the run was cut short


if __name__ == "__main__":  # pragma: no cover
    main()
