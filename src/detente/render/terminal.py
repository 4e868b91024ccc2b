"""Readable terminal output of the analyses (rich tables)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from rich.console import Console
from rich.table import Table

from ..analyses.paths import StatusQuoResult
from ..analyses.stability import StabilityResult
from ..model.conflict import Conflict
from ..space.state_space import StateSpace
from ..words import changes_text, join_words

if TYPE_CHECKING:
    from ..analyses.design import DesignResult
    from ..analyses.diagnose import Diagnosis
    from ..analyses.hypergame import Correction, HypergameResult
    from ..analyses.strategies import ComparisonResult, StrategyReport, SweepResult
    from ..analyses.uncertainty import UncertaintyResult


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


# -- strategies, uncertainty, diagnosis, design, hypergames ------------------------------------
def coverage_note(uncovered: np.ndarray, shown: int = 5) -> str | None:
    """One line for the states no outcome covers (``uncovered`` 0-based), or None.

    >>> coverage_note(np.array([11, 39, 40, 41, 50, 60, 70]))
    "note: states 12, 40, 41, 42, 51 and 2 more match no outcome; they show as 'other'"
    >>> coverage_note(np.array([3]))
    "note: state 4 matches no outcome; it shows as 'other'"
    >>> coverage_note(np.array([], dtype=int)) is None
    True
    """
    if uncovered.size == 0:
        return None
    numbers = [str(int(s) + 1) for s in uncovered[:shown]]
    if uncovered.size > shown:
        numbers.append(f"{uncovered.size - shown:,} more")
    if uncovered.size == 1:
        return f"note: state {numbers[0]} matches no outcome; it shows as 'other'"
    return f"note: states {join_words(numbers)} match no outcome; they show as 'other'"


def probability_text(x: float) -> str:
    """A probability for a table: two decimals, '<0.01' for small but possible, '0' for none."""
    if x == 0:
        return "0"
    if x < 0.005:
        return "<0.01"
    if x > 0.995 and x < 1:
        return ">0.99"
    return f"{x:.2f}"


def print_comparison(result: ComparisonResult, *, console: Console | None = None) -> None:
    """The side-by-side table of ``detente compare``: one column per strategy."""
    console = console or Console()
    space = result.space
    console.print(
        f"[bold]{space.conflict.name or 'conflict'}[/bold]: strategies compared"
        f" (status quo analysis by {result.moves}; states numbered as in the full model)"
    )
    table = Table(show_lines=True)
    table.add_column("", style="bold")
    for report in result.strategies:
        table.add_column(report.name, overflow="fold", ratio=1)
    table.add_row(
        "commits to", *["\n".join(r.commitment_text.split(", ")) for r in result.strategies]
    )
    table.add_row("starts at", *[_start_text(r) for r in result.strategies])
    for concept in result.concepts:
        table.add_row(concept, *[_concept_text(r, concept) for r in result.strategies])
    console.print(table)
    if space.status_quo is not None:
        console.print(
            "Each concept row: the outcomes of the equilibria the conflict reaches from the"
            " status quo (with the commitment applied), fewest steps first; dimmed, how many"
            " equilibria there are and how many are reachable."
        )
    if not result.outcomes:
        console.print("The model defines no outcomes: every state is 'other'.")


def _start_text(report: StrategyReport) -> str:
    if report.start is None:
        return report.note or "no status quo"
    return (
        f"state {report.start + 1}: {', '.join(report.start_outcomes)}\n"
        f"[dim]{report.start_label}\n{report.reachable_states:,} of {report.n_states:,}"
        " states reachable[/dim]"
    )


def _concept_text(report: StrategyReport, concept: str) -> str:
    if report.n_states == 0:
        return "—"
    rep = report.concepts[concept]
    verdict = rep.verdict
    if verdict.startswith("reaches: "):
        lines = verdict.removeprefix("reaches: ").split(", ")
    else:
        lines = [verdict]
    count = f"{rep.count:,} eq."
    if rep.has_start:
        count += f", {rep.reachable_count:,} reachable"
    return "\n".join(lines) + f"\n[dim]{count}[/dim]"


def print_sweep(result: SweepResult, *, console: Console | None = None) -> None:
    """The table of ``detente sweep``: one row per level, one column per concept."""
    console = console or Console()
    space = result.space
    within = f", with {result.within!r} held" if result.within else ""
    console.print(
        f"[bold]{space.conflict.name or 'conflict'}[/bold]: {result.option} held at each"
        f" level{within} (status quo analysis by {result.moves})"
    )
    table = Table(show_lines=True)
    table.add_column(result.option, justify="right", style="bold")
    for concept in result.concepts:
        table.add_column(concept)
    reached, every = result.cells(reachable=True), result.cells(reachable=False)
    for k, level in enumerate(result.levels):
        cells = []
        for concept in result.concepts:
            text = ", ".join(reached[concept][k])
            if result.rows[k].n_states:
                text += f"\n[dim]all: {', '.join(every[concept][k])}[/dim]"
            cells.append(text)
        table.add_row(result.level_text(level), *cells)
    console.print(table)
    console.print(
        "Each cell: the outcomes of the equilibria reachable from the status quo (with the"
        " level applied); dimmed, the outcomes of all equilibria."
    )
    if result.overridden is not None:
        # Said, not silent: the rows are not the strategy as the model writes it.
        own = f"{result.option}={result.level_text(result.overridden)}"
        console.print(
            f"Note: {result.within!r} sets {own} itself; each row replaces it with the row's"
            " level.",
            markup=False,
            highlight=False,
        )


def print_uncertainty(
    result: UncertaintyResult, *, limit: int = 20, console: Console | None = None
) -> None:
    """A readable terminal report: the likeliest equilibria and each strategy's outcomes."""
    console = console or Console()
    space = result.space
    console.print(result.summary(), markup=False, highlight=False)
    for f in result.factors:
        choices = ", ".join(
            f"{label} {p:.2f}" for label, p in zip(f.labels, f.probabilities, strict=True)
        )
        console.print(f"  {space.dm_names[f.dm]}: {choices}", markup=False, highlight=False)
    states = result.interesting_states()
    table = Table(title="P(equilibrium) / P(equilibrium and reached from the status quo)")
    table.add_column("#", justify="right")
    table.add_column("label")
    if result.p_reached is not None:
        table.add_column("reached", justify="right")
    for c in result.concepts:
        table.add_column(c, justify="right")
    for s in states[:limit]:
        s = int(s)
        cells = [
            f"{result.p_equilibrium[c][s]:.2f} / {result.p_equilibrium_reached[c][s]:.2f}"
            for c in result.concepts
        ]
        reached = [] if result.p_reached is None else [f"{result.p_reached[s]:.2f}"]
        table.add_row(str(s + 1), space.label(s), *reached, *cells)
    if states.size > limit:
        table.caption = f"{states.size - limit} more states are equilibria in some scenario"
    console.print(table)
    if result.strategies:
        outcomes = Table(title="Outcomes reached per strategy: P(outcome)")
        outcomes.add_column("strategy")
        for c in result.concepts:
            outcomes.add_column(c)
        for name, by_concept in result.strategies.items():
            cells = []
            for c in result.concepts:
                per = by_concept.get(c)
                cells.append(
                    "no status quo"
                    if not per
                    else ", ".join(f"{o} {p:.2f}" for o, p in per.items())
                )
            outcomes.add_row(name, *cells)
        console.print(outcomes)
    for name, note in result.strategy_notes.items():
        console.print(f"{name}: {note}", markup=False, highlight=False)


def print_diagnosis(result: Diagnosis, *, limit: int = 12, console: Console | None = None) -> None:
    """A readable terminal report of a diagnosis (rich tables)."""
    # lazy: the diagnosis is imported when its table is printed, so `detente analyze` starts fast
    from ..analyses.diagnose import steps_text

    console = console or Console()
    space = result.space

    def say(text: str = "") -> None:
        console.print(text, markup=False, highlight=False)

    title = result.history.name if result.history is not None and result.history.name else "record"
    say(f"{space.conflict.name or 'conflict'}: diagnosis of {title}")
    say(f"Assumption: {result.assumption()}.")
    say(f"Error model: {result.error_model()}.")
    say()
    say("The record:")
    for obs in result.observations:
        say(f"  {obs.text(space)}")
        if obs.note:
            say(f"      {obs.note}" + (f" [{obs.cite}]" if obs.cite else ""))
    for d in result.dms:
        who = space.dm_names[d.dm]
        say()
        say(f"== {who}: {len(d.observations)} observation(s) ==")
        if not d.observations:
            say(f"  The record has no move or stay of {who}.")
        for line in result.sentences(d):
            say(f"  {line}.")
        if d.constraints:
            n_strict = sum(c.strict for c in d.constraints)
            say(
                f"  Revealed preferences ({n_strict} strict, from moves;"
                f" {len(d.constraints) - n_strict} weak, from stays):"
            )
            for c in d.constraints[:limit]:
                say(f"    {steps_text(c.steps)}: {c.text(space)}")
            if len(d.constraints) > limit:
                say(f"    ... and {len(d.constraints) - limit} more (--format json lists all)")
        if d.derived:
            say(f"  Implied by transitivity ({len(d.derived)}):")
            for c in d.derived[:limit]:
                say(f"    {c.text(space)}")
            if len(d.derived) > limit:
                say(f"    ... and {len(d.derived) - limit} more")
        if not d.closure.computed:
            say("  (too many states to draw every implication)")
        for line in d.conditions[:limit]:
            say(f"  {line}")
        table = Table(title=f"Hypotheses about {who}")
        for column in ("hypothesis", "prior", "explained", "consistency", "posterior"):
            table.add_column(column, justify="left" if column == "hypothesis" else "right")
        table.add_column("contradicted by")
        steps = [o.step for o in d.observations]
        for h in sorted(d.hypotheses, key=lambda h: -h.posterior):
            bad = [str(s) for s, ok in zip(steps, h.explained, strict=True) if not ok]
            table.add_row(
                h.name,
                f"{h.prior:.2f}",
                f"{h.n_explained}/{h.explained.size}",
                f"{h.consistency:.2f}",
                f"{h.posterior:.3f}",
                ("steps " + ", ".join(bad)) if bad else "-",
            )
        console.print(table)
        for h in sorted(d.hypotheses, key=lambda h: -h.posterior):
            say(f"  '{h.name}':")
            for reason in h.reasons:
                if "contradicted" in reason:
                    say(f"    {reason}")
            if h.change is not None:
                say(f"    minimal change: {h.change.text()}")
    if result.forecast is not None:
        _print_forecast(result, console)


def _print_forecast(result: Diagnosis, console: Console) -> None:
    # lazy: the diagnosis is imported when its table is printed, so `detente analyze` starts fast
    from ..analyses.diagnose import forecast_rows

    f = result.forecast
    assert f is not None
    space = result.space
    who = space.dm_names[f.dm]
    table = Table(
        title=f"Given what {who} did: the outcomes each strategy reaches ({f.concept} equilibria"
        " reached from the status quo)"
    )
    table.add_column("strategy")
    table.add_column("outcome")
    table.add_column("P before the record", justify="right")
    table.add_column("P given the record", justify="right")
    for h in f.hypotheses:
        table.add_column(f"if {h}", justify="right")
    previous = None
    for name, outcome, values in forecast_rows(f):
        table.add_row(
            name if name != previous else "", outcome, *[probability_text(v) for v in values]
        )
        previous = name
    console.print(table)
    weights = ", ".join(
        f"{h} {p:.2f} -> {q:.2f}"
        for h, p, q in zip(f.hypotheses, f.prior_weights, f.posterior_weights, strict=True)
    )
    console.print(f"Weights (prior -> posterior): {weights}", markup=False, highlight=False)
    for name, note in f.notes.items():
        console.print(f"{name}: {note}", markup=False, highlight=False)


def print_design(result: DesignResult, *, limit: int = 10, console: Console | None = None) -> None:
    """The plain-language table of ``detente design``: per target outcome, the minimal
    packages, best first."""
    # lazy: strategy design is imported when its table is printed, so `detente analyze` starts
    # fast
    from ..analyses.design import grouped_packages, steps_words

    console = console or Console()
    space = result.space
    console.print(
        f"[bold]{space.conflict.name or 'conflict'}[/bold]: what would it take? Commitments of"
        f" {join_words(result.side)} ({result.analysed + result.pruned:,} of"
        f" {result.candidates:,} searched, {len(result.scenarios)} scenario"
        f"{'s' if len(result.scenarios) != 1 else ''} of the belief, {result.seconds:.1f} s)",
        highlight=False,
    )
    for role, outcome in result.targets.items():
        groups = grouped_packages(space, [p for p in result.packages[outcome] if p.minimal])
        table = Table(title=f"to reach {outcome} ({role})", title_justify="left")
        table.add_column("commit to")
        table.add_column("reaches")
        for c in result.concepts:
            table.add_column(f"P ({c})", justify="right")
        table.add_column("side gives up", justify="right")
        for text, p in groups[:limit]:
            table.add_row(
                text,
                f"{outcome} {steps_words(p.steps)}",
                *[f"{p.probability[c]:.2f}" for c in result.concepts],
                f"{p.gives_up:.2f}",
            )
        if not groups:
            within = " within the searched bound" if result.max_size is not None else ""
            console.print(f"No commitment of {join_words(result.side)}{within} reaches {outcome}.")
            continue
        if len(groups) > limit:
            table.caption = f"{len(groups) - limit} more minimal packages"
        console.print(table)
    console.print(
        "A package is minimal when nothing can be dropped from it without losing a scenario"
        " or a concept in which it works.  P: the probability, over the belief, that the"
        " conflict reaches an equilibrium with that outcome from the status quo.",
        highlight=False,
    )
    if result.note:
        console.print(f"Note: {result.note}.", highlight=False)


def _numbers(states: np.ndarray, limit: int, shown: set[int]) -> str:
    """State numbers (1-based), at most ``limit``; remembers which were shown."""
    shown.update(int(s) for s in states[:limit])
    more = f" (+{states.size - limit} more)" if states.size > limit else ""
    return (", ".join(str(int(s) + 1) for s in states[:limit]) or "none") + more


def _legend(space: StateSpace, shown: set[int], console: Console) -> None:
    if not shown:
        return
    console.print("States: " + ", ".join(space.option_names), markup=False, highlight=False)
    for s in sorted(shown):
        console.print(f"  {s + 1:>6}  {space.label(s)}", markup=False, highlight=False)


def _describe_perceptions(result: HypergameResult) -> list[str]:
    lines = []
    for p in result.space.conflict.perceptions:
        parts = []
        if p.preferences:
            parts.append(f"believes other preferences of {', '.join(p.preferences)}")
        if p.unaware_of:
            parts.append(f"unaware of {', '.join(p.unaware_of)}")
        status = " [corrected]" if p.name in result.corrected else ""
        lines.append(f"{p.holder}: {p.name!r}{status} ({'; '.join(parts) or 'no change'})")
    return lines


def print_hypergame(
    result: HypergameResult, *, limit: int = 8, console: Console | None = None
) -> None:
    """A readable terminal report (rich tables) of a hypergame analysis."""
    console = console or Console()
    space = result.space
    lines = _describe_perceptions(result)
    console.print("[bold]Perceptions[/bold]" if lines else "The model has no perceptions.")
    for line in lines:
        console.print(f"  {line}", markup=False, highlight=False)
    table = Table(title="Hyper-equilibria: states stable for every DM in its own perceived game")
    table.add_column("concept")
    table.add_column("true eq.", justify="right")
    table.add_column("hyper-eq.", justify="right")
    table.add_column("only in the hypergame")
    table.add_column("only in the true game")
    for i in result.misperceiving:
        table.add_column(f"{space.dm_names[i]} expects", justify="right")
    shown: set[int] = set()
    for concept in result.concepts:
        hyper = result.hyper_equilibria(concept)
        true = result.true_equilibria(concept)
        table.add_row(
            concept,
            str(true.size),
            str(hyper.size),
            _numbers(np.setdiff1d(hyper, true), limit, shown),
            _numbers(np.setdiff1d(true, hyper), limit, shown),
            *[str(result.expected_equilibria(concept, i).size) for i in result.misperceiving],
        )
    console.print(table)
    if result.misperceiving:
        console.print(
            "'expects': equilibria of that DM's own perceived game (what it believes will last)",
            markup=False,
            highlight=False,
        )
    _legend(space, shown, console)


def print_correction(
    correction: Correction, *, limit: int = 8, console: Console | None = None
) -> None:
    """A readable terminal report of :func:`correct`."""
    console = console or Console()
    space = correction.space
    for line in _describe_perceptions(correction.after):
        console.print(f"  {line}", markup=False, highlight=False)
    table = Table(title=f"If corrected: {', '.join(correction.corrected)}")
    table.add_column("concept")
    table.add_column("hyper-eq. before", justify="right")
    table.add_column("after", justify="right")
    table.add_column("become hyper-equilibria")
    table.add_column("stop being hyper-equilibria")
    holders = correction.before.misperceiving
    for i in holders:
        table.add_column(f"{space.dm_names[i]} now also expects")
        table.add_column(f"{space.dm_names[i]} no longer expects")
    shown: set[int] = set()
    for concept in correction.concepts:
        cells = []
        for i in holders:
            gained, lost = correction.expected_changes(concept, i)
            cells += [_numbers(gained, limit, shown), _numbers(lost, limit, shown)]
        table.add_row(
            concept,
            str(correction.before.hyper_equilibria(concept).size),
            str(correction.after.hyper_equilibria(concept).size),
            _numbers(correction.became(concept), limit, shown),
            _numbers(correction.stopped(concept), limit, shown),
            *cells,
        )
    console.print(table)
    _legend(space, shown, console)


# -- stability ---------------------------------------------------------------------------------
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
