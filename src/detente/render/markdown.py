"""Markdown of the analyses' results (``detente diagnose --format markdown``).

The tables use GitHub's pipe syntax; probabilities are written as in the terminal tables
(:func:`detente.render.terminal.probability_text`).
"""

from __future__ import annotations

from ..analyses.diagnose import Diagnosis, forecast_rows, steps_text
from .terminal import probability_text

__all__ = ["diagnosis_markdown"]


def diagnosis_markdown(result: Diagnosis, *, limit: int = 8) -> str:
    """The diagnosis as a Markdown section (for a case report).

    >>> import detente
    >>> from detente.cases import bundled_history
    >>> from detente.io.history import load_history
    >>> from detente.analyses.diagnose import diagnose
    >>> model = detente.load_case("north-korea")
    >>> result = diagnose(model, load_history(bundled_history("north-korea")))
    >>> diagnosis_markdown(result).splitlines()[0]
    '## Reading the counterpart: what the record says'
    """
    space = result.space
    lines: list[str] = []
    add = lines.append
    history = result.history
    add("## Reading the counterpart: what the record says")
    add("")
    if history is not None and history.description:
        add(" ".join(history.description.split()))
        add("")
    add(f"*Assumption:* {result.assumption()}. *Error model:* {result.error_model()}.")
    add("")
    add("| step | when | observation | source |")
    add("|---:|---|---|---|")
    for obs in result.observations:
        text = obs.text(space).split(": ", 1)[1]
        add(f"| {obs.step} | {obs.date or ''} | {text} | {obs.cite} |")
    for d in result.dms:
        who = space.dm_names[d.dm]
        add("")
        add(f"### {who}")
        add("")
        for line in result.sentences(d):
            add(f"- {line}.")
        if d.constraints:
            add("")
            add("Revealed preferences:")
            add("")
            for c in [c for c in d.constraints if c.strict][:limit]:
                add(f"- {steps_text(c.steps)}: {c.text(space)}")
            weak = [c for c in d.constraints if not c.strict]
            if weak:
                add(
                    f"- and {len(weak)} 'at least as much' constraints from stays (e.g."
                    f" {weak[0].text(space)})"
                )
        add("")
        add("| hypothesis | prior | explained | posterior | contradicted by | minimal change |")
        add("|---|---:|---:|---:|---|---|")
        steps = [o.step for o in d.observations]
        for h in sorted(d.hypotheses, key=lambda h: -h.posterior):
            bad = ", ".join(str(s) for s, ok in zip(steps, h.explained, strict=True) if not ok)
            change = h.change.text() if h.change is not None else ""
            add(
                f"| {h.name} | {h.prior:.2f} | {h.n_explained}/{h.explained.size} |"
                f" {h.posterior:.3f} | {bad or '-'} | {change} |"
            )
    f = result.forecast
    if f is not None:
        who = space.dm_names[f.dm]
        add("")
        add(f"### Given what {who} did, how likely is each strategy to reach each outcome?")
        add("")
        add(
            f"Outcomes of the equilibria ({f.concept}) reached from the status quo under each"
            " strategy, before the record (prior weights) and given it (posterior weights)."
        )
        add("")
        header = ["strategy", "outcome", "P before the record", "P given the record"] + [
            f"if '{h}'" for h in f.hypotheses
        ]
        add("| " + " | ".join(header) + " |")
        add("|---|---|" + "---:|" * (len(header) - 2))
        previous = None
        for name, outcome, values in forecast_rows(f):
            cells = [
                name if name != previous else "",
                outcome,
                *[probability_text(v) for v in values],
            ]
            add("| " + " | ".join(cells) + " |")
            previous = name
        add("")
        add(
            "Weights of the hypotheses, before and given the record: "
            + "; ".join(
                f"{h} {p:.2f} -> {q:.2f}"
                for h, p, q in zip(f.hypotheses, f.prior_weights, f.posterior_weights, strict=True)
            )
            + "."
        )
    return "\n".join(lines) + "\n"
