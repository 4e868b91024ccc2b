"""Benchmark: how often does ``detente diagnose`` recover the true hypothesis from a record?

For each draw: a random conflict (3 decision makers over 6 binary options, 64 states, every
DM with random option-prioritization preferences), K = 4 hypotheses about DM 0, one of them
true.  A history is simulated under the truth: at each step a random DM acts; if the current
state is not stable for it (under the concept) it takes a random unilateral improvement,
else it stays; at an equilibrium an exogenous shock moves the conflict to a random state (not
an observation).  Only DM 0's observations are recorded, until the record has T of them.
With ``noise`` e, DM 0 errs on each observation with probability e (it stays where it would
have moved, or makes a random non-improving move where it would have stayed).  The record
is diagnosed with the same concept and epsilon = 0.05; the draw counts as recovered when the
true hypothesis has the highest posterior (a tie of k hypotheses counts 1/k).

Hypothesis families:

* ``rankings`` — each hypothesis a random strict ranking of the 64 states (easy to tell
  apart);
* ``statements`` — the hypotheses order the same 5 random statements about DM 0's own
  options (some conditional on others' options: "o1 if not o4") differently, as the North
  Korea case's alternatives do ("regime survival first" vs "prestige first").
  Two orders can rank DM 0's *own* moves identically, so no record can separate them: the
  column "ceiling" is the recovery rate a perfect record would reach (the true hypothesis
  tied with the k - 1 others that order DM 0's moves the same way counts 1/k).

    .venv/bin/python benchmarks/recovery.py [--draws 200] [--seed 1] [--write-docs]

``--write-docs`` puts the table into docs/diagnose.md between the recovery markers.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

import numpy as np

from detente import Conflict, compile_conflict
from detente.analyses.diagnose import Observation, _same_choices, diagnose
from detente.analyses.stability import stable_for
from detente.space.state_space import dense_rank, preference_scores

LENGTHS = (1, 2, 4, 8, 16, 32, 64)
N_HYPOTHESES = 4
N_OPTIONS = 6


def _literal(rng: random.Random, names: list[str]) -> str:
    name = rng.choice(names)
    return name if rng.random() < 0.5 else f"not {name}"


def _statement(rng: random.Random, names: list[str]) -> str:
    """A literal, or two joined by 'and' / 'or'."""
    shape = rng.random()
    if shape < 0.5:
        return _literal(rng, names)
    return f"({_literal(rng, names)}){' and ' if shape < 0.8 else ' or '}({_literal(rng, names)})"


def _own_statement(rng: random.Random, own: list[str], names: list[str]) -> str:
    """A statement about one of DM 0's own options, possibly conditional on any option
    ('talks if sanctions', as the North Korea alternatives are written)."""
    shape = rng.random()
    if shape < 0.4:
        return _literal(rng, own)
    joiner = " if " if shape < 0.7 else (" and " if shape < 0.85 else " or ")
    return f"({_literal(rng, own)}){joiner}({_literal(rng, names)})"


def random_case(rng: random.Random, family: str) -> Conflict:
    """3 DMs over 6 binary options; DM 0 with N_HYPOTHESES alternatives of ``family``."""
    names = [f"o{k}" for k in range(N_OPTIONS)]
    owners = [0, 0, 1, 1, 2, 2]
    labels = ["".join("Y" if (c >> k) & 1 else "N" for k in range(N_OPTIONS)) for c in range(64)]
    if family == "rankings":
        hyps = []
        for _ in range(N_HYPOTHESES):
            order = labels[:]
            rng.shuffle(order)
            hyps.append({"ranking": order})
    else:
        shared = [_own_statement(rng, names[:2], names) for _ in range(5)]
        hyps = []
        for _ in range(N_HYPOTHESES):
            order = shared[:]
            rng.shuffle(order)
            hyps.append({"prioritization": order})
    dms = []
    for i in range(3):
        dm = {
            "name": f"D{i}",
            "options": [n for n, o in zip(names, owners, strict=True) if o == i],
            "preferences": hyps[0]
            if i == 0
            else {"prioritization": [_statement(rng, names) for _ in range(4)]},
        }
        if i == 0:
            dm["alternatives"] = [{"name": f"h{j}", "preferences": h} for j, h in enumerate(hyps)]
        dms.append(dm)
    return Conflict.model_validate(
        {"options": [{"name": n} for n in names], "decision_makers": dms}
    )


def simulate(space, truth_rank: np.ndarray, concept: str, length: int, noise: float, rng):
    """DM 0's record of ``length`` observations under the true ranking (see the docstring)."""
    ranks = space.ranks.copy()
    ranks[0] = truth_rank
    view = space.with_ranks(ranks)
    stable = np.stack([stable_for(view, concept, i) for i in range(space.n_dms)])
    n = space.n_states
    state = rng.randrange(n)
    out: list[Observation] = []
    step = 0
    while len(out) < length:
        if stable[:, state].all():
            state = rng.randrange(n)  # an exogenous shock, not an observation
            continue
        dm = rng.randrange(space.n_dms)
        column = space.moves[dm][:, state]
        targets = column[column < n]
        better = targets[view.ranks[dm][targets] > view.ranks[dm][state]]
        move = not stable[dm, state] and better.size > 0
        erring = dm == 0 and rng.random() < noise
        step += 1
        if erring:
            worse = targets[view.ranks[dm][targets] <= view.ranks[dm][state]]
            if move or worse.size == 0:
                out.append(Observation(step, "stay", 0, state, None))
                continue
            target = int(worse[rng.randrange(worse.size)])
            out.append(Observation(step, "move", 0, state, target))
            state = target
            continue
        if move:
            target = int(better[rng.randrange(better.size)])
            if dm == 0:
                out.append(Observation(step, "move", 0, state, target))
            state = target
        elif dm == 0:
            out.append(Observation(step, "stay", 0, state, None))
    return out


def run(family: str, concept: str, noise: float, draws: int, seed: int) -> dict[int, float]:
    rng = random.Random(seed)
    rates = {}
    ceiling = 0.0
    for length in LENGTHS:
        won = 0.0
        for _ in range(draws):
            conflict = random_case(rng, family)
            space = compile_conflict(conflict)
            alts = conflict.decision_makers[0].alternatives
            truth = rng.randrange(len(alts))
            hyp_ranks = [dense_rank(preference_scores(space, a.preferences, ())) for a in alts]
            record = simulate(space, hyp_ranks[truth], concept, length, noise, rng)
            result = diagnose(space, record, dms=["D0"], concept=concept, max_changes=0)
            posts = np.array([h.posterior for h in result.dms[0].hypotheses])
            top = np.flatnonzero(np.isclose(posts, posts.max(), rtol=1e-9, atol=0))
            won += (truth in top) / top.size
            if length == LENGTHS[-1]:
                same = _same_choices(space, 0, hyp_ranks)
                ceiling += 1.0 / same[truth].sum()
        rates[length] = won / draws
    rates[0] = ceiling / draws  # the ceiling, stored under length 0
    return rates


SETTINGS = (
    ("rankings", "Nash", 0.0),
    ("rankings", "Nash", 0.05),
    ("statements", "Nash", 0.0),
    ("statements", "Nash", 0.05),
    ("statements", "SEQ", 0.0),
)


def table(results: dict[tuple[str, str, float], dict[int, float]], draws: int) -> str:
    head = "| T (observations of DM 0) | " + " | ".join(
        f"{family}, {concept}" + (f", DM errs {noise:g}" if noise else "")
        for family, concept, noise in SETTINGS
    )
    lines = [head + " |", "|---:|" + "---:|" * len(SETTINGS)]
    for length in LENGTHS:
        cells = [f"{results[s][length]:.2f}" for s in SETTINGS]
        lines.append(f"| {length} | " + " | ".join(cells) + " |")
    cells = [f"{results[s][0]:.2f}" for s in SETTINGS]
    lines.append("| ceiling (indistinguishable hypotheses) | " + " | ".join(cells) + " |")
    lines.append("")
    lines.append(
        f"{draws} draws per cell; {N_HYPOTHESES} hypotheses (chance = {1 / N_HYPOTHESES:.2f});"
        " 3 DMs, 6 binary options, 64 states; epsilon = 0.05 in the diagnosis."
    )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    results = {}
    for k, (family, concept, noise) in enumerate(SETTINGS):
        results[(family, concept, noise)] = run(family, concept, noise, args.draws, args.seed + k)
        print(f"{family}, {concept}, noise {noise}: done", file=sys.stderr)
    text = table(results, args.draws)
    print(text)
    print(f"({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    if args.write_docs:
        path = Path(__file__).resolve().parent.parent / "docs" / "diagnose.md"
        doc = path.read_text(encoding="utf-8")
        new = re.sub(
            r"(<!-- recovery:start -->\n).*?(<!-- recovery:end -->)",
            lambda m: m.group(1) + text + "\n" + m.group(2),
            doc,
            flags=re.S,
        )
        path.write_text(new, encoding="utf-8")
        print(f"wrote {path}", file=sys.stderr)


if __name__ == "__main__":
    main()
