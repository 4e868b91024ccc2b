"""Renderers: turn the analyses' data into terminal tables, frames, pictures and files.

:data:`RENDERERS` names the function behind each presentation method of a result
(``result.to_frame()``, ``_repr_html_``, ``graph.draw()``...); detente's ``__init__``
registers it with :mod:`detente.analyses.presenting`.  The addresses are strings so that
registering them imports nothing: each renderer module is imported when first used.
"""

from __future__ import annotations

_A = "detente.analyses."
_FRAMES = "detente.render.frames:"
_PLOTS = "detente.render.plots:"
_FILES = "detente.render.graph_files:"

#: ``"module.Class.method"`` of a result -> ``"module:function"`` that renders it.
RENDERERS: dict[str, str] = {
    _A + "stability.StabilityResult.to_frame": _FRAMES + "stability_frame",
    _A + "stability.StabilityResult._repr_html_": _FRAMES + "stability_html",
    _A + "explain.Explanation.to_frame": _FRAMES + "explanation_frame",
    _A + "explain.Explanation._repr_html_": _FRAMES + "explanation_html",
    _A + "strategies.ComparisonResult.to_frame": _FRAMES + "comparison_frame",
    _A + "strategies.ComparisonResult._repr_html_": _FRAMES + "comparison_html",
    _A + "strategies.SweepResult.to_frame": _FRAMES + "sweep_frame",
    _A + "strategies.SweepResult._repr_html_": _FRAMES + "sweep_html",
    _A + "strategies.SweepResult.plot": _PLOTS + "plot_sweep",
    _A + "uncertainty.UncertaintyResult.to_frame": _FRAMES + "uncertainty_frame",
    _A + "uncertainty.UncertaintyResult.strategies_frame": _FRAMES
    + "uncertainty_strategies_frame",
    _A + "uncertainty.UncertaintyResult._repr_html_": _FRAMES + "uncertainty_html",
    _A + "design.DesignResult.to_frame": _FRAMES + "design_frame",
    _A + "design.DesignResult._repr_html_": _FRAMES + "design_html",
    _A + "hypergame.HypergameResult.to_frame": _FRAMES + "hypergame_frame",
    _A + "hypergame.HypergameResult._repr_html_": _FRAMES + "hypergame_html",
    _A + "hypergame.Correction._repr_html_": _FRAMES + "correction_html",
    _A + "inverse.InverseResult.to_frame": _FRAMES + "inverse_frame",
    _A + "inverse.InverseResult._repr_html_": _FRAMES + "inverse_html",
    _A + "paths.Evolution.to_frame": _FRAMES + "evolution_frame",
    _A + "paths.Evolution._repr_html_": _FRAMES + "evolution_html",
    _A + "paths.StatusQuoResult.to_frame": _FRAMES + "status_quo_frame",
    _A + "paths.StatusQuoResult.steps_frame": _FRAMES + "status_quo_steps_frame",
    _A + "paths.StatusQuoResult._repr_html_": _FRAMES + "status_quo_html",
    _A + "coalitions.CoalitionStability.to_frame": _FRAMES + "coalition_stability_frame",
    _A + "coalitions.CoalitionStability._repr_html_": _FRAMES + "coalition_stability_html",
    _A + "coalitions.CoalitionReport.to_frame": _FRAMES + "coalition_report_frame",
    _A + "coalitions.CoalitionReport._repr_html_": _FRAMES + "coalition_report_html",
    _A + "margins.MarginResult.to_frame": _FRAMES + "margins_frame",
    _A + "margins.MarginResult._repr_html_": _FRAMES + "margins_html",
    _A + "graph.TransitionGraph.to_graphml": _FILES + "graphml_text",
    _A + "graph.TransitionGraph.to_dot": _FILES + "dot_text",
    _A + "graph.TransitionGraph.write": _FILES + "write_graph",
    _A + "graph.TransitionGraph.draw": _PLOTS + "draw_graph",
    _A + "graph.TransitionGraph._repr_svg_": _PLOTS + "graph_svg",
}
