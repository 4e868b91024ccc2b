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
    ``command_help`` is what ``detente NAME --help`` says about the command of the same name
    (the first sentence is its line in ``detente --help``).
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
    command_help: str = ""

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
            command_help="List the feasible states with their numbers and labels.",
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
            command_help="Stability of every state for every decision maker, and the equilibria.",
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
            command_help=(
                "Why STATE (a number or a label) is or is not stable, for each decision maker.\n\n"
                "Usage: detente explain FILE STATE, or detente explain --case NAME STATE."
            ),
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
            command_help=(
                "Status quo analysis: which equilibria the conflict can reach, how, and in how"
                " many steps.\n\n"
                "From the status quo (or --from STATE), every step is taken by one decision"
                " maker (or a coalition with --moves coalitions), and nobody moves twice in a"
                " row.  For every equilibrium and every --to STATE: is it reachable, and a"
                " shortest path."
            ),
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
            command_help=(
                "Export the transition graph (GraphML, DOT, JSON) or draw it (SVG, PNG).\n\n"
                "By default the graph is the neighbourhood of a status quo analysis: the"
                " start, the equilibria, and the states on the shortest paths between them."
                "  Edges are coloured by the decision maker who moves; improvements are solid,"
                " other moves dashed."
            ),
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
            command_help=(
                "Which equilibria coalitions can break (joint moves every member prefers), and"
                " how."
            ),
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
            command_help=(
                "Compare the model's strategies side by side: equilibria, what the conflict"
                " reaches from the status quo, and the outcomes, per solution concept."
            ),
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
            command_help=(
                "Hold an option (a dial such as sanctions, or a Y/N option) at each of its"
                " levels in turn and show, per solution concept, the outcome the conflict"
                " reaches."
            ),
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
            command_help=(
                "Misperception: each DM's stability in the game it believes it is in, and the"
                " hyper-equilibria (first-level hypergame); with --correct, what changes when a"
                " belief is corrected."
            ),
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
            command_help=(
                "Uncertain preferences (alternatives, uncertain order): for every state and"
                " concept the probability that it is an equilibrium and that it is reached from"
                " the status quo, and for every strategy the probability of each outcome."
                "  Ctrl-C keeps finished work."
            ),
        ),
        Analysis(
            "inverse",
            _A + "inverse:inverse",
            _A + "inverse:InverseResult",
            "Inverse analysis",
            "The fewest preference changes that make `target` an equilibrium (and reachable).",
            ("target", "concept", "dms", "reachable", "max_changes"),
            report_section="inverse",
            command_help="The smallest change of preferences that makes TARGET an equilibrium.",
        ),
        Analysis(
            "margins",
            _A + "margins:stability_margins",
            _A + "margins:MarginResult",
            "Stability margins",
            "How many exchanges of adjacent states in one DM's ranking flip each state's"
            " equilibrium verdict (detente's own measure).",
            ("concept", "dms", "max_changes"),
            runs_in=None,
            command_help="How many changes of one DM's ranking flip each state's equilibrium"
            " verdict.",
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
            command_help=(
                "Read preferences from what decision makers were seen to do: revealed"
                " preferences, each hypothesis' fit, likelihood and posterior, the smallest"
                " change that fits the record, and what the posterior means for each strategy's"
                " outcomes."
            ),
        ),
        Analysis(
            "design",
            _A + "design:design",
            _A + "design:DesignResult",
            "Strategy design",
            "The minimal commitments of a side that reach the agreement (and the table), ranked"
            " by probability under the belief.",
            ("side", "agreement", "table", "concepts", "max_size", "jobs", "scheduler"),
            runs_in=None,
            report_section="design",
            command_help=(
                "What would it take? The minimal commitments of a side that reach the"
                " agreement (and the table), ranked by probability under the belief.  Ctrl-C"
                " keeps finished work."
            ),
        ),
        Analysis(
            "report",
            "detente.report.brief:build_report",
            "detente.report.brief:Report",
            "HTML report",
            "A self-contained HTML report of the model and its analyses (`html`, `filename`).",
            ("concepts",),
            cached=False,
            command_help=(
                "Answer the case's questions from the analyses and write a self-contained HTML"
                " report (default: the bundled North Korea case, out/report.html); print a"
                " short summary."
            ),
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
