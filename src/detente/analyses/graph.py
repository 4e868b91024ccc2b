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

import json
import xml.etree.ElementTree as ET
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DetenteError, SizeLimitError
from ..model.conflict import Conflict
from ..space.state_space import StateSpace, as_space
from .paths import DEFAULT_COALITION_BUDGET, StatusQuoResult, status_quo_analysis
from .stability import CONCEPTS

__all__ = [
    "DEFAULT_MAX_DRAWN_NODES",
    "DEFAULT_MAX_GRAPH_STATES",
    "GRAPH_FORMATS",
    "TransitionGraph",
    "transition_graph",
]

#: Largest conflict whose whole graph is exported (use a neighbourhood above this).
DEFAULT_MAX_GRAPH_STATES = 20_000
#: Largest number of nodes drawn in a picture.
DEFAULT_MAX_DRAWN_NODES = 150
#: File suffixes :meth:`TransitionGraph.write` understands.
GRAPH_FORMATS = ("graphml", "dot", "gv", "json", "svg", "png")

#: Colour-blind-friendly palette (Okabe & Ito 2008), one colour per DM.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
COALITION_COLOUR = "#7F3C8D"
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
        """Nodes and edges as documented in the module docstring."""
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
        """GraphML (http://graphml.graphdrawing.org) with typed node and edge attributes."""
        ns = "http://graphml.graphdrawing.org/xmlns"
        ET.register_namespace("", ns)
        root = ET.Element(f"{{{ns}}}graphml")
        node_keys = [
            ("label", "string"),
            ("number", "int"),
            ("status_quo", "boolean"),
            ("equilibrium", "string"),
            ("target", "boolean"),
            ("reachable", "boolean"),
            ("steps", "int"),
        ]
        concepts = self.result.concepts
        edge_keys = [
            ("dm", "string"),
            ("kind", "string"),
            ("is_improvement", "boolean"),
            ("on_path", "boolean"),
        ]
        for name, kind in node_keys:
            ET.SubElement(
                root,
                f"{{{ns}}}key",
                {"id": f"n_{name}", "for": "node", "attr.name": name, "attr.type": kind},
            )
        for concept in concepts:
            ET.SubElement(
                root,
                f"{{{ns}}}key",
                {
                    "id": f"n_eq_{concept}",
                    "for": "node",
                    "attr.name": f"equilibrium_{concept}",
                    "attr.type": "boolean",
                },
            )
        for name, kind in edge_keys:
            ET.SubElement(
                root,
                f"{{{ns}}}key",
                {"id": f"e_{name}", "for": "edge", "attr.name": name, "attr.type": kind},
            )
        graph = ET.SubElement(root, f"{{{ns}}}graph", {"id": "G", "edgedefault": "directed"})

        def data(parent: ET.Element, key: str, value: Any) -> None:
            element = ET.SubElement(parent, f"{{{ns}}}data", {"key": key})
            element.text = str(value).lower() if isinstance(value, bool) else str(value)

        for s in self.nodes:
            attrs = self.node_attributes(int(s))
            node = ET.SubElement(graph, f"{{{ns}}}node", {"id": f"s{attrs['id']}"})
            data(node, "n_label", attrs["label"])
            data(node, "n_number", attrs["id"])
            data(node, "n_status_quo", attrs["status_quo"])
            data(node, "n_equilibrium", ",".join(attrs["equilibrium"]))
            data(node, "n_target", attrs["target"])
            data(node, "n_reachable", attrs["reachable"])
            data(node, "n_steps", attrs["steps"])
            for concept in concepts:
                data(node, f"n_eq_{concept}", concept in attrs["equilibrium"])
        for e in range(self.source.size):
            attrs = self.edge_attributes(e)
            edge = ET.SubElement(
                graph,
                f"{{{ns}}}edge",
                {"id": f"e{e}", "source": f"s{attrs['source']}", "target": f"s{attrs['target']}"},
            )
            data(edge, "e_dm", attrs["dm"])
            data(edge, "e_kind", attrs["kind"])
            data(edge, "e_is_improvement", attrs["is_improvement"])
            data(edge, "e_on_path", attrs["on_path"])
        ET.indent(root)
        return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"

    def to_dot(self) -> str:
        """Graphviz DOT: edges coloured by DM, improvements solid, other moves dashed, the
        start a box, equilibria double circles, shortest-path edges bold."""
        space = self.space
        name = space.conflict.name or "conflict"
        lines = [
            f"digraph {_dot_quote(name)} {{",
            "  rankdir=LR;",
            '  node [fontname="Helvetica", fontsize=10];',
            '  edge [fontname="Helvetica", fontsize=8];',
        ]
        for s in self.nodes:
            attrs = self.node_attributes(int(s))
            label = f"{attrs['id']}\\n{attrs['label']}"
            if attrs["equilibrium"]:
                label += "\\n" + ", ".join(attrs["equilibrium"])
            style = ["filled"]
            shape = "box" if attrs["status_quo"] else "ellipse"
            if attrs["equilibrium"]:
                shape = "doubleoctagon" if attrs["status_quo"] else "doublecircle"
            fill = (
                "#CFE3F5" if attrs["status_quo"] else "#FFE9A8" if attrs["equilibrium"] else "white"
            )
            if not attrs["reachable"]:
                style.append("dashed")
            lines.append(
                f"  s{attrs['id']} [label={_dot_quote(label)}, shape={shape},"
                f' style="{",".join(style)}", fillcolor="{fill}"];'
            )
        for e in range(self.source.size):
            attrs = self.edge_attributes(e)
            colour = self._colour(int(self.mover[e]))
            style = "solid" if attrs["is_improvement"] else "dashed"
            width = 2.4 if attrs["on_path"] else 1.0
            lines.append(
                f"  s{attrs['source']} -> s{attrs['target']} [label={_dot_quote(attrs['dm'])},"
                f' color="{colour}", fontcolor="{colour}", style={style}, penwidth={width}];'
            )
        lines.append("}")
        return "\n".join(lines) + "\n"

    def _colour(self, mover: int) -> str:
        members = self.movers[mover]
        if len(members) > 1:
            return COALITION_COLOUR
        return PALETTE[members[0] % len(PALETTE)]

    def write(self, path: str | Path) -> Path:
        """Write the graph in the format its suffix names (see :data:`GRAPH_FORMATS`)."""
        path = Path(path)
        suffix = path.suffix.lower().lstrip(".")
        if suffix not in GRAPH_FORMATS:
            raise DetenteError(
                f"cannot tell the format of {path.name!r}: use one of"
                f" {', '.join('.' + f for f in GRAPH_FORMATS)}"
            )
        if suffix in ("svg", "png"):
            self.draw(path)
            return path
        if suffix == "graphml":
            text = self.to_graphml()
        elif suffix == "json":
            text = json.dumps(self.to_json(), indent=1) + "\n"
        else:
            text = self.to_dot()
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_text(text, encoding="utf-8")
        tmp.replace(path)
        return path

    # -- picture ------------------------------------------------------------------------------
    def layout(self) -> dict[int, tuple[float, float]]:
        """Layered positions (x = column, y = row) of the nodes.

        Column = least number of steps from the start; states that are not reachable sit one
        column right of the reachable state they are a move away from, and unreachable targets
        and equilibria in a last column on the right.  Within a column, nodes are ordered by
        the mean row of their drawn predecessors (one barycentre sweep, left to right).
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

        Returns the matplotlib Figure.  Refuses more than ``max_nodes`` nodes.
        """
        if self.nodes.size > max_nodes:
            raise SizeLimitError(
                f"the graph has {self.nodes.size:,} nodes, too many to draw (limit"
                f" {max_nodes}); draw a neighbourhood with fewer targets"
            )
        import matplotlib

        if path is not None:
            matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt
        from matplotlib.lines import Line2D
        from matplotlib.patches import Circle, FancyArrowPatch, Patch

        space = self.space
        pos = self.layout()
        xs = [x for x, _ in pos.values()]
        ys = [y for _, y in pos.values()]
        # Fixed scale: one data unit is ``unit`` inches on both axes, so circles stay round
        # and arrows can stop exactly at the node outlines.
        unit, radius, legend_width, title_height = 1.9, 0.24, 2.5, 0.45
        x0, x1 = min(xs) - 0.55, max(xs) + 0.8
        y0, y1 = min(ys) - 0.78, max(ys) + 0.5
        plot_w, plot_h = (x1 - x0) * unit, (y1 - y0) * unit
        evo = self.result.evolution
        mode = {
            "improvements": "unilateral improvements",
            "any": "any unilateral moves",
            "coalitions": "unilateral and coalitional improvements",
        }[evo.moves]
        title = (
            f"{space.conflict.name or 'Conflict'}: where the conflict can go from state"
            f" {self.start + 1} by {mode}"
        )
        # Wide enough for the title (about 0.1 inch per character at 12 pt).
        if plot_w < 0.1 * len(title) + 0.3 - legend_width:
            x1 = x0 + (0.1 * len(title) + 0.3 - legend_width) / unit  # same scale, wider
            plot_w = (x1 - x0) * unit
        fig_w, fig_h = plot_w + legend_width, plot_h + title_height
        fig = plt.figure(figsize=(fig_w, fig_h), dpi=100)
        ax = fig.add_axes((0, 0, plot_w / fig_w, plot_h / fig_h))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_axis_off()
        node_points = radius * unit * 72
        # Edges first, below the nodes; opposite edges and edges within a column curve apart.
        pairs = {(int(a), int(b)) for a, b in zip(self.source, self.target, strict=True)}
        for e in range(self.source.size):
            a, b = int(self.source[e]), int(self.target[e])
            (xa, ya), (xb, yb) = pos[a], pos[b]
            if xa == xb:  # within a column: bend round the nodes in between
                curve = 0.3 if abs(ya - yb) <= ROW_SPACING * 1.01 else 0.6
            else:
                curve = 0.2 if (b, a) in pairs else 0.05
            ax.add_patch(
                FancyArrowPatch(
                    (xa, ya),
                    (xb, yb),
                    arrowstyle="-|>",
                    mutation_scale=14 if self.on_path[e] else 11,
                    connectionstyle=f"arc3,rad={curve}",
                    color=self._colour(int(self.mover[e])),
                    linewidth=3.0 if self.on_path[e] else 1.2,
                    linestyle="-" if self.is_improvement[e] else (0, (4, 3)),
                    shrinkA=node_points + 1,
                    shrinkB=node_points + 2,
                    alpha=1.0 if self.on_path[e] else 0.75 if self.is_improvement[e] else 0.5,
                    zorder=2 if self.on_path[e] else 1,
                )
            )
        for s, (x, y) in pos.items():
            attrs = self.node_attributes(s)
            important = bool(attrs["equilibrium"]) or attrs["target"]
            face = "#CFE3F5" if attrs["status_quo"] else "#FFE9A8" if important else "white"
            edge = "#1F3B57" if attrs["status_quo"] else "#B8860B" if important else "#555555"
            ax.add_patch(
                Circle(
                    (x, y),
                    radius,
                    facecolor=face,
                    edgecolor=edge,
                    linewidth=2.8 if important or attrs["status_quo"] else 1.2,
                    linestyle="-" if attrs["reachable"] else (0, (3, 2)),
                    zorder=3,
                )
            )
            ax.text(
                x,
                y + 0.06,
                str(attrs["id"]),
                ha="center",
                va="center",
                fontsize=13,
                fontweight="bold",
                zorder=4,
            )
            long_label = len(attrs["label"]) > 8
            ax.text(
                x,
                y - 0.09,
                attrs["label"],
                ha="center",
                va="center",
                fontsize=6.5 if long_label else 8,
                family="monospace",
                zorder=5,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.85}
                if long_label
                else None,
            )
            notes = []
            if attrs["status_quo"]:
                notes.append("start")
            if attrs["equilibrium"]:
                notes.append(_concepts_text(attrs["equilibrium"], self.result.concepts))
            if attrs["target"]:
                notes.append("target")
            if important and not attrs["reachable"]:
                notes.append("not reachable")
            if notes:
                ax.text(
                    x,
                    y - radius - 0.05,
                    "\n".join(notes),
                    ha="center",
                    va="top",
                    fontsize=8,
                    color="#333333",
                    zorder=4,
                )
        # Column headings.
        last_reachable = max(self.steps(s) for s in pos)
        for c in sorted({round(x) for x in xs}):
            if c <= last_reachable:
                heading = "start" if c == 0 else f"after {c} step{'s' if c > 1 else ''}"
            elif all(
                self.steps(s) < 0 and (self.equilibrium_of(s) or self.is_target(s))
                for s, (x, _) in pos.items()
                if round(x) == c
            ):
                heading = "not reachable"
            else:
                heading = ""
            ax.text(c, y1 - 0.12, heading, ha="center", va="top", fontsize=9.5, color="#555555")
        handles: list[Any] = [
            Line2D([], [], color=self._colour(k), lw=2.4, label=self.mover_name(k))
            for k in sorted({int(m) for m in self.mover})
        ]
        handles += [
            Line2D([], [], color="#555555", lw=1.2, label="improvement for the mover"),
            Line2D([], [], color="#555555", lw=1.2, ls=(0, (4, 3)), label="other move"),
            Line2D([], [], color="#555555", lw=3.0, label="on a shortest path"),
            Patch(facecolor="#CFE3F5", edgecolor="#1F3B57", lw=2, label="start (status quo)"),
            Patch(facecolor="#FFE9A8", edgecolor="#B8860B", lw=2, label="equilibrium / target"),
            Patch(
                facecolor="white",
                edgecolor="#555555",
                lw=1.2,
                ls=(0, (3, 2)),
                label="not reachable",
            ),
        ]
        fig.legend(
            handles=handles,
            loc="upper left",
            bbox_to_anchor=(plot_w / fig_w, plot_h / fig_h),
            fontsize=9,
            frameon=False,
            title="moves by",
            title_fontsize=9,
            alignment="left",
        )
        fig.text(
            0.012,
            1 - 0.1 / fig_h,
            title,
            ha="left",
            va="top",
            fontsize=12,
        )
        if path is not None:
            path = Path(path)
            fmt = path.suffix.lower().lstrip(".")
            tmp = path.with_name(path.name + ".tmp")
            fig.savefig(tmp, format=fmt, dpi=150 if fmt == "png" else None)
            tmp.replace(path)
            plt.close(fig)
        return fig

    def _repr_svg_(self) -> str | None:
        if self.nodes.size > DEFAULT_MAX_DRAWN_NODES:
            return None
        import io

        import matplotlib.pyplot as plt

        fig = self.draw()
        buffer = io.StringIO()
        fig.savefig(buffer, format="svg", bbox_inches="tight")
        plt.close(fig)
        return buffer.getvalue()


def _concepts_text(concepts: list[str], all_concepts: list[str]) -> str:
    if len(concepts) == len(all_concepts) and len(concepts) > 1:
        return "equilibrium (all)"
    return "eq.: " + ", ".join(concepts)


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\\\\n", "\\n") + '"'


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
