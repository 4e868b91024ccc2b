"""Pictures of the analyses' results, drawn with matplotlib.

:func:`plot_sweep` draws a pressure dial (outcome against level, per concept) and
:func:`draw_graph` the transition graph around a status quo analysis in a layered layout
(:meth:`detente.analyses.graph.TransitionGraph.layout`): the start on the left, one column per
number of steps, unreachable targets in a last column on the right; edges coloured by the
mover (:func:`mover_colour`), improvements solid, other moves dashed.  The results'
``plot()``, ``draw()`` and ``_repr_svg_()`` delegate here.

matplotlib is imported inside the functions, when a picture is asked for.

>>> import detente
>>> from detente.analyses.graph import transition_graph
>>> figure = draw_graph(transition_graph(detente.load_case("prisoners-dilemma")))
>>> type(figure).__name__
'Figure'
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from ..analyses.graph import DEFAULT_MAX_DRAWN_NODES, ROW_SPACING, TransitionGraph
from ..analyses.strategies import OTHER, SweepResult
from ..errors import SizeLimitError

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["COALITION_COLOUR", "PALETTE", "draw_graph", "graph_svg", "mover_colour", "plot_sweep"]

#: Colour-blind-friendly palette (Okabe & Ito 2008), one colour per DM.
PALETTE = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#000000")
COALITION_COLOUR = "#7F3C8D"


# -- the pressure dial -----------------------------------------------------------------------
#: Outcome colours in the model's order (list outcomes from best to worst for a green-to-red
#: reading), then more distinct colours for longer lists.
_PALETTE = (
    "#3d9a5b",  # green
    "#4f86c6",  # blue
    "#e3a33b",  # amber
    "#c9483a",  # red
    "#8e63b5",  # purple
    "#3fa7a7",  # teal
    "#d477a8",  # pink
    "#8c7a4b",  # olive
)


#: Colours of cells that have no outcome to show, and of the ``other`` outcome.
_SPECIAL = {
    OTHER: "#a6a6a6",
    "none reachable": "#ffffff",
    "no equilibrium": "#ffffff",
    "no status quo": "#ffffff",
    "status quo infeasible": "#ffffff",
    "infeasible": "#ffffff",
}


def plot_sweep(result: SweepResult, path: str | Path | None = None) -> Figure:
    """Outcome against level, per concept: two grids (x = level, y = concept), saved to
    ``path`` (.png or .svg; the suffix picks the format) when given.

    Top: outcomes of the equilibria reachable from the committed status quo; bottom:
    outcomes of all equilibria.  A cell is split into one band per outcome, coloured and
    named; white cells say why there is none (e.g. ``none reachable``).
    """
    # The object-oriented API only: no pyplot state, no backend switching.  matplotlib is
    # imported when a picture is asked for: it costs a second of start-up otherwise.
    from matplotlib.figure import Figure
    from matplotlib.patches import Patch, Rectangle

    views = [
        (
            "outcomes the conflict reaches from the status quo (equilibria reachable by"
            f" {result.moves})",
            result.cells(reachable=True),
        ),
        ("outcomes of all equilibria", result.cells(reachable=False)),
    ]
    colours = {name: _PALETTE[k % len(_PALETTE)] for k, name in enumerate(result.outcomes)}
    colours.update(_SPECIAL)
    n_levels, n_concepts = len(result.levels), len(result.concepts)
    most = max(len(cell) for _, grid in views for row in grid.values() for cell in row)
    row_height = max(0.45, 0.2 * most + 0.1)
    width = max(7.0, 0.9 * n_levels + 2.0)
    height = 1.6 + 2 * (row_height * n_concepts + 0.5)
    fig = Figure(figsize=(width, height), layout="constrained")
    axes = fig.subplots(2, 1)
    for ax, (title, grid) in zip(axes, views, strict=True):
        for y, concept in enumerate(result.concepts):
            for x, cell in enumerate(grid[concept]):
                band = 1.0 / len(cell)
                for b, name in enumerate(cell):
                    top = y - 0.5 + b * band
                    ax.add_patch(
                        Rectangle(
                            (x - 0.5, top),
                            1.0,
                            band,
                            facecolor=colours.get(name, "#ffffff"),
                            edgecolor="none",
                        )
                    )
                    special = name in _SPECIAL and name != OTHER
                    ax.text(
                        x,
                        top + band / 2,
                        name.replace(" ", "\n") if special else name,
                        ha="center",
                        va="center",
                        fontsize=7 if len(cell) < 4 else 6,
                        color="#555555" if special else _ink(colours.get(name, "#ffffff")),
                        fontweight="normal" if special else "bold",
                    )
        ax.set_xlim(-0.5, n_levels - 0.5)
        ax.set_ylim(n_concepts - 0.5, -0.5)
        ax.set_yticks(range(n_concepts), result.concepts)
        ax.set_xticks(range(n_levels), [result.level_text(v) for v in result.levels])
        ax.set_xticks(np.arange(-0.5, n_levels), minor=True)
        ax.set_yticks(np.arange(-0.5, n_concepts), minor=True)
        ax.grid(which="minor", color="#444444", linewidth=1.2)
        ax.tick_params(which="minor", length=0)
        ax.tick_params(which="major", length=0)
        ax.set_title(title, fontsize=9, loc="left")
        ax.set_xlabel(f"{result.option} held at", fontsize=9)
    name = result.space.conflict.name or "conflict"
    within = f", with {result.within!r} held" if result.within else ""
    fig.suptitle(f"{name}: outcome against {result.option}{within}", fontsize=11)
    shown = {n for _, grid in views for row in grid.values() for cell in row for n in cell}
    handles = [
        Patch(facecolor=colours[n], edgecolor="#444444", label=n)
        for n in [*result.outcomes, OTHER]
        if n in shown
    ]
    if handles:
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncol=min(6, len(handles)),
            fontsize=8,
            frameon=False,
        )
    if path is not None:
        fig.savefig(path, dpi=150)
    return fig


def _ink(background: str) -> str:
    """Dark text on light colours, white text on dark ones (relative luminance, WCAG)."""
    from matplotlib.colors import to_rgb

    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(background))
    return "#1a1a1a" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.3 else "white"


# -- the transition graph ----------------------------------------------------------------
def mover_colour(graph: TransitionGraph, mover: int) -> str:
    """The colour of a mover's edges: one per DM, one for every coalition."""
    members = graph.movers[mover]
    if len(members) > 1:
        return COALITION_COLOUR
    return PALETTE[members[0] % len(PALETTE)]


def draw_graph(
    graph: TransitionGraph,
    path: str | Path | None = None,
    *,
    max_nodes: int = DEFAULT_MAX_DRAWN_NODES,
) -> Figure:
    """Draw the graph with matplotlib; save it to ``path`` (SVG or PNG by suffix) if given.

    Returns the matplotlib Figure.  Refuses more than ``max_nodes`` nodes.
    """
    if graph.nodes.size > max_nodes:
        raise SizeLimitError(
            f"the graph has {graph.nodes.size:,} nodes, too many to draw (limit"
            f" {max_nodes}); draw a neighbourhood with fewer targets"
        )
    import matplotlib

    if path is not None:
        matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt
    from matplotlib.lines import Line2D
    from matplotlib.patches import Circle, FancyArrowPatch, Patch

    space = graph.space
    pos = graph.layout()
    xs = [x for x, _ in pos.values()]
    ys = [y for _, y in pos.values()]
    # Fixed scale: one data unit is ``unit`` inches on both axes, so circles stay round
    # and arrows can stop exactly at the node outlines.
    unit, radius, legend_width, title_height = 1.9, 0.24, 2.5, 0.45
    x0, x1 = min(xs) - 0.55, max(xs) + 0.8
    y0, y1 = min(ys) - 0.78, max(ys) + 0.5
    plot_w, plot_h = (x1 - x0) * unit, (y1 - y0) * unit
    evo = graph.result.evolution
    mode = {
        "improvements": "unilateral improvements",
        "any": "any unilateral moves",
        "coalitions": "unilateral and coalitional improvements",
    }[evo.moves]
    title = (
        f"{space.conflict.name or 'Conflict'}: where the conflict can go from state"
        f" {graph.start + 1} by {mode}"
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
    pairs = {(int(a), int(b)) for a, b in zip(graph.source, graph.target, strict=True)}
    for e in range(graph.source.size):
        a, b = int(graph.source[e]), int(graph.target[e])
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
                mutation_scale=14 if graph.on_path[e] else 11,
                connectionstyle=f"arc3,rad={curve}",
                color=mover_colour(graph, int(graph.mover[e])),
                linewidth=3.0 if graph.on_path[e] else 1.2,
                linestyle="-" if graph.is_improvement[e] else (0, (4, 3)),
                shrinkA=node_points + 1,
                shrinkB=node_points + 2,
                alpha=1.0 if graph.on_path[e] else 0.75 if graph.is_improvement[e] else 0.5,
                zorder=2 if graph.on_path[e] else 1,
            )
        )
    for s, (x, y) in pos.items():
        attrs = graph.node_attributes(s)
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
            notes.append(_concepts_text(attrs["equilibrium"], graph.result.concepts))
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
    last_reachable = max(graph.steps(s) for s in pos)
    for c in sorted({round(x) for x in xs}):
        if c <= last_reachable:
            heading = "start" if c == 0 else f"after {c} step{'s' if c > 1 else ''}"
        elif all(
            graph.steps(s) < 0 and (graph.equilibrium_of(s) or graph.is_target(s))
            for s, (x, _) in pos.items()
            if round(x) == c
        ):
            heading = "not reachable"
        else:
            heading = ""
        ax.text(c, y1 - 0.12, heading, ha="center", va="top", fontsize=9.5, color="#555555")
    handles: list[Any] = [
        Line2D([], [], color=mover_colour(graph, k), lw=2.4, label=graph.mover_name(k))
        for k in sorted({int(m) for m in graph.mover})
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


def graph_svg(graph: TransitionGraph) -> str | None:
    """The picture as SVG text, for notebooks (``_repr_svg_``); None when too big to draw."""
    if graph.nodes.size > DEFAULT_MAX_DRAWN_NODES:
        return None
    import io

    import matplotlib.pyplot as plt

    fig = draw_graph(graph)
    buffer = io.StringIO()
    fig.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(fig)
    return buffer.getvalue()


def _concepts_text(concepts: list[str], all_concepts: list[str]) -> str:
    if len(concepts) == len(all_concepts) and len(concepts) > 1:
        return "equilibrium (all)"
    return "eq.: " + ", ".join(concepts)
