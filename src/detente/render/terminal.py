"""Readable terminal output of a stability analysis (rich tables)."""

from __future__ import annotations

import numpy as np
from rich.console import Console
from rich.table import Table

from ..analyses.stability import StabilityResult
from ..model.conflict import Conflict


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
