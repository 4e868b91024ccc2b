"""The transition graph (detente.graph): its edges against the naive R_i(s), the exports
parse, and the pictures are drawn."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import numpy as np
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import detente
from detente.analyses.graph import transition_graph
from detente.analyses.paths import MOVE_MODES
from detente.cli import main
from detente.errors import DetenteError, SizeLimitError

from .conflicts import conflicts
from .reference import naive_model

GRAPHML = "{http://graphml.graphdrawing.org/xmlns}"


@pytest.fixture(scope="module")
def elmira():
    return detente.compile_conflict(detente.load_case("elmira"))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflict=conflicts(max_dms=4, max_options=6), moves=st.sampled_from(MOVE_MODES))
def test_full_graph_edges_are_the_unilateral_moves(conflict, moves):
    space = detente.compile_conflict(conflict)
    model = naive_model(conflict)
    graph = transition_graph(
        space, 0, moves=moves, concepts=["Nash"], full=True, max_targets=10_000
    )
    assert graph.nodes.tolist() == list(range(space.n_states))
    unilateral = [
        (int(a), int(b), graph.movers[int(k)][0], bool(up))
        for a, b, k, up in zip(
            graph.source, graph.target, graph.mover, graph.is_improvement, strict=True
        )
        if len(graph.movers[int(k)]) == 1
    ]
    expected = {
        (s, t, i, model.scores[i][t] > model.scores[i][s])
        for i in range(model.n_dms)
        for s in range(model.n)
        for t in model.moves[i][s]
    }
    assert len(unilateral) == len(set(unilateral))
    assert set(unilateral) == expected
    # Every step of every shortest path shown is an edge marked on_path.
    marked = {
        (int(a), int(b))
        for a, b, on in zip(graph.source, graph.target, graph.on_path, strict=True)
        if on
    }
    for report in graph.result.targets:
        for step in report.path or []:
            assert (step.before, step.after) in marked


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(conflict=conflicts(max_dms=4, max_options=6), neighbours=st.booleans())
def test_neighbourhood_holds_start_targets_and_paths(conflict, neighbours):
    space = detente.compile_conflict(conflict)
    graph = transition_graph(
        space, 0, moves="any", concepts=["Nash"], neighbours=neighbours, max_targets=10_000
    )
    nodes = set(graph.nodes.tolist())
    assert 0 in nodes
    for report in graph.result.targets:
        assert report.state in nodes
        for step in report.path or []:
            assert {step.before, step.after} <= nodes
    # Edges stay inside the drawn states.
    assert set(graph.source.tolist()) | set(graph.target.tolist()) <= nodes
    data = graph.to_json()
    assert len(data["nodes"]) == len(nodes) and len(data["edges"]) == graph.source.size


def test_max_targets_keeps_the_nearest(elmira):
    graph = transition_graph(elmira, moves="any", concepts=["Nash"], max_targets=1)
    # Nash equilibria 5 and 9 are one step from 1, 8 three; the nearest (lowest number) wins.
    assert graph.nodes.tolist() == [0, 4]


def test_elmira_exports_parse(elmira, tmp_path):
    graph = transition_graph(elmira, neighbours=True)
    assert graph.nodes.size == 9  # every state is one move from 1 or 5
    # GraphML
    path = graph.write(tmp_path / "elmira.graphml")
    root = ET.parse(path).getroot()
    nodes = root.findall(f"{GRAPHML}graph/{GRAPHML}node")
    edges = root.findall(f"{GRAPHML}graph/{GRAPHML}edge")
    assert len(nodes) == 9 and len(edges) == graph.source.size == 24
    keys = {k.get("attr.name"): k.get("id") for k in root.findall(f"{GRAPHML}key")}

    def value(element: ET.Element, name: str) -> str | None:
        for data in element.findall(f"{GRAPHML}data"):
            if data.get("key") == keys[name]:
                return data.text
        return None

    first = next(n for n in nodes if n.get("id") == "s1")
    assert value(first, "label") == "NYNNN" and value(first, "status_quo") == "true"
    five = next(n for n in nodes if n.get("id") == "s5")
    assert value(five, "equilibrium_Nash") == "true"
    lg = [e for e in edges if e.get("source") == "s1" and e.get("target") == "s5"]
    assert len(lg) == 1
    assert value(lg[0], "dm") == "LG"
    assert value(lg[0], "is_improvement") == "true" and value(lg[0], "on_path") == "true"
    # JSON
    data = json.loads(graph.write(tmp_path / "elmira.json").read_text())
    assert data["start"] == 1 and data["scope"] == "neighbourhood"
    node5 = next(n for n in data["nodes"] if n["id"] == 5)
    assert "Nash" in node5["equilibrium"] and node5["steps"] == 1
    assert {"source": 1, "target": 5, "dm": "LG", "kind": "improvement"}.items() <= next(
        e for e in data["edges"] if e["on_path"]
    ).items()
    # DOT
    dot = graph.write(tmp_path / "elmira.dot").read_text()
    assert dot.startswith('digraph "Elmira groundwater conflict" {')
    assert dot.rstrip().endswith("}") and dot.count("{") == dot.count("}")
    assert dot.count(" -> ") == 24
    assert 's1 -> s5 [label="LG"' in dot


def test_elmira_coalition_step_is_an_edge(elmira):
    graph = transition_graph(elmira, moves="coalitions", concepts=["Nash"])
    edges = [graph.edge_attributes(e) for e in range(graph.source.size)]
    joint = [e for e in edges if e["dm"] == "MoE+Uniroyal"]
    assert joint == [
        {
            "source": 5,
            "target": 8,
            "dm": "MoE+Uniroyal",
            "kind": "coalitional improvement",
            "is_improvement": True,
            "on_path": True,
        }
    ]


@pytest.mark.parametrize("suffix", ["svg", "png"])
def test_pictures_are_drawn(elmira, tmp_path, suffix):
    graph = transition_graph(elmira, moves="any")
    path = graph.write(tmp_path / f"elmira.{suffix}")
    content = path.read_bytes()
    if suffix == "svg":
        root = ET.fromstring(content)
        assert root.tag.endswith("svg")
        assert len(content) > 20_000
        # One circle path per state, one arrow per edge: many drawn elements.
        assert content.count(b"<path") > 2 * graph.source.size
    else:
        import matplotlib.image

        assert content.startswith(b"\x89PNG")
        pixels = matplotlib.image.imread(path)
        height, width = pixels.shape[:2]
        assert width > 800 and height > 400
        assert pixels[..., :3].std() > 0.05  # not a blank page
    assert not list(tmp_path.glob("*.tmp"))


def test_layout_puts_start_left_and_unreachable_targets_right(elmira):
    graph = transition_graph(elmira)  # improvements: 1 -> 5 only; 4, 8, 9 unreachable
    pos = graph.layout()
    assert pos[0][0] == 0 and pos[4][0] == 1
    assert pos[3][0] == pos[7][0] == pos[8][0] == 2


def test_full_export_refuses_large_conflicts(elmira):
    with pytest.raises(SizeLimitError, match=r"9 states and 24 moves"):
        transition_graph(elmira, full=True, max_states=5)


def test_drawing_refuses_many_nodes(elmira, tmp_path):
    graph = transition_graph(elmira, full=True)
    with pytest.raises(SizeLimitError, match="too many to draw"):
        graph.draw(tmp_path / "x.png", max_nodes=4)


def test_unknown_format(elmira, tmp_path):
    with pytest.raises(DetenteError, match="cannot tell the format"):
        transition_graph(elmira).write(tmp_path / "x.pdf")


def test_cli_graph(tmp_path):
    out = tmp_path / "elmira.graphml"
    result = CliRunner().invoke(main, ["graph", "--case", "elmira", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote" in result.output
    root = ET.parse(out).getroot()
    ids = sorted(int(n.get("id")[1:]) for n in root.iter(f"{GRAPHML}node"))
    assert ids == [1, 4, 5, 8, 9]
    out = tmp_path / "elmira.png"
    result = CliRunner().invoke(
        main, ["graph", "--case", "elmira", "--moves", "any", "--neighbours", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\x89PNG")
    result = CliRunner().invoke(
        main, ["graph", "--case", "elmira", "--full", "--max-states", "3", "-o", str(out)]
    )
    assert result.exit_code == 2 and "Traceback" not in result.output


def test_graph_accepts_a_finished_analysis(elmira):
    from detente.analyses.paths import status_quo_analysis

    result = status_quo_analysis(elmira, moves="any", concepts=["Nash"])
    graph = transition_graph(result)
    assert graph.result is result
    assert np.isin([0, 4, 7, 8], graph.nodes).all()
    assert graph._repr_svg_().lstrip().startswith("<?xml")
