"""The transition graph of a conflict: states as nodes, moves as edges, for export and pictures.

A graph model *is* a graph: one node per state and, for each decision maker, an arc from s
to every state in R_i(s), coloured by the DM (Fang, Hipel & Kilgour 1993; Xu, Kilgour,
Hipel & Kemkes 2010 call it an edge-coloured graph).  This module builds that graph, either
whole (small conflicts only) or as a *neighbourhood* around a status quo analysis (see
:mod:`detente.paths`): the start, the equilibria and other targets, the states on the
shortest paths to them and, optionally, the one-step neighbours of those states.

Exports: GraphML (written with :mod:`xml.etree`, readable by Gephi, yEd, networkx), DOT
(Graphviz) and JSON; pictures (SVG, PNG) are drawn with matplotlib in a layered layout: the
start on the left, one column per number of steps, unreachable targets in a last column on
the right.

Node attributes: ``number`` (1-based), ``label``, ``status_quo`` (the start of the analysis),
``equilibrium`` (the concepts under which the state is an equilibrium), ``target`` (named
with ``--to``), ``reachable`` and ``steps`` (least number of steps from the start, -1 if not
reachable).  Edge attributes: ``dm`` (the mover: a DM, or members joined by '+' for a
coalitional improvement), ``is_improvement`` (the end state is better for the mover, for every
member of a coalition), ``kind`` ("move", "improvement" or "coalitional improvement") and
``on_path`` (the edge is a step of a shortest path shown).

JSON (``detente graph ... --out FILE.json``, :meth:`TransitionGraph.to_json`)::

    {
      "scope": "neighbourhood",          # or "full"
      "start": 1, "moves": "improvements",
      "decision_makers": ["MoE", "Uniroyal", "LG"],
      "concepts": ["Nash", ...],
      "nodes": [{"id": 1, "label": "NYNNN", "status_quo": true, "equilibrium": [],
                 "target": false, "reachable": true, "steps": 0}, ...],
      "edges": [{"source": 1, "target": 5, "dm": "LG", "kind": "improvement",
                 "is_improvement": true, "on_path": true}, ...]
    }
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import SizeLimitError
from ..model.conflict import Conflict
from ..space.state_space import StateSpace, as_space
from .paths import DEFAULT_COALITION_BUDGET, StatusQuoResult, status_quo_analysis
from .presenting import present
from .stability import CONCEPTS

__all__ = [
    "DEFAULT_MAX_DRAWN_NODES",
    "DEFAULT_MAX_GRAPH_STATES",
    "TransitionGraph",
    "transition_graph",
]

#: Largest conflict whose whole graph is exported (use a neighbourhood above this).
DEFAULT_MAX_GRAPH_STATES = 20_000
#: Largest number of nodes drawn in a picture.
DEFAULT_MAX_DRAWN_NODES = 150

#: Vertical distance between nodes of a column, in column widths.
ROW_SPACING = 0.9


@dataclass
class TransitionGraph:
    """Nodes (0-based states) and edges of a conflict's transition graph, with attributes.

    Edge arrays are parallel: ``source``, ``target`` (0-based states), ``mover`` (index into
    ``movers``, each a tuple of DM indices), ``is_improvement``, ``on_path``.
    """

    space: StateSpace
    scope: str
    result: StatusQuoResult
    nodes: np.ndarray
    source: np.ndarray
    target: np.ndarray
    mover: np.ndarray
    movers: list[tuple[int, ...]]
    is_improvement: np.ndarray
    on_path: np.ndarray

    # -- attributes ------------------------------------------------------------------------
    @property
    def start(self) -> int:
        return self.result.start

    def mover_name(self, k: int) -> str:
        return "+".join(self.space.dm_names[i] for i in self.movers[k])

    def edge_kind(self, e: int) -> str:
        """``"move"``, ``"improvement"`` (for the mover) or ``"coalitional improvement"``.

        >>> import detente
        >>> graph = transition_graph(detente.load_case("chicken"), moves="any")
        >>> sorted({graph.edge_kind(e) for e in range(graph.source.size)})
        ['improvement', 'move']
        """
        if len(self.movers[int(self.mover[e])]) > 1:
            return "coalitional improvement"
        return "improvement" if self.is_improvement[e] else "move"

    def equilibrium_of(self, state: int) -> list[str]:
        stable = self.result.stability.stable
        return [c for c, arr in stable.items() if arr[:, state].all()]

    def is_target(self, state: int) -> bool:
        return any(t.requested and t.state == state for t in self.result.targets)

    def steps(self, state: int) -> int:
        return int(self.result.evolution.distance[state])

    def node_attributes(self, state: int) -> dict[str, Any]:
        """The attributes of a node (0-based ``state``), as in the exports.

        >>> import detente
        >>> transition_graph(detente.load_case("chicken")).node_attributes(0)["status_quo"]
        True
        """
        steps = self.steps(state)
        return {
            "id": int(state) + 1,
            "label": self.space.label(int(state)),
            "status_quo": int(state) == self.start,
            "equilibrium": self.equilibrium_of(int(state)),
            "target": self.is_target(int(state)),
            "reachable": steps >= 0,
            "steps": steps,
        }

    def edge_attributes(self, e: int) -> dict[str, Any]:
        return {
            "source": int(self.source[e]) + 1,
            "target": int(self.target[e]) + 1,
            "dm": self.mover_name(int(self.mover[e])),
            "kind": self.edge_kind(e),
            "is_improvement": bool(self.is_improvement[e]),
            "on_path": bool(self.on_path[e]),
        }

    # -- exports -----------------------------------------------------------------------------
    def to_json(self) -> dict[str, Any]:
        """Nodes and edges as documented in the module docstring.

        >>> import detente
        >>> data = transition_graph(detente.load_case("prisoners-dilemma")).to_json()
        >>> data["scope"], [node["label"] for node in data["nodes"]]
        ('neighbourhood', ['NN', 'NY', 'YY'])
        >>> data["nodes"][2]["equilibrium"], data["nodes"][2]["steps"]
        (['Nash', 'GMR', 'SMR', 'SEQ', 'SIM', 'SEQSIM'], 2)
        """
        evo = self.result.evolution
        return {
            "scope": self.scope,
            "start": self.start + 1,
            "moves": evo.moves,
            "decision_makers": list(self.space.dm_names),
            "concepts": self.result.concepts,
            "nodes": [self.node_attributes(int(s)) for s in self.nodes],
            "edges": [self.edge_attributes(e) for e in range(self.source.size)],
        }

    def to_graphml(self) -> str:
        """GraphML with typed node and edge attributes
        (:func:`detente.render.graph_files.graphml_text`)."""
        return present(self, "to_graphml")

    def to_dot(self) -> str:
        """Graphviz DOT: edges coloured by DM, improvements solid, other moves dashed, the
        start a box, equilibria double circles, shortest-path edges bold
        (:func:`detente.render.graph_files.dot_text`)."""
        return present(self, "to_dot")

    def write(self, path: str | Path) -> Path:
        """Write the graph in the format its suffix names: .graphml, .dot, .gv, .json, .svg or
        .png (:func:`detente.render.graph_files.write_graph`)."""
        return present(self, "write", path)

    # -- picture ------------------------------------------------------------------------------
    def layout(self) -> dict[int, tuple[float, float]]:
        """Layered positions (x = column, y = row) of the nodes.

        Column = least number of steps from the start; states that are not reachable sit one
        column right of the reachable state they are a move away from, and unreachable targets
        and equilibria in a last column on the right.  Within a column, nodes are ordered by
        the mean row of their drawn predecessors (one barycentre sweep, left to right).

        >>> import detente
        >>> transition_graph(detente.load_case("prisoners-dilemma")).layout()
        {0: (0.0, -0.0), 2: (1.0, -0.0), 3: (2.0, -0.0)}
        """
        steps = {int(s): self.steps(int(s)) for s in self.nodes}
        column: dict[int, int] = {s: d for s, d in steps.items() if d >= 0}
        last = max(column.values(), default=0)
        pending = [s for s in steps if s not in column]
        for s in pending:
            sources = self.source[self.target == s]
            near = [column[int(p)] + 1 for p in sources if int(p) in column]
            important = self.equilibrium_of(s) or self.is_target(s)
            if near and not important:
                column[s] = min(near)
        last = max([last, *column.values()])
        for s in pending:
            if s not in column:
                column[s] = last + 1
        rows: dict[int, float] = {}
        by_column: dict[int, list[int]] = {}
        for s, c in column.items():
            by_column.setdefault(c, []).append(s)
        for c in sorted(by_column):
            members = by_column[c]

            def barycentre(s: int) -> tuple[float, int]:
                preds = [rows[int(p)] for p in self.source[self.target == s] if int(p) in rows]
                return (float(np.mean(preds)) if preds else 0.0, s)

            members.sort(key=barycentre)
            height = len(members)
            for r, s in enumerate(members):
                rows[s] = (r - (height - 1) / 2) * ROW_SPACING
        return {s: (float(column[s]), -rows[s]) for s in column}

    def draw(self, path: str | Path | None = None, *, max_nodes: int = DEFAULT_MAX_DRAWN_NODES):
        """Draw the graph with matplotlib; save it to ``path`` (SVG or PNG by suffix) if given.

        Returns the matplotlib Figure.  Refuses more than ``max_nodes`` nodes
        (:func:`detente.render.plots.draw_graph`).
        """
        return present(self, "draw", path, max_nodes=max_nodes)

    def _repr_svg_(self) -> str | None:
        return present(self, "_repr_svg_")


def _unilateral_edges(
    space: StateSpace, states: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(source, target, dm) of every unilateral move between ``states`` (all if None)."""
    n = space.n_states
    inside = np.ones(n + 1, dtype=bool) if states is None else np.zeros(n + 1, dtype=bool)
    inside[n] = False
    if states is not None:
        inside[states] = True
    sources, targets, dms = [], [], []
    for dm, table in enumerate(space.moves):
        if table.shape[0] == 0:
            continue
        cols = np.arange(n) if states is None else np.asarray(states, dtype=np.int64)
        sub = table[:, cols]
        rows, where = np.nonzero(inside[sub])
        sources.append(cols[where])
        targets.append(sub[rows, where].astype(np.int64))
        dms.append(np.full(where.size, dm, dtype=np.int64))
    if not sources:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(sources), np.concatenate(targets), np.concatenate(dms)


def transition_graph(
    model: Conflict | StateSpace | StatusQuoResult,
    start: int | str | None = None,
    *,
    targets: Iterable[int | str] = (),
    moves: str = "improvements",
    concepts: Iterable[str] = CONCEPTS,
    full: bool = False,
    neighbours: bool = False,
    max_targets: int = 30,
    max_depth: int | None = None,
    consecutive: bool = False,
    coalitions: Iterable[Iterable[int | str]] | None = None,
    max_states: int = DEFAULT_MAX_GRAPH_STATES,
    budget: int = DEFAULT_COALITION_BUDGET,
) -> TransitionGraph:
    """The transition graph, whole (``full=True``) or around a status quo analysis.

    ``model`` is a conflict, a compiled space or a finished
    :class:`~detente.paths.StatusQuoResult` (then the analysis arguments are ignored).  The
    neighbourhood holds the start, up to ``max_targets`` equilibria and requested targets
    (reachable ones first, nearest first), the states on the shortest paths to them and, with
    ``neighbours``, every state one unilateral move away from the start or a path state.
    Edges are every unilateral move between drawn states plus the path steps themselves
    (coalitional improvements are not unilateral moves).  ``full`` exports every state and
    move, and refuses conflicts with more than ``max_states`` states.

    >>> import detente
    >>> graph = transition_graph(detente.load_case("prisoners-dilemma"))
    >>> [int(s) + 1 for s in graph.nodes], graph.source.size  # start, a step, the equilibrium
    ([1, 3, 4], 4)
    >>> [graph.edge_attributes(e)["kind"] for e in range(graph.source.size) if graph.on_path[e]]
    ['improvement', 'improvement']
    >>> transition_graph(detente.load_case("elmira"), full=True).nodes.size
    9
    """
    if isinstance(model, StatusQuoResult):
        result = model
    else:
        space = as_space(model)
        if full and space.n_states > max_states:
            raise SizeLimitError(_too_big(space, max_states))
        result = status_quo_analysis(
            space,
            start,
            targets=targets,
            moves=moves,
            concepts=concepts,
            max_depth=max_depth,
            consecutive=consecutive,
            coalitions=coalitions,
            budget=budget,
        )
    space = result.space
    if full and space.n_states > max_states:
        raise SizeLimitError(_too_big(space, max_states))
    evo = result.evolution
    chosen = sorted(
        result.targets,
        key=lambda t: (not t.requested, t.steps is None, t.steps or 0, t.state),
    )[:max_targets]
    path_edges: dict[tuple[int, int, tuple[int, ...]], None] = {}
    on_paths = {evo.start}
    for report in chosen:
        for step in report.path or []:
            members = tuple(space.dm_names.index(name) for name in step.mover)
            path_edges[(step.before, step.after, members)] = None
            on_paths.update((step.before, step.after))
    if full:
        nodes = np.arange(space.n_states, dtype=np.int64)
    else:
        keep = set(on_paths) | {t.state for t in chosen}
        if neighbours:
            around = np.fromiter(sorted(on_paths), dtype=np.int64)
            for table in space.moves:
                if table.shape[0]:
                    hop = table[:, around].ravel()
                    keep.update(int(s) for s in hop[hop < space.n_states])
        nodes = np.fromiter(sorted(keep), dtype=np.int64)
    src, dst, dm = _unilateral_edges(space, None if full else nodes)
    movers: list[tuple[int, ...]] = [(i,) for i in range(space.n_dms)]
    mover = dm.copy()
    extra_src, extra_dst, extra_mover = [], [], []
    unilateral = set(zip(src.tolist(), dst.tolist(), dm.tolist(), strict=True))
    for before, after, members in path_edges:
        if len(members) == 1 and (before, after, members[0]) in unilateral:
            continue
        if members not in movers:
            movers.append(members)
        extra_src.append(before)
        extra_dst.append(after)
        extra_mover.append(movers.index(members))
    src = np.concatenate([src, np.array(extra_src, dtype=np.int64)])
    dst = np.concatenate([dst, np.array(extra_dst, dtype=np.int64)])
    mover = np.concatenate([mover, np.array(extra_mover, dtype=np.int64)])
    better = np.ones(src.size, dtype=bool)
    for k, members in enumerate(movers):
        sel = mover == k
        for i in members:
            better[sel] &= space.ranks[i][dst[sel]] > space.ranks[i][src[sel]]
    on_path = np.zeros(src.size, dtype=bool)
    for before, after, members in path_edges:
        on_path |= (src == before) & (dst == after) & (mover == movers.index(members))
    return TransitionGraph(
        space=space,
        scope="full" if full else "neighbourhood",
        result=result,
        nodes=nodes,
        source=src,
        target=dst,
        mover=mover,
        movers=movers,
        is_improvement=better,
        on_path=on_path,
    )


def _too_big(space: StateSpace, limit: int) -> str:
    moves = sum(int((table < space.n_states).sum()) for table in space.moves)
    return (
        f"the whole graph has {space.n_states:,} states and {moves:,} moves, more than the"
        f" limit of {limit:,} states for a full export; export the neighbourhood of the status"
        " quo analysis instead (leave out --full)"
    )
