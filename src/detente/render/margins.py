"""Terminal table of stability margins (:mod:`detente.analyses.margins`)."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
from rich.console import Console
from rich.table import Table

from ..analyses.margins import MarginResult


def print_margins(
    result: MarginResult, *, states: Iterable[int] | None = None, console: Console | None = None
) -> None:
    """One row per state (default: the equilibria): the verdict, its margin, the margin per
    DM whose preferences were searched ('>k' where none within the bound flips it)."""
    console = console or Console()
    space = result.space
    chosen = np.flatnonzero(result.equilibrium) if states is None else list(states)
    bound = f">{result.max_changes}"
    table = Table(
        title=f"Stability margins ({result.concept}): exchanges of two adjacent states in one"
        " DM's ranking that flip the verdict"
    )
    for column in ("#", "label", "equilibrium", "margin", "weakest"):
        table.add_column(column)
    for dm in result.dms:
        table.add_column(dm, justify="right")
    overall = result.state_margin()
    for s in chosen:
        table.add_row(
            str(int(s) + 1),
            space.label(int(s)),
            "✓" if result.equilibrium[s] else "",
            str(overall[s]) if overall[s] > 0 else bound,
            ", ".join(result.weakest(int(s))),
            *[
                str(m) if m > 0 else bound
                for m in (result.margin[space.dm_names.index(dm), s] for dm in result.dms)
            ],
        )
    console.print(table)
    if result.incomplete:
        console.print(
            f"Search bound reached for {', '.join(result.incomplete)}: '>{result.max_changes}'"
            " there means none found among the rankings tried."
        )
