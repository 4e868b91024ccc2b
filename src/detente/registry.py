"""The one list of detente's analyses: what each is called, which function computes it,
which options it takes, what it returns and how the faces run it.

The CLI (:mod:`detente.cli`), the workbench (:mod:`detente.web`) and the case brief
(:mod:`detente.report`) read this list instead of keeping their own.  The registry sits
beside the faces, above the analyses: it names functions in :mod:`detente.analyses` (and the
report) and never imports a face.

The functions and result types are named as ``"module:attribute"`` and imported when first
asked for, because importing every analysis (numpy, pandas, the report) would make
``detente --help`` and the server's start slow; :attr:`Analysis.function` and
:attr:`Analysis.result_type` resolve them.

>>> [a.name for a in web_analyses()][:4]
['states', 'analyze', 'explain', 'paths']
>>> ANALYSES["paths"].function.__name__
'status_quo_analysis'
>>> ANALYSES["explain"].runs_in
'inline'
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from importlib import import_module
from typing import Any, Literal

__all__ = ["ANALYSES", "Analysis", "analysis", "report_sections", "web_analyses"]

RunsIn = Literal["inline", "process"]


def _resolve(reference: str) -> Any:
    """The object named by ``"package.module:attribute"``."""
    module, _, attribute = reference.partition(":")
    return getattr(import_module(module), attribute)


@dataclass(frozen=True)
class Analysis:
    """One analysis and how the faces offer it.

    ``options`` are the analysis's settings as the faces name them (the fields of the web
    request besides the model); ``runs_in`` is ``"inline"`` for analyses the server answers
    in its request thread (they take milliseconds), ``"process"`` for those it runs in a
    cancellable worker process, ``None`` for analyses the workbench does not offer.
    ``quick`` analyses of small models skip the worker process; ``cached`` results are kept
    by the workbench.  ``report_section`` is the section of the case brief
    (:data:`detente.report.SECTIONS`) that this analysis supplies, if any.
    """

    name: str
    function_ref: str
    result_ref: str
    summary: str
    description: str
    options: tuple[str, ...]
    runs_in: RunsIn | None = "process"
    quick: bool = False
    cached: bool = True
    report_section: str | None = None

    @property
    def function(self) -> Callable[..., Any]:
        """The Python function that computes the analysis.

        >>> ANALYSES["inverse"].function.__module__
        'detente.analyses.inverse'
        """
        return _resolve(self.function_ref)

    @property
    def result_type(self) -> type:
        """The type of what :attr:`function` returns.

        >>> ANALYSES["compare"].result_type.__name__
        'ComparisonResult'
        """
        return _resolve(self.result_ref)


_A = "detente.analyses."
#: Settings of the status quo analysis, shared by its table (paths) and its picture (graph).
_PATH_OPTIONS = ("start", "targets", "moves", "concepts", "max_depth", "neighbours", "max_targets")

#: Every analysis, in the order the workbench's API lists them.
ANALYSES: dict[str, Analysis] = {
    a.name: a
    for a in (
        Analysis(
            "states",
            "detente.space:as_space",
            "detente.space.state_space:StateSpace",
            "Feasible states",
            "The feasible states with their numbers, labels and option values (a page of them).",
            ("offset", "limit"),
            runs_in="inline",
            cached=False,
        ),
        Analysis(
            "analyze",
            _A + "stability:analyze",
            _A + "stability:StabilityResult",
            "Stability and equilibria",
            "Stability of every state for every decision maker under each solution concept,"
            " and the equilibria: the JSON of `detente analyze --format json`, plus the"
            " outcome and a description of each state.",
            ("concepts",),
            quick=True,
        ),
        Analysis(
            "explain",
            _A + "explain:explain",
            _A + "explain:Explanation",
            "Why a state is (not) stable",
            "For one state: each decision maker's improvements and the sanctions (or their"
            " absence) behind each concept's verdict, as data and sentences.",
            ("state", "dm", "concepts"),
            runs_in="inline",
        ),
        Analysis(
            "paths",
            _A + "paths:status_quo_analysis",
            _A + "paths:StatusQuoResult",
            "Status quo analysis and state graph",
            "Which equilibria the conflict reaches from the status quo (or `start`), by whose"
            " moves and in how many steps, and the transition graph around those paths with"
            " a layered layout (`positions`: state number -> [column, row]).",
            _PATH_OPTIONS,
            quick=True,
            report_section="agreement",
        ),
        Analysis(
            "graph",
            _A + "graph:transition_graph",
            _A + "graph:TransitionGraph",
            "State graph",
            "The transition graph around the status quo paths, as a picture or a graph file.",
            _PATH_OPTIONS,
            runs_in=None,
            report_section="pictures",
        ),
        Analysis(
            "coalitions",
            _A + "coalitions:coalition_report",
            _A + "coalitions:CoalitionReport",
            "Coalition analysis",
            "Coalition stability (CNash, CGMR, CSMR, CSEQ) and which equilibria coalitions can"
            " break, with the joint moves.",
            ("concept", "coalitions", "sanctions"),
            report_section="joint",
        ),
        Analysis(
            "compare",
            _A + "strategies:compare",
            _A + "strategies:ComparisonResult",
            "Strategy comparison",
            "The model's strategies side by side: equilibria, what the conflict reaches from"
            " the committed status quo, the outcomes and a verdict per concept.",
            ("concepts", "moves"),
            quick=True,
            report_section="strategies",
        ),
        Analysis(
            "sweep",
            _A + "strategies:sweep",
            _A + "strategies:SweepResult",
            "Pressure dial",
            "Hold an option at each of its levels in turn: the outcomes reached and the"
            " outcomes of all equilibria per level and concept (`cells`).",
            ("option", "strategy", "concepts", "moves"),
            quick=True,
            report_section="dial",
        ),
        Analysis(
            "hypergame",
            _A + "hypergame:hypergame_analysis",
            _A + "hypergame:HypergameResult",
            "Misperception (hypergame)",
            "First-level hypergame of the model's perceptions: hyper-equilibria, unforeseen"
            " and expected equilibria; with `correct`, what changes when beliefs are"
            " corrected.",
            ("concepts", "correct"),
            quick=True,
            report_section="misperceptions",
        ),
        Analysis(
            "uncertainty",
            _A + "uncertainty:uncertainty_analysis",
            _A + "uncertainty:UncertaintyResult",
            "Uncertain preferences",
            "Probabilities that each state is an equilibrium and is reached, and of each"
            " strategy's outcomes, over the model's uncertain preferences.  Best run as a job"
            " (POST /api/jobs/uncertainty).",
            ("concepts", "method", "samples", "seed", "max_exact"),
            report_section="uncertainty",
        ),
        Analysis(
            "inverse",
            _A + "inverse:inverse",
            _A + "inverse:InverseResult",
            "Inverse analysis",
            "The fewest preference changes that make `target` an equilibrium (and reachable).",
            ("target", "concept", "dms", "reachable", "max_changes"),
            report_section="inverse",
        ),
        Analysis(
            "diagnose",
            _A + "diagnose:diagnose",
            _A + "diagnose:Diagnosis",
            "History diagnosis",
            "What a recorded history of moves says about the decision makers' preferences.",
            ("history", "dms", "concept"),
            runs_in=None,
            report_section="diagnosis",
        ),
        Analysis(
            "report",
            "detente.report.brief:build_report",
            "detente.report.brief:Report",
            "HTML report",
            "A self-contained HTML report of the model and its analyses (`html`, `filename`).",
            ("concepts",),
            cached=False,
        ),
    )
}


def analysis(name: str) -> Analysis:
    """The analysis called ``name``, or a one-line error listing the known ones.

    >>> analysis("sweep").summary
    'Pressure dial'
    >>> analysis("nope")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    KeyError: "unknown analysis 'nope' (known: states, analyze, explain, ..., report)"
    """
    try:
        return ANALYSES[name]
    except KeyError:
        known = ", ".join(ANALYSES)
        raise KeyError(f"unknown analysis {name!r} (known: {known})") from None


def web_analyses() -> list[Analysis]:
    """The analyses the workbench offers, in the order of its API.

    >>> [a.name for a in web_analyses() if a.runs_in == "inline"]
    ['states', 'explain']
    """
    return [a for a in ANALYSES.values() if a.runs_in is not None]


def report_sections() -> dict[str, Analysis]:
    """Each section of the case brief and the analysis that supplies it.

    >>> report_sections()["dial"].name
    'sweep'
    """
    return {a.report_section: a for a in ANALYSES.values() if a.report_section is not None}
