"""pandas frames of the analyses' results, and the HTML notebooks show for them.

Each ``*_frame`` function turns one result into a :class:`pandas.DataFrame` (one row per
state, strategy, package... as its docstring says); each ``*_html`` function is the result's
``_repr_html_``, which Jupyter calls to display it.  The results' own ``to_frame()`` and
``_repr_html_()`` methods delegate here (see :mod:`detente.analyses.presenting`).

>>> import detente
>>> from detente.analyses.explain import explain
>>> frame = explanation_frame(explain(detente.load_case("prisoners-dilemma"), "NN", 0, ["Nash"]))
>>> frame[["dm", "concept", "stable", "improvement"]].to_dict("records")
[{'dm': 'A', 'concept': 'Nash', 'stable': False, 'improvement': 2}]
"""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import pandas as pd

from ..analyses.coalitions import CoalitionReport, CoalitionStability, coalition_name
from ..analyses.design import DesignResult
from ..analyses.explain import Explanation
from ..analyses.hypergame import Correction, HypergameResult
from ..analyses.inverse import InverseResult
from ..analyses.margins import MarginResult
from ..analyses.paths import Evolution, StatusQuoResult
from ..analyses.stability import StabilityResult
from ..analyses.strategies import ComparisonResult, StrategyReport, SweepResult
from ..analyses.uncertainty import UncertaintyResult
from ..space.state_space import StateSpace
from ..words import changes_text


# -- stability and explanations ------------------------------------------------------------------
def stability_frame(result: StabilityResult) -> pd.DataFrame:
    """One row per state: number, label, and a column per (concept, DM) plus equilibrium."""
    space = result.space
    data: dict[Any, Any] = {"state": np.arange(1, space.n_states + 1), "label": space.labels}
    for concept, arr in result.stable.items():
        for i, dm in enumerate(space.dm_names):
            data[(concept, dm)] = arr[i]
        data[(concept, "equilibrium")] = arr.all(axis=0)
    frame = pd.DataFrame(data).set_index("state")
    return frame


def stability_html(result: StabilityResult) -> str:
    return stability_frame(result)._repr_html_()


def explanation_frame(explanation: Explanation) -> pd.DataFrame:
    """One row per (DM, concept, improvement); a row with no target when there is none."""
    space = explanation.space
    rows = []
    for item in explanation.items:
        base = {"dm": item.dm_name, "concept": item.concept, "stable": item.stable}
        if not item.improvements:
            rows.append(
                {**base, "improvement": None, "escapes": None, "sanction": None, "moves": ""}
            )
        for ui in item.improvements:
            response = ui.sanction or ui.defeated
            rows.append(
                {
                    **base,
                    "improvement": ui.target + 1,
                    "escapes": ui.escapes,
                    "sanction": response.state + 1 if ui.sanction else None,
                    "moves": "; ".join(st.text(space) for st in response.path)
                    if ui.sanction and response is not None
                    else "",
                }
            )
    columns = ["dm", "concept", "stable", "improvement", "escapes", "sanction", "moves"]
    frame = pd.DataFrame(rows).reindex(columns=columns)
    return frame.astype({"improvement": "Int64", "sanction": "Int64", "escapes": "boolean"})


def explanation_html(explanation: Explanation) -> str:
    items = "".join(f"<li>{html.escape(line)}</li>" for line in explanation.text().splitlines())
    return f"<ul>{items}</ul>" + explanation_frame(explanation)._repr_html_()


def comparison_frame(result: ComparisonResult) -> pd.DataFrame:
    """One row per (strategy, concept): counts, nearest reachable equilibrium, verdict."""
    return _strategy_frame(result.strategies, "strategy", lambda r: r.name)


def comparison_html(result: ComparisonResult) -> str:
    return _html_intro(result.space, result.moves) + comparison_frame(result)._repr_html_()


def sweep_frame(result: SweepResult) -> pd.DataFrame:
    """One row per (level, concept)."""
    lookup = {id(row): level for level, row in zip(result.levels, result.rows, strict=True)}
    return _strategy_frame(result.rows, "level", lambda r: lookup[id(r)])


def sweep_html(result: SweepResult) -> str:
    return _html_intro(result.space, result.moves) + sweep_frame(result)._repr_html_()


def _strategy_frame(
    reports: Sequence[StrategyReport], key: str, value_of: Callable[[StrategyReport], Any]
) -> pd.DataFrame:
    rows = []
    for report in reports:
        for concept, rep in report.concepts.items():
            reached = rep.steps[rep.steps >= 0]
            rows.append(
                {
                    key: value_of(report),
                    "concept": concept,
                    "commitment": report.commitment_text,
                    "equilibria": rep.count,
                    "reachable": rep.reachable_count if rep.has_start else None,
                    "nearest steps": int(reached.min()) if reached.size else None,
                    "outcomes reachable": ", ".join(rep.outcomes_reachable),
                    "outcomes of all equilibria": ", ".join(rep.outcomes_all),
                    "verdict": rep.verdict if report.note is None else report.note,
                }
            )
    columns = [
        key,
        "concept",
        "commitment",
        "equilibria",
        "reachable",
        "nearest steps",
        "outcomes reachable",
        "outcomes of all equilibria",
        "verdict",
    ]
    frame = pd.DataFrame(rows, columns=columns)
    for column in ("reachable", "nearest steps"):
        frame[column] = frame[column].astype("Int64")
    return frame.set_index([key, "concept"])


def _html_intro(space: StateSpace, moves: str) -> str:
    name = html.escape(space.conflict.name or "conflict")
    return f"<p><b>{name}</b>: evolution by {html.escape(moves)} from the status quo.</p>"


def uncertainty_frame(result: UncertaintyResult) -> pd.DataFrame:
    """One row per state: P(reached) and, per concept, P(equilibrium) and
    P(equilibrium and reached)."""
    space = result.space
    data: dict[Any, Any] = {"state": np.arange(1, space.n_states + 1), "label": space.labels}
    if result.p_reached is not None:
        data[("reached", "")] = result.p_reached
    for c in result.concepts:
        data[(c, "equilibrium")] = result.p_equilibrium[c]
        data[(c, "equilibrium & reached")] = result.p_equilibrium_reached[c]
    return pd.DataFrame(data).set_index("state")


def uncertainty_strategies_frame(result: UncertaintyResult) -> pd.DataFrame:
    """One row per (strategy, concept, outcome) with its probability."""
    rows = [
        {"strategy": name, "concept": c, "outcome": o, "probability": p}
        for name, by_concept in result.strategies.items()
        for c, per in by_concept.items()
        for o, p in per.items()
    ]
    return pd.DataFrame(rows, columns=["strategy", "concept", "outcome", "probability"])


def uncertainty_html(result: UncertaintyResult) -> str:
    frame = uncertainty_frame(result)
    frame = frame.loc[np.sort(result.interesting_states()) + 1]
    return f"<p>{html.escape(result.summary())}</p>" + frame._repr_html_()


def design_frame(result: DesignResult) -> pd.DataFrame:
    """One row per minimal package: outcome, package, probability per concept, steps."""
    rows = []
    for p in result.recommendations():
        row: dict[str, Any] = {"outcome": p.outcome, "package": p.package_text()}
        row.update({f"P({c})": v for c, v in p.probability.items()})
        row.update({"steps": p.steps, "gives up": p.gives_up, "size": p.size})
        rows.append(row)
    return pd.DataFrame(rows)


def design_html(result: DesignResult) -> str:
    return design_frame(result)._repr_html_()


def hypergame_frame(result: HypergameResult) -> pd.DataFrame:
    """One row per state: per concept, stability per DM in its own game and in the true
    game, hyper-equilibrium and true equilibrium."""
    space = result.space
    data: dict[Any, Any] = {"state": np.arange(1, space.n_states + 1), "label": space.labels}
    for concept in result.concepts:
        for i, dm in enumerate(space.dm_names):
            data[(concept, dm, "own game")] = result.perceived[concept][i]
            data[(concept, dm, "true game")] = result.true.stable[concept][i]
        data[(concept, "hyper-equilibrium", "")] = result.perceived[concept].all(axis=0)
        data[(concept, "true equilibrium", "")] = result.true.stable[concept].all(axis=0)
    return pd.DataFrame(data).set_index("state")


def hypergame_html(result: HypergameResult) -> str:
    text = "<br>".join(html.escape(line) for line in result.summary().splitlines())
    return f"<p>{text}</p>"


def correction_html(correction: Correction) -> str:
    text = "<br>".join(html.escape(line) for line in correction.summary().splitlines())
    return f"<p>{text}</p>"


def inverse_frame(result: InverseResult) -> pd.DataFrame:
    rows = [
        {"solution": k + 1, "dm": c.dm, "kind": c.kind, "change": c.sentence}
        for k, solution in enumerate(result.solutions)
        for c in solution
    ]
    return pd.DataFrame(rows, columns=["solution", "dm", "kind", "change"])


def inverse_html(result: InverseResult) -> str:
    return f"<p>{result.summary()}</p>" + inverse_frame(result)._repr_html_()


# -- status quo paths (analyses/paths.py) -------------------------------------------------------
def evolution_frame(result: Evolution) -> pd.DataFrame:
    """One row per reachable state: number, label and least number of steps."""
    states = result.reachable_states
    return pd.DataFrame(
        {
            "state": states + 1,
            "label": [result.space.label(int(s)) for s in states],
            "steps": result.distance[states],
        }
    ).set_index("state")


def evolution_html(result: Evolution) -> str:
    counts = result.level_counts()
    cells = "".join(f"<td>{c:,}</td>" for c in counts)
    heads = "".join(f"<th>{d}</th>" for d in range(len(counts)))
    cut = "" if result.complete else " (cut by the depth limit)"
    label = html.escape(result.space.label(result.start))
    return (
        f"<p>Evolution from state {result.start + 1} ({label})"
        f" by {html.escape(result.moves)}: {int((result.distance >= 0).sum()):,} of"
        f" {result.space.n_states:,} states reachable{cut}.</p>"
        f"<table><tr><th>steps</th>{heads}</tr><tr><th>new states</th>{cells}</tr></table>"
    )


def status_quo_frame(result: StatusQuoResult) -> pd.DataFrame:
    """One row per target state: label, equilibrium per concept, reachable, steps, path."""
    space = result.space
    rows = []
    short = result.evolution.path_strings([t.state for t in result.targets])
    for t, path in zip(result.targets, short, strict=True):
        row: dict[str, Any] = {"state": t.state + 1, "label": space.label(t.state)}
        for concept in result.concepts:
            row[concept] = concept in t.equilibrium
        row["requested"] = t.requested
        row["reachable"] = t.reachable
        row["steps"] = t.steps
        row["path"] = path
        rows.append(row)
    columns = ["state", "label", *result.concepts, "requested", "reachable", "steps", "path"]
    frame = pd.DataFrame(rows, columns=columns).set_index("state")
    frame["steps"] = frame["steps"].astype("Int64")
    return frame


def status_quo_steps_frame(result: StatusQuoResult, state: int) -> pd.DataFrame:
    """The steps of a shortest path to ``state`` (0-based), one row per step."""
    steps = result.path(state) or []
    space = result.space
    return pd.DataFrame(
        [
            {
                "step": k + 1,
                "mover": "+".join(s.mover),
                "kind": s.kind,
                "from": s.before + 1,
                "from_label": space.label(s.before),
                "to": s.after + 1,
                "to_label": space.label(s.after),
                "changes": changes_text(space, s.changes),
            }
            for k, s in enumerate(steps)
        ],
        columns=["step", "mover", "kind", "from", "from_label", "to", "to_label", "changes"],
    ).set_index("step")


def status_quo_html(result: StatusQuoResult) -> str:
    return f"<p>{html.escape(result.summary())}</p>" + status_quo_frame(result)._repr_html_()


# -- coalitions (analyses/coalitions.py) ---------------------------------------------------------
def coalition_stability_frame(result: CoalitionStability) -> pd.DataFrame:
    """One row per state; a column per (concept, coalition) plus the coalition equilibrium."""
    space = result.space
    data: dict[Any, Any] = {"state": np.arange(1, space.n_states + 1), "label": space.labels}
    for concept, arr in result.stable.items():
        for k, name in enumerate(result.coalition_names):
            data[(f"C{concept}", name)] = arr[k]
        data[(f"C{concept}", "equilibrium")] = arr.all(axis=0)
    return pd.DataFrame(data).set_index("state")


def coalition_stability_html(result: CoalitionStability) -> str:
    return coalition_stability_frame(result)._repr_html_()


def coalition_report_frame(result: CoalitionReport) -> pd.DataFrame:
    """One row per route: equilibrium, coalition, target and the moves."""
    space = result.space
    rows = [
        {
            "equilibrium": b.equilibrium + 1,
            "equilibrium label": space.label(b.equilibrium),
            "coalition": coalition_name(space, b.coalition),
            "targets": len(b.targets),
            "target": route.target + 1,
            "target label": space.label(route.target),
            "moves": "; ".join(step.text(space) for step in route.path),
        }
        for b in result.breaks
        for route in b.routes
    ]
    columns = [
        "equilibrium",
        "equilibrium label",
        "coalition",
        "targets",
        "target",
        "target label",
        "moves",
    ]
    return pd.DataFrame(rows, columns=columns)


def coalition_report_html(result: CoalitionReport) -> str:
    head = "".join(f"<p>{html.escape(line)}</p>" for line in result.sentences()[:2])
    return head + coalition_report_frame(result)._repr_html_()


# -- stability margins (analyses/margins.py) -----------------------------------------------------
def margins_frame(result: MarginResult) -> pd.DataFrame:
    """One row per state: label, equilibrium, margin, and the margin per searched DM."""
    space = result.space
    data: dict[str, Any] = {
        "state": np.arange(1, space.n_states + 1),
        "label": space.labels,
        "equilibrium": result.equilibrium,
        "margin": result.state_margin(),
    }
    for dm in result.dms:
        data[dm] = result.margin[space.dm_names.index(dm)]
    return pd.DataFrame(data).set_index("state")


def margins_html(result: MarginResult) -> str:
    return margins_frame(result)._repr_html_()
