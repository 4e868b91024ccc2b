"""What the command line says about long analyses: the skip line and the progress bar.

The estimates come from :mod:`detente.analyses.costs`; this module only words them and
draws a rich progress bar (with the time remaining) for the concepts that were asked for by
name although their estimate is over the budget.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

from rich.console import Console
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn

from ..analyses.costs import DEFAULT_BUDGET_SECONDS, estimate_costs, over_budget
from ..analyses.stability import StabilityResult
from ..space.state_space import StateSpace
from ..words import join_words


def skipped_line(result: StabilityResult, budget: float = DEFAULT_BUDGET_SECONDS) -> str | None:
    """One line naming the concepts left out for their cost and how to run them anyway.

    >>> from detente import analyze, load_case
    >>> result = analyze(load_case("chicken"), ["SIM"], budget=0)
    >>> print(skipped_line(result, 0))  # doctest: +NORMALIZE_WHITESPACE
    detente: skipped SIM (estimated under a second, 6 search branches), over the 0 s budget;
    run it with --concept SIM
    """
    if not result.skipped:
        return None
    names = list(result.skipped)
    parts = [f"{n} (estimated {result.skipped[n].describe()})" for n in names]
    force = " ".join(f"--concept {n}" for n in names)
    return (
        f"detente: skipped {join_words(parts)}, over the {budget:g} s budget;"
        f" run {'it' if len(names) == 1 else 'them'} with {force}"
    )


@contextmanager
def long_run_progress(
    space: StateSpace, concepts: Sequence[str], budget: float = DEFAULT_BUDGET_SECONDS
) -> Iterator[Callable[[str, float], None] | None]:
    """A progress callback for :func:`detente.analyses.stability.analyze` that draws a bar
    with the time remaining on stderr for each of ``concepts`` estimated over ``budget``;
    None when there is none."""
    slow = [n for n, e in estimate_costs(space, concepts).items() if over_budget(e, budget)]
    if not slow:
        yield None
        return
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        TaskProgressColumn(),
        TimeRemainingColumn(),
    )
    with Progress(*columns, console=Console(stderr=True), transient=True) as bar:
        tasks = {name: bar.add_task(f"{name} (Ctrl-C stops)", total=1.0) for name in slow}

        def advance(name: str, fraction: float) -> None:
            if name in tasks:
                bar.update(tasks[name], completed=fraction)

        yield advance
