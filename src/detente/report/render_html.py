"""The brief as one self-contained HTML page, rendered from the findings through Jinja2.

Autoescaping is on, so names in a model (which may hold ``<script>``) are shown as text; the
only markup inserted unescaped is the SVG picture matplotlib draws (its text escaped by
matplotlib itself).
"""

from __future__ import annotations

import io
import json
import re
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape

from ..analyses.graph import DEFAULT_MAX_DRAWN_NODES
from ..render.plots import plot_sweep
from .findings import (
    GLOSSARY,
    Findings,
    commit_words,
    package_words,
    pct,
    recommendation_groups,
    row_name,
    searched_words,
)

__all__ = ["render_html"]

_ENV = Environment(
    loader=PackageLoader("detente.report", "templates"),
    autoescape=select_autoescape(["html", "j2"], default=True),
    trim_blocks=True,
    lstrip_blocks=True,
)

CSS = """
body{font-family:-apple-system,'Segoe UI',Helvetica,Arial,sans-serif;margin:0;color:#1d2430;
background:#f6f7f9;line-height:1.5}
main{max-width:1100px;margin:0 auto;padding:20px 32px 64px;background:#fff}
h1{font-size:1.6em;margin:0.2em 0}h2{margin-top:1.6em;border-bottom:2px solid #dfe3ea;
padding-bottom:4px;font-size:1.25em}
.recommendation{background:#eef6ff;border-left:5px solid #2a6fdb;padding:4px 16px 8px}
.recommendation h2{margin-top:0.4em;border:0}
p.lead{color:#4a5566}.muted{color:#6b7482;font-size:0.9em}
table{border-collapse:collapse;margin:0.8em 0;font-size:0.92em;width:100%}
th,td{border:1px solid #d5dae2;padding:5px 8px;vertical-align:top;text-align:left}
th{background:#eef1f5;font-weight:600}td.num{text-align:right;white-space:nowrap}
dl.qa dt{font-weight:600;margin-top:0.8em}dl.qa dd{margin:0.2em 0 0 1.2em}
dl.qa p.answer{margin:0.2em 0}ul.evidence{color:#4a5566;font-size:0.92em;margin:0.2em 0}
dl.glossary dt{font-weight:600}dl.glossary dd{margin:0 0 0.4em 1.2em}
code,.label,pre{font-family:'DejaVu Sans Mono',Menlo,Consolas,monospace;font-size:0.85em}
pre{white-space:pre-wrap;max-height:30em;overflow:auto;background:#f6f7f9;padding:8px}
figure{margin:1em 0;overflow-x:auto}figure svg{max-width:100%;height:auto}
figcaption{color:#4a5566;font-size:0.9em}
ol.path{display:flex;flex-wrap:wrap;align-items:center;list-style:none;padding:0;gap:6px}
ol.path li.state{border:1.5px solid #2a6fdb;border-radius:8px;padding:4px 10px;max-width:14em;
font-size:0.9em}ol.path li.state span{color:#4a5566;font-size:0.9em}
ol.path li.move{font-size:0.85em;color:#4a5566;max-width:12em}ol.path li.move::after{content:" →"}
table.dial{font-size:0.8em}table.dial td.cell{white-space:nowrap}
table.dial tr.recommended td{background:#f3f8ff}table.dial td.infeasible,
table.dial td.no-status-quo{color:#9aa1ab;font-style:italic}
"""


def _svg(fig_svg: str, prefix: str) -> str:
    """Matplotlib SVG made embeddable: no XML prolog, DOCTYPE or metadata; ids prefixed so
    that two pictures on one page cannot clash."""
    text = re.sub(r"<\?xml[^>]*\?>", "", fig_svg)
    text = re.sub(r"<!DOCTYPE[^>]*>", "", text)
    text = re.sub(r"<metadata>.*?</metadata>", "", text, flags=re.S)
    text = re.sub(r'id="([^"]+)"', lambda m: f'id="{prefix}-{m.group(1)}"', text)
    text = re.sub(r'href="#([^"]+)"', lambda m: f'href="#{prefix}-{m.group(1)}"', text)
    text = re.sub(r"url\(#([^)]+)\)", lambda m: f"url(#{prefix}-{m.group(1)})", text)
    return text.strip()


def _figure_svg(fig: Any, prefix: str) -> str:
    # matplotlib is imported here, not at module import: it is slow and only pictures need it.
    import matplotlib
    import matplotlib.pyplot as plt

    buffer = io.StringIO()
    try:
        with matplotlib.rc_context({"svg.hashsalt": "detente-report"}):
            fig.savefig(buffer, format="svg", bbox_inches="tight")
    finally:
        plt.close(fig)
    return _svg(buffer.getvalue(), prefix)


def _graph_svg(graph: Any, prefix: str) -> str | None:
    """The state graph as SVG, or None when it has too many nodes to draw legibly."""
    # In-function import: the graph module pulls in matplotlib, needed only for pictures.
    if graph.nodes.size > DEFAULT_MAX_DRAWN_NODES:
        return None
    return _figure_svg(graph.draw(), prefix)


def render_html(findings: Findings, report: Any) -> str:
    """The page: recommendation first, then belief, commitments, questions, fragility,
    glossary, and a collapsed technical appendix (labels, settings, timings, JSON)."""
    space = report.space
    conflict = space.conflict
    dial_svg = None
    if report.dial is not None and report._sweep is not None:
        # In-function import: strategies' plotting pulls in matplotlib only when drawn.
        dial_svg = _figure_svg(plot_sweep(report._sweep), "dial")
    graphs = []
    for kind, graph in report._graphs:
        svg = _graph_svg(graph, f"graph-{kind}")
        if svg is not None:
            caption = (
                "Where the conflict goes by unilateral improvements from today (the agreement"
                " marked as a target)."
                if kind == "improvements"
                else f"The joint moves that reach the agreement (with {findings.counterpart})."
            )
            graphs.append((svg, caption))
    template = _ENV.get_template("brief.html.j2")
    return template.render(
        f=findings,
        css=CSS,
        pct=pct,
        commit_words=commit_words,
        package_words=package_words,
        row_name=row_name,
        groups=recommendation_groups(findings),
        searched=searched_words(findings),
        glossary=GLOSSARY,
        description=" ".join((conflict.description or "").split()),
        dial=report.roles.dial,
        dial_svg=dial_svg,
        graphs=graphs,
        n_states=f"{space.n_states:,}",
        dms=", ".join(space.dm_names),
        status_quo_label=None if space.status_quo is None else space.label(space.status_quo),
        timing=", ".join(f"{k} {v:.1f} s" for k, v in report.seconds.items()),
        settings=json.dumps(report.settings),
        json=json.dumps(findings.to_json(), indent=1),
    )
