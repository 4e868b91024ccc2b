"""Readable terminal output of a stability analysis (rich tables)."""

from __future__ import annotations

from typing import Any

import numpy as np
from rich.console import Console
from rich.table import Table

from ..analyses.paths import StatusQuoResult
from ..analyses.stability import StabilityResult
from ..model.conflict import Conflict
from ..words import changes_text


def state_summary(result: StabilityResult, state: int) -> str:
    """The options taken in a state, as words: 'Modify, Accept' or 'nobody acts'."""
    space = result.space
    parts = []
    for name, value in space.describe(state).items():
        option = space.conflict.options[space.option_names.index(name)]
        if value is None:
            continue
        if option.binary and value:
            parts.append(name)
        elif not option.binary:
            parts.append(f"{name}={value}")
    return ", ".join(parts) or "no option taken"


def print_stability(
    conflict: Conflict,
    result: StabilityResult,
    *,
    summary: bool = False,
    console: Console | None = None,
) -> None:
    console = console or Console()
    space = result.space
    title = conflict.name or "conflict"
    console.print(
        f"[bold]{title}[/bold]: {space.n_dms} decision makers"
        f" ({', '.join(space.dm_names)}), {space.n_options} options, {space.n_states:,} states"
    )
    if space.status_quo is not None:
        sq = space.status_quo
        console.print(
            f"Status quo: state {sq + 1} ({space.label(sq)}): {state_summary(result, sq)}"
        )
    counts = Table(title="Equilibria per solution concept")
    counts.add_column("concept")
    counts.add_column("equilibria", justify="right")
    for dm in space.dm_names:
        counts.add_column(f"stable for {dm}", justify="right")
    for concept, arr in result.stable.items():
        counts.add_row(
            concept,
            f"{int(arr.all(axis=0).sum()):,}",
            *[f"{int(row.sum()):,}" for row in arr],
        )
    console.print(counts)
    if summary:
        return
    equilibrium = np.array([arr.all(axis=0) for arr in result.stable.values()])
    support = equilibrium.sum(axis=0)
    any_eq = np.flatnonzero(support)
    if any_eq.size == 0:
        console.print("No state is an equilibrium under any of these concepts.")
        return
    # The states most concepts agree on come first: with many GMR/SMR-only equilibria (a
    # threat that deters everything) the robust results would otherwise be buried.
    ordered = any_eq[np.lexsort((any_eq, -support[any_eq]))]
    limit = 40
    shown = ordered[:limit]
    table = Table(title="Equilibria, those stable under most concepts first (✓ = equilibrium)")
    table.add_column("#", justify="right")
    table.add_column("label")
    table.add_column("what happens")
    for concept in result.stable:
        table.add_column(concept, justify="center")
    for s in shown:
        marks = ["✓" if row[s] else "" for row in equilibrium]
        table.add_row(str(s + 1), space.label(int(s)), state_summary(result, int(s)), *marks)
    console.print(table)
    if any_eq.size > shown.size:
        console.print(
            f"... and {any_eq.size - shown.size:,} more, each an equilibrium under fewer"
            " concepts (use --format csv or json for all)"
        )


# -- status quo analysis (paths) ----------------------------------------------------------------
def _concepts_short(concepts: list[str], every: list[str]) -> str:
    if not concepts:
        return "—"
    if len(every) > 2 and concepts == every:
        return "all concepts"
    return ", ".join(concepts)


def print_status_quo(result: StatusQuoResult, *, limit: int = 40, console: Any = None) -> None:
    """A readable terminal report (rich tables): reachability of every target and its path."""
    console = console or Console()
    space = result.space
    title = space.conflict.name or "conflict"
    console.print(f"[bold]{title}[/bold]: status quo analysis")
    console.print(result.summary())
    table = Table(title="Equilibria and targets: can the conflict get there?")
    table.add_column("#", justify="right")
    table.add_column("label")
    table.add_column("what happens")
    table.add_column("equilibrium under")
    table.add_column("reachable", justify="center")
    table.add_column("steps", justify="right")
    table.add_column("shortest path")
    shown = result.targets[:limit]
    short = result.evolution.path_strings([t.state for t in shown])
    for t, path in zip(shown, short, strict=True):
        marker = " (target)" if t.requested else ""
        table.add_row(
            str(t.state + 1),
            space.label(t.state),
            state_summary(result.stability, t.state),
            _concepts_short(t.equilibrium, result.concepts) + marker,
            "✓" if t.reachable else "✗",
            "" if t.steps is None else str(t.steps),
            path,
        )
    console.print(table)
    if len(result.targets) > len(shown):
        console.print(f"... and {len(result.targets) - len(shown)} more (use --format json)")
    detailed = [t for t in shown if t.steps][:10]
    for t, path in zip(detailed, result.evolution.paths([t.state for t in detailed]), strict=True):
        steps = Table(title=f"Path to state {t.state + 1} ({space.label(t.state)})")
        steps.add_column("step", justify="right")
        steps.add_column("who moves")
        steps.add_column("from", justify="right")
        steps.add_column("to", justify="right")
        steps.add_column("what changes")
        for k, step in enumerate(path or []):
            steps.add_row(
                str(k + 1),
                "+".join(step.mover) + ("" if step.kind == "improvement" else f" ({step.kind})"),
                f"{step.before + 1} {space.label(step.before)}",
                f"{step.after + 1} {space.label(step.after)}",
                changes_text(space, step.changes),
            )
        console.print(steps)
