"""The analyses behind the workbench API: request in, JSON-ready data out.

A thin layer over detente's Python API, shared by the synchronous endpoints and the
background jobs (:mod:`detente.web.jobs`), which run these same functions in worker
processes.  Every problem with the user's input is a :class:`~detente.errors.DetenteError`
(the API answers it with a 4xx status and a one-line message); sizes are capped by
:class:`WebLimits` before anything large is built.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import yaml
from pydantic import BaseModel, ValidationError

from .. import __version__, registry
from ..analyses.coalitions import coalition_report
from ..analyses.explain import DEFAULT_EXPLAIN_CONCEPTS, explain
from ..analyses.graph import transition_graph
from ..analyses.hypergame import correct, hypergame_analysis
from ..analyses.inverse import inverse
from ..analyses.paths import status_quo_analysis
from ..analyses.stability import CONCEPTS, StabilityResult, concept_name, stable_for
from ..analyses.strategies import compare, outcome_table, sweep
from ..analyses.uncertainty import uncertainty_analysis
from ..errors import DetenteError, ModelError, SizeLimitError, format_location
from ..io.documents import line_of, parse_document, validation_to_model_error
from ..io.files import model_from_data, model_to_data
from ..io.gmcr import gmcr_to_conflict
from ..model.conflict import Conflict, Option
from ..model.statements import StatementError, parse_statement
from ..report.brief import build_report
from ..space.state_space import StateSpace, compile_conflict, dense_rank, preference_scores
from ..words import describe_state
from . import schemas

Progress = Callable[[int | None, int | None, str], None]


def _no_progress(done: int | None, total: int | None, message: str) -> None:
    """Progress is not reported (synchronous calls)."""


@dataclass(frozen=True)
class WebLimits:
    """Caps on what the workbench accepts (a server shared by several people must not be
    brought down by one large model)."""

    #: Most option combinations of a model (``detente serve --max-states``).
    max_states: int = 1 << 16
    #: Memory budget of one analysis, bytes.
    max_memory: float = 2.0 * 2**30
    #: Largest request body, bytes.
    max_body_bytes: int = 2 * 2**20
    #: Most models in the library.
    max_models: int = 10_000
    #: Most decision makers for "every coalition" (2^n - 1 coalitions).
    max_all_coalitions_dms: int = 6
    #: Most candidate preference profiles tried by inverse analysis.
    max_inverse_candidates: int = 20_000
    #: Longest a request may spend validating or importing a model, seconds (the work runs
    #: in a worker process that is stopped when the time is up; see web/time_limits.py).
    request_seconds: float = 10.0


class SizeError(DetenteError):
    """The model (or the analysis asked for) is larger than the server accepts (HTTP 413)."""


# -- reading models ----------------------------------------------------------------------------
def load_conflict(document: dict[str, Any]) -> Conflict:
    """Validate a model document; a ModelError says where the problem is."""
    if not isinstance(document, dict):
        raise ModelError("expected a model (a mapping of fields)")
    try:
        return Conflict.model_validate(document)
    except ValidationError as exc:
        raise validation_to_model_error(exc, document) from None
    except RecursionError:
        raise ModelError("the model is nested too deeply") from None


def compile_document(document: dict[str, Any], limits: WebLimits) -> StateSpace:
    """Validate and compile a model within the server's limits."""
    conflict = load_conflict(document)
    try:
        return compile_conflict(
            conflict, max_states=limits.max_states, max_memory=limits.max_memory
        )
    except SizeLimitError as exc:
        raise SizeError(_size_message(exc, limits)) from None


def _size_message(exc: SizeLimitError, limits: WebLimits) -> str:
    return (
        f"{exc.message.split('; raise')[0]} (this server accepts at most"
        f" {limits.max_states:,} option combinations per model)"
    )


def model_sizes(document: dict[str, Any], limits: WebLimits) -> dict[str, int | None]:
    """Feasible states, decision makers and options of a valid model (for the library)."""
    space = compile_document(document, limits)
    return {"n_states": space.n_states, "n_dms": space.n_dms, "n_options": space.n_options}


def normalise(conflict: Conflict) -> dict[str, Any]:
    """The stored form of a model: its detente/1 data without fields at their defaults."""
    data = model_to_data(conflict)
    return {"format": data.pop("format"), **data}


def parse_text(text: str, filename: str) -> Conflict:
    """A model from file content: detente/1 YAML/JSON or a gmcr-py ``.gmcr`` file."""
    name = filename.strip() or "model.yaml"
    if name.lower().endswith(".gmcr"):
        return gmcr_to_conflict(text, name)
    data, node = parse_document(text, name)
    return model_from_data(data, name, node)


def import_document(text: str, filename: str) -> dict[str, Any]:
    """The stored form of a model file's content (what ``POST /api/import`` saves)."""
    return normalise(parse_text(text, filename))


def to_text(document: dict[str, Any], fmt: str) -> str:
    """A model document as YAML or JSON text (valid or not)."""
    if fmt == "json":
        return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(document, sort_keys=False, allow_unicode=True, width=100)


def problem(error: ModelError, *, line: int | None = None) -> dict[str, Any]:
    loc = list(error.loc)
    return {
        "message": " ".join(error.message.split()),
        "loc": loc,
        "where": format_location(error.loc),
        "line": line if line is not None else error.line,
    }


# -- validation (live editing) -------------------------------------------------------------------
def validate(request: schemas.ValidateRequest, limits: WebLimits) -> dict[str, Any]:
    """Everything the editor shows while the user types: located errors (as many as can be
    found independently), the number of feasible states, the status quo, each decision
    maker's resulting ranking."""
    out: dict[str, Any] = {"valid": False, "errors": [], "rankings": []}
    node = None
    if request.text is not None:
        source = "model.json" if request.format == "json" else "model.yaml"
        try:
            document, node = parse_document(request.text, source)
        except ModelError as exc:
            out["errors"].append(problem(exc))
            return out
        if not isinstance(document, dict):
            got = "nothing" if document is None else type(document).__name__
            out["errors"].append(
                problem(ModelError(f"expected a model (a mapping of fields), got {got}"), line=1)
            )
            return out
        out["document"] = document
    else:
        document = request.model or {}
    errors: list[dict[str, Any]] = []

    def add(error: ModelError) -> None:
        errors.append(problem(error, line=line_of(node, error.loc) if node is not None else None))

    conflict: Conflict | None = None
    try:
        conflict = load_conflict(document)
    except ModelError as exc:
        add(exc)
    for error in statement_problems(document):
        add(error)
    counting = conflict or _relaxed(document)
    space: StateSpace | None = None
    if counting is not None:
        try:
            space = StateSpace(counting, max_states=limits.max_states, max_memory=limits.max_memory)
            out["n_combinations"] = space.total_codes
            out["n_states"] = space.n_states
        except SizeLimitError as exc:
            add(ModelError(_size_message(exc, limits), exc.loc))
        except ModelError as exc:
            add(exc)
    if conflict is not None and space is not None:
        out["rankings"] = _rankings(space, errors, add, request.ranking_limit)
        try:
            sq = space.status_quo
            if sq is not None:
                out["status_quo"] = {"id": sq + 1, "label": space.label(sq)}
        except ModelError as exc:
            add(exc)
        if space.n_states <= request.states_limit:
            out["states"] = [{"id": s + 1, "label": space.label(s)} for s in range(space.n_states)]
    seen: set[tuple[str, str]] = set()
    for error in errors:
        key = (error["where"], error["message"])
        if key not in seen:
            seen.add(key)
            out["errors"].append(error)
    out["valid"] = not out["errors"]
    return out


def _rankings(
    space: StateSpace, errors: list[dict[str, Any]], add: Callable[[ModelError], None], limit: int
) -> list[dict[str, Any]]:
    conflict = space.conflict
    index = conflict.option_index
    levels = {o.name: o.top for o in conflict.options}
    out = []
    for i, dm in enumerate(conflict.decision_makers):
        prefs = dm.preferences
        try:
            scores = preference_scores(space, prefs, ("decision_makers", i, "preferences"))
        except ModelError as exc:
            add(exc)
            continue
        order = np.argsort(-scores, kind="stable")[:limit]
        ranks = dense_rank(scores)
        satisfied = None
        if prefs.prioritization:
            table = np.stack(
                [
                    parse_statement(text, index, levels).evaluate(space.values[order])
                    for text in prefs.prioritization
                ],
                axis=1,
            )
            satisfied = table
        groups: list[dict[str, Any]] = []
        last = None
        for position, s in enumerate(order):
            s = int(s)
            if last is None or ranks[s] != last:
                groups.append({"states": [], "satisfied": [] if satisfied is not None else None})
                last = ranks[s]
            groups[-1]["states"].append({"id": s + 1, "label": space.label(s)})
            if satisfied is not None:
                groups[-1]["satisfied"].append(satisfied[position].tolist())
        out.append(
            {
                "dm": dm.name,
                "form": prefs.form,
                "groups": groups,
                "shown": int(order.size),
                "total": space.n_states,
            }
        )
    return out


def _options_of(document: dict[str, Any]) -> tuple[dict[str, int], dict[str, int]] | None:
    """Option index and top levels of a document's options, if they are all well formed."""
    options = document.get("options")
    if not isinstance(options, list):
        return None
    index: dict[str, int] = {}
    levels: dict[str, int] = {}
    for k, raw in enumerate(options):
        try:
            option = Option.model_validate(raw)
        except (ValidationError, ModelError, TypeError):
            return None
        index[option.name] = k
        levels[option.name] = option.top
    return index, levels


def statement_problems(document: dict[str, Any]) -> list[ModelError]:
    """Every statement of the document that does not parse, each with its location (the
    model's own validation stops at the first problem; the editor marks them all)."""
    found = _options_of(document)
    if found is None:
        return []
    index, levels = found
    out: list[ModelError] = []

    def check(text: Any, loc: tuple[str | int, ...]) -> None:
        if not isinstance(text, str):
            return
        try:
            parse_statement(text, index, levels)
        except StatementError as exc:
            out.append(ModelError(f"statement {text!r}: {exc}", loc))
        except RecursionError:
            out.append(ModelError("the statement is nested too deeply", loc))

    def prioritization(prefs: Any, loc: tuple[str | int, ...]) -> None:
        if isinstance(prefs, dict) and isinstance(prefs.get("prioritization"), list):
            for k, text in enumerate(prefs["prioritization"]):
                check(text, (*loc, "prioritization", k))

    for i, dm in enumerate(_list(document.get("decision_makers"))):
        if not isinstance(dm, dict):
            continue
        prioritization(dm.get("preferences"), ("decision_makers", i, "preferences"))
        for a, alternative in enumerate(_list(dm.get("alternatives"))):
            if isinstance(alternative, dict):
                prioritization(
                    alternative.get("preferences"),
                    ("decision_makers", i, "alternatives", a, "preferences"),
                )
    for p, perception in enumerate(_list(document.get("perceptions"))):
        if isinstance(perception, dict) and isinstance(perception.get("preferences"), dict):
            for name, prefs in perception["preferences"].items():
                prioritization(prefs, ("perceptions", p, "preferences", name))
    for k, outcome in enumerate(_list(document.get("outcomes"))):
        if isinstance(outcome, dict):
            check(outcome.get("when"), ("outcomes", k, "when"))
    for field in ("infeasible", "merge"):
        for k, condition in enumerate(_list(document.get(field))):
            if isinstance(condition, dict) and "statement" in condition:
                check(condition.get("statement"), (field, k, "statement"))
    return out


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _relaxed(document: dict[str, Any]) -> Conflict | None:
    """The document's options, owners and feasibility only (to count the feasible states
    while other parts, such as a preference, are still being written)."""
    options = document.get("options")
    dms = document.get("decision_makers")
    if not isinstance(options, list) or not options or not isinstance(dms, list):
        return None
    first = options[0].get("name") if isinstance(options[0], dict) else None
    if not isinstance(first, str) or not first:
        return None
    placeholder = {"prioritization": [f"'{first}'" if "'" not in first else first]}
    relaxed_dms = []
    for dm in dms:
        if not isinstance(dm, dict):
            return None
        relaxed_dms.append(
            {"name": dm.get("name"), "options": dm.get("options"), "preferences": placeholder}
        )
    data = {
        "options": options,
        "decision_makers": relaxed_dms,
        "infeasible": document.get("infeasible", []),
        "merge": document.get("merge", []),
    }
    try:
        return load_conflict(data)
    except (ModelError, DetenteError):
        return None


# -- analyses -------------------------------------------------------------------------------------
def _concepts(names: list[str] | None, default: tuple[str, ...] = CONCEPTS) -> list[str]:
    chosen = list(dict.fromkeys(concept_name(c) for c in (names or default)))
    if not chosen:
        raise DetenteError("name at least one solution concept")
    return chosen


def _state_ref(ref: int | str) -> int | str:
    if isinstance(ref, str) and ref.strip().isdigit():
        return int(ref.strip())
    return ref


def run_states(request: schemas.StatesRequest, space: StateSpace, progress: Progress) -> dict:
    stop = min(space.n_states, request.offset + request.limit)
    return {
        "n_states": space.n_states,
        "options": space.option_names,
        "offset": request.offset,
        "states": [
            {"id": s + 1, "label": space.label(s), "values": space.values[s].astype(int).tolist()}
            for s in range(request.offset, stop)
        ],
    }


def run_analyze(request: schemas.AnalyzeRequest, space: StateSpace, progress: Progress) -> dict:
    """Stability of every state for every DM under each concept (``detente analyze``)."""
    names = _concepts(request.concepts)
    result = StabilityResult(space)
    total = len(names) * space.n_dms
    for c, concept in enumerate(names):
        rows = []
        for i in range(space.n_dms):
            progress(c * space.n_dms + i, total, f"{concept} stability for {space.dm_names[i]}")
            rows.append(stable_for(space, concept, i))
        result.stable[concept] = np.stack(rows)
    progress(total, total, "writing the results")
    data = result.to_json()
    outcome_names, table = outcome_table(space)
    data.update(
        concepts=names,
        decision_makers=list(space.dm_names),
        options=list(space.option_names),
        status_quo=None if space.status_quo is None else space.status_quo + 1,
        outcomes=outcome_names,
        state_outcomes=[np.flatnonzero(row).tolist() for row in table],
        descriptions=(
            [describe_state(space, s) for s in range(space.n_states)]
            if space.n_states <= 5000
            else None
        ),
    )
    return data


def run_explain(request: schemas.ExplainRequest, space: StateSpace, progress: Progress) -> dict:
    concepts = _concepts(request.concepts, DEFAULT_EXPLAIN_CONCEPTS)
    return explain(space, _state_ref(request.state), request.dm, concepts).to_json()


def run_paths(request: schemas.PathsRequest, space: StateSpace, progress: Progress) -> dict:
    """Status quo analysis and the transition graph around it (with a layout)."""
    progress(None, None, "stability analysis")
    result = status_quo_analysis(
        space,
        None if request.start is None else _state_ref(request.start),
        targets=[_state_ref(t) for t in request.targets],
        moves=request.moves,
        concepts=_concepts(request.concepts),
        max_depth=request.max_depth,
    )
    progress(None, None, "drawing the graph")
    graph = transition_graph(result, neighbours=request.neighbours, max_targets=request.max_targets)
    drawn = graph.to_json()
    positions = graph.layout()
    drawn["positions"] = {str(s + 1): [x, y] for s, (x, y) in positions.items()}
    return {"analysis": result.to_json(), "graph": drawn}


def run_coalitions(
    request: schemas.CoalitionsRequest, space: StateSpace, progress: Progress
) -> dict:
    if request.coalitions is None and space.n_dms > WebLimits.max_all_coalitions_dms:
        raise SizeError(
            f"with {space.n_dms} decision makers there are {2**space.n_dms - 1:,} coalitions;"
            " name the coalitions to analyse (e.g. US+China)"
        )
    progress(None, None, "coalition stability")
    return coalition_report(
        space, request.concept, request.coalitions, sanctions=request.sanctions
    ).to_json()


def run_compare(request: schemas.CompareRequest, space: StateSpace, progress: Progress) -> dict:
    progress(None, None, f"comparing {len(space.conflict.strategies) + 1} strategies")
    return compare(space, _concepts(request.concepts), moves=request.moves).to_json()


def run_sweep(request: schemas.SweepRequest, space: StateSpace, progress: Progress) -> dict:
    """The pressure dial: outcomes with an option held at each of its levels."""
    progress(None, None, f"holding {request.option} at each level")
    result = sweep(
        space,
        request.option,
        _concepts(request.concepts),
        strategy=request.strategy,
        moves=request.moves,
    )
    data = result.to_json()
    data["cells"] = {"reachable": result.cells(True), "all": result.cells(False)}
    data["level_texts"] = [result.level_text(level) for level in result.levels]
    return data


def run_hypergame(request: schemas.HypergameRequest, space: StateSpace, progress: Progress) -> dict:
    concepts = _concepts(request.concepts)
    if request.correct:
        progress(None, None, "the hypergame before and after the correction")
        return {"correction": correct(space, request.correct, concepts).to_json()}
    progress(None, None, "each decision maker's perceived game")
    return {"hypergame": hypergame_analysis(space, concepts).to_json()}


def run_uncertainty(
    request: schemas.UncertaintyRequest, space: StateSpace, progress: Progress
) -> dict:
    def on_result(done: int, total: int) -> None:
        progress(done, total, f"{done} of {total} preference profiles analysed")

    progress(0, None, "preparing the preference profiles")
    return uncertainty_analysis(
        space,
        _concepts(request.concepts),
        samples=request.samples,
        seed=request.seed,
        method=request.method,
        max_exact=request.max_exact,
        jobs=1,
        progress=False,
        on_result=on_result,
    ).to_json()


def run_inverse(request: schemas.InverseRequest, space: StateSpace, progress: Progress) -> dict:
    progress(None, None, "searching for the fewest preference changes")
    return inverse(
        space,
        _state_ref(request.target),
        concept=request.concept,
        dms=request.dms,
        reachable=request.reachable,
        max_changes=request.max_changes,
        max_candidates=WebLimits.max_inverse_candidates,
    ).to_json()


def run_report(request: schemas.ReportRequest, space: StateSpace, progress: Progress) -> dict:
    """The HTML brief of :mod:`detente.report` for the model as it stands."""
    progress(None, None, "running the analyses of the report")
    options: dict[str, Any] = {"jobs": 1}
    if request.concepts:
        options["concepts"] = _concepts(request.concepts)
    built = build_report(space, **options)
    progress(None, None, "writing the report")
    return {"html": built.to_html(), "filename": _slug(space.conflict.name or "model") + ".html"}


def _slug(text: str) -> str:
    out = "".join(ch if ch.isalnum() else "-" for ch in text.lower()).strip("-")
    while "--" in out:
        out = out.replace("--", "-")
    return out[:60] or "model"


@dataclass(frozen=True)
class Task:
    """How the workbench answers one analysis of :mod:`detente.registry`: the request body it
    accepts and the function that turns it into JSON-ready data."""

    name: str
    request: type[BaseModel]
    run: Callable[[Any, StateSpace, Progress], dict]

    @property
    def cached(self) -> bool:
        """Whether results are kept (the registry's ``cached``)."""
        return registry.analysis(self.name).cached


#: The request body and answering function of every analysis the registry offers on the web.
TASKS: dict[str, Task] = {
    task.name: task
    for task in (
        Task("states", schemas.StatesRequest, run_states),
        Task("analyze", schemas.AnalyzeRequest, run_analyze),
        Task("explain", schemas.ExplainRequest, run_explain),
        Task("paths", schemas.PathsRequest, run_paths),
        Task("coalitions", schemas.CoalitionsRequest, run_coalitions),
        Task("compare", schemas.CompareRequest, run_compare),
        Task("sweep", schemas.SweepRequest, run_sweep),
        Task("hypergame", schemas.HypergameRequest, run_hypergame),
        Task("uncertainty", schemas.UncertaintyRequest, run_uncertainty),
        Task("inverse", schemas.InverseRequest, run_inverse),
        Task("report", schemas.ReportRequest, run_report),
    )
}


def run_task(
    kind: str,
    params: dict[str, Any],
    document: dict[str, Any],
    limits: WebLimits,
    progress: Progress = _no_progress,
) -> dict[str, Any]:
    """Run one analysis on a model document (the request's own ``model`` is replaced by
    ``document``, which the caller resolved from ``model_id`` if need be)."""
    task = TASKS[kind]
    request = task.request.model_validate({**params, "model": document, "model_id": None})
    progress(None, None, "compiling the model")
    space = compile_document(document, limits)
    try:
        return task.run(request, space, progress)
    except SizeLimitError as exc:
        raise SizeError(_size_message(exc, limits)) from None
    except MemoryError:
        raise SizeError("the analysis ran out of memory: the model is too large") from None


def cache_key(kind: str, params: dict[str, Any], document: dict[str, Any]) -> str:
    """Key of a result in the cache: detente's version, the analysis, its parameters and the
    model's content."""
    payload = json.dumps(
        {"version": __version__, "kind": kind, "params": params, "model": document},
        sort_keys=True,
        default=str,
    )
    return hashlib.sha256(payload.encode()).hexdigest()
