"""The transition graph as files: GraphML, Graphviz DOT and JSON (pictures: :mod:`.plots`).

GraphML (http://graphml.graphdrawing.org) is written with :mod:`xml.etree`, with typed
node and edge attributes; Gephi, yEd and networkx read it.  (networkx's own
``write_graphml`` would name the keys ``d0, d1, ...`` and order them differently, and
networkx is not a dependency, so the writer here keeps the format detente has always
written.)  DOT colours the edges by mover as the pictures do.  The attributes are
documented in :mod:`detente.analyses.graph`.  ``TransitionGraph.to_graphml()``,
``to_dot()`` and ``write()`` delegate here.

>>> import detente
>>> from detente.analyses.graph import transition_graph
>>> graph = transition_graph(detente.load_case("chicken"))
>>> dot_text(graph).splitlines()[0]
'digraph "Chicken" {'
>>> graphml_text(graph).splitlines()[0]
"<?xml version='1.0' encoding='utf-8'?>"
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from ..analyses.graph import TransitionGraph
from ..errors import DetenteError
from .plots import draw_graph, mover_colour

__all__ = ["GRAPH_FORMATS", "dot_text", "graphml_text", "write_graph"]

#: File suffixes :func:`write_graph` understands.
GRAPH_FORMATS = ("graphml", "dot", "gv", "json", "svg", "png")


def graphml_text(graph: TransitionGraph) -> str:
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
    concepts = graph.result.concepts
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
    graph_element = ET.SubElement(root, f"{{{ns}}}graph", {"id": "G", "edgedefault": "directed"})

    def data(parent: ET.Element, key: str, value: Any) -> None:
        element = ET.SubElement(parent, f"{{{ns}}}data", {"key": key})
        element.text = str(value).lower() if isinstance(value, bool) else str(value)

    for s in graph.nodes:
        attrs = graph.node_attributes(int(s))
        node = ET.SubElement(graph_element, f"{{{ns}}}node", {"id": f"s{attrs['id']}"})
        data(node, "n_label", attrs["label"])
        data(node, "n_number", attrs["id"])
        data(node, "n_status_quo", attrs["status_quo"])
        data(node, "n_equilibrium", ",".join(attrs["equilibrium"]))
        data(node, "n_target", attrs["target"])
        data(node, "n_reachable", attrs["reachable"])
        data(node, "n_steps", attrs["steps"])
        for concept in concepts:
            data(node, f"n_eq_{concept}", concept in attrs["equilibrium"])
    for e in range(graph.source.size):
        attrs = graph.edge_attributes(e)
        edge = ET.SubElement(
            graph_element,
            f"{{{ns}}}edge",
            {"id": f"e{e}", "source": f"s{attrs['source']}", "target": f"s{attrs['target']}"},
        )
        data(edge, "e_dm", attrs["dm"])
        data(edge, "e_kind", attrs["kind"])
        data(edge, "e_is_improvement", attrs["is_improvement"])
        data(edge, "e_on_path", attrs["on_path"])
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


def dot_text(graph: TransitionGraph) -> str:
    """Graphviz DOT: edges coloured by DM, improvements solid, other moves dashed, the
    start a box, equilibria double circles, shortest-path edges bold."""
    space = graph.space
    name = space.conflict.name or "conflict"
    lines = [
        f"digraph {_dot_quote(name)} {{",
        "  rankdir=LR;",
        '  node [fontname="Helvetica", fontsize=10];',
        '  edge [fontname="Helvetica", fontsize=8];',
    ]
    for s in graph.nodes:
        attrs = graph.node_attributes(int(s))
        label = f"{attrs['id']}\\n{attrs['label']}"
        if attrs["equilibrium"]:
            label += "\\n" + ", ".join(attrs["equilibrium"])
        style = ["filled"]
        shape = "box" if attrs["status_quo"] else "ellipse"
        if attrs["equilibrium"]:
            shape = "doubleoctagon" if attrs["status_quo"] else "doublecircle"
        fill = "#CFE3F5" if attrs["status_quo"] else "#FFE9A8" if attrs["equilibrium"] else "white"
        if not attrs["reachable"]:
            style.append("dashed")
        lines.append(
            f"  s{attrs['id']} [label={_dot_quote(label)}, shape={shape},"
            f' style="{",".join(style)}", fillcolor="{fill}"];'
        )
    for e in range(graph.source.size):
        attrs = graph.edge_attributes(e)
        colour = mover_colour(graph, int(graph.mover[e]))
        style = "solid" if attrs["is_improvement"] else "dashed"
        width = 2.4 if attrs["on_path"] else 1.0
        lines.append(
            f"  s{attrs['source']} -> s{attrs['target']} [label={_dot_quote(attrs['dm'])},"
            f' color="{colour}", fontcolor="{colour}", style={style}, penwidth={width}];'
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_graph(graph: TransitionGraph, path: str | Path) -> Path:
    """Write the graph in the format its suffix names (see :data:`GRAPH_FORMATS`)."""
    path = Path(path)
    suffix = path.suffix.lower().lstrip(".")
    if suffix not in GRAPH_FORMATS:
        raise DetenteError(
            f"cannot tell the format of {path.name!r}: use one of"
            f" {', '.join('.' + f for f in GRAPH_FORMATS)}"
        )
    if suffix in ("svg", "png"):
        draw_graph(graph, path)
        return path
    if suffix == "graphml":
        text = graphml_text(graph)
    elif suffix == "json":
        text = json.dumps(graph.to_json(), indent=1) + "\n"
    else:
        text = dot_text(graph)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
    return path


def _dot_quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\\\\n", "\\n") + '"'
