"""Why a state is or is not stable for a decision maker, as data and as sentences.

For one state s and each decision maker i and solution concept, :func:`explain` lists i's
unilateral improvements (UIs) from s and, for each, what the concept says about it:

* Nash: a UI alone makes s unstable.
* GMR: the sanction that deters the UI s1, a legal sequence of the opponents' unilateral
  moves from s1 to some s2 that i does not prefer to s; or the fact that there is none.
* SMR: a sanction s2 as for GMR from which no counter-move of i reaches a state i prefers to
  s (the counter-moves considered are listed); or, when every GMR sanction is undone by a
  counter-move, one such sanction and the counter-move that defeats it.
* SEQ: a credible sanction: a legal sequence of the opponents' own UIs reaching such an s2.
* SIM: a simultaneous response: each opponent stays or takes one of its own UIs from s at
  the same moment as i, and the combined state is one i does not prefer to s.  With merged
  states the moves start from one member (option combination) of s, as the engine decides
  SIM (:func:`detente.analysis.stable_for`).
* SEQSIM: both a SEQ and a SIM sanction (detente's SEQSIM is SEQ and SIM together).

Definitions: Fang, Hipel & Kilgour (1993), *Interactive Decision Making: The Graph Model for
Conflict Resolution*, Wiley, ch. 4; Fang, Hipel & Kilgour (1989), EJOR 41.  The search for
sanctions follows the engine (:mod:`detente.engine.stability`) exactly, so ``stable`` here
always equals :func:`detente.analyze`'s verdict (the tests check every state of random
conflicts).  Among several sanctions the one with the fewest moves is shown, and among those
the one i likes least.  The sentences are generated from this data and the model's names.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..engine import improvements
from ..engine.arrays import gather_max
from ..errors import DetenteError
from ..model.conflict import Conflict
from ..space.state_space import StateSpace, as_space
from ..words import describe_state, dm_index, join_words, move_phrase, state_phrase
from .coalitions import Step, reach_tree
from .presenting import present
from .stability import concept_name

__all__ = [
    "EXPLAIN_CONCEPTS",
    "ConceptExplanation",
    "Explanation",
    "Improvement",
    "Sanction",
    "explain",
]

#: Concepts :func:`explain` covers (limited-move and non-myopic stability are not explained).
EXPLAIN_CONCEPTS = ("Nash", "GMR", "SMR", "SEQ", "SIM", "SEQSIM")
DEFAULT_EXPLAIN_CONCEPTS = ("Nash", "GMR", "SMR", "SEQ", "SIM")

#: Largest number of simultaneous combinations examined at once (SIM).
_SIM_BUDGET = 1 << 20


@dataclass
class Sanction:
    """A response that leaves the DM no better off than at the state explained.

    ``kind`` 'sequential': ``path`` is the opponents' legal sequence from the UI's target to
    ``state``.  ``kind`` 'simultaneous': ``path`` holds each responding opponent's move from
    the explained state, made at the same moment as the DM's; ``state`` is the combination.
    ``counter_moves`` (SMR) are the DM's moves from ``state``, none of them better for it than
    the explained state.
    """

    kind: str
    state: int
    path: list[Step]
    counter_moves: list[int] | None = None

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        out: dict[str, Any] = {
            "kind": self.kind,
            "state": self.state + 1,
            "label": space.label(self.state),
            "moves": [step.to_json(space) for step in self.path],
        }
        if self.counter_moves is not None:
            out["counter_moves"] = [t + 1 for t in self.counter_moves]
        return out


@dataclass
class Improvement:
    """One unilateral improvement ``move`` of the DM and what the concept makes of it.

    ``sanction``: the sanction found (None if there is none; always None for Nash).
    ``simultaneous``: for SEQSIM, the SIM sanction (``sanction`` is then the SEQ one).
    ``defeated``/``counter``: for SMR without a surviving sanction, a GMR sanction and the
    DM's counter-move from it to a state the DM prefers to the explained state.
    ``escapes``: nothing deters the move, so the state is unstable for the DM.
    """

    move: Step
    escapes: bool
    sanction: Sanction | None = None
    simultaneous: Sanction | None = None
    defeated: Sanction | None = None
    counter: Step | None = None

    @property
    def target(self) -> int:
        return self.move.target

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        out: dict[str, Any] = {
            "target": self.target + 1,
            "label": space.label(self.target),
            "move": self.move.to_json(space),
            "escapes": self.escapes,
            "sanction": self.sanction.to_json(space) if self.sanction else None,
        }
        if self.simultaneous is not None:
            out["simultaneous"] = self.simultaneous.to_json(space)
        if self.defeated is not None and self.counter is not None:
            out["defeated_sanction"] = self.defeated.to_json(space)
            out["counter_move"] = self.counter.to_json(space)
        return out


@dataclass
class ConceptExplanation:
    """Stability of ``state`` for DM ``dm`` under ``concept``, with the reasons."""

    space: StateSpace
    state: int
    dm: int
    concept: str
    stable: bool
    moves: list[int]
    improvements: list[Improvement] = field(default_factory=list)

    @property
    def dm_name(self) -> str:
        return self.space.dm_names[self.dm]

    def to_json(self) -> dict[str, Any]:
        return {
            "dm": self.dm_name,
            "concept": self.concept,
            "stable": self.stable,
            "moves": [t + 1 for t in self.moves],
            "improvements": [ui.to_json(self.space) for ui in self.improvements],
            "sentences": self.sentences(),
        }

    # -- sentences -------------------------------------------------------------------------
    def sentences(self) -> list[str]:
        """The explanation in plain language, one sentence per improvement and a verdict.

        >>> import detente
        >>> item = explain(detente.load_case("chicken"), "NN", 0, ["SEQ"]).items[0]
        >>> len(item.sentences()) == len(item.improvements) + 1
        True
        """
        space, s, who = self.space, self.state, self.dm_name
        here = state_phrase(space, s)
        if not self.improvements:
            if not self.moves and _may_change(space, self.dm, s):
                # Its options could change, but every change lands on an infeasible state:
                # "no move of its own" would wrongly suggest it has no options to move.
                reason = f"At {here}, every move {who} could make leads to an infeasible state"
            elif not self.moves:
                reason = f"At {here}, {who} has no move of its own"
            else:
                targets = join_words([str(t + 1) for t in self.moves])
                plural = "s" if len(self.moves) > 1 else ""
                reason = (
                    f"At {here}, none of {who}'s moves (to state{plural} {targets}) leads to"
                    f" a state it prefers"
                )
            return [f"{reason}, so the state is {_verdict(self.concept, True)} for {who}."]
        if self.concept == "Nash":
            gains = " or by ".join(
                f"{move_phrase(space, ui.move)}, moving to {state_phrase(space, ui.target)}"
                for ui in self.improvements
            )
            return [
                f"From {here}, {who} would gain by {gains}, so the state is"
                f" {_verdict('Nash', False)} for {who}."
            ]
        out = [self._improvement_sentence(ui) for ui in self.improvements]
        out.append(
            f"So {here} is {_verdict(self.concept, self.stable)} for {who}"
            + (": every move that would help it is deterred." if self.stable else ".")
        )
        return out

    def _improvement_sentence(self, ui: Improvement) -> str:
        space, s, who = self.space, self.state, self.dm_name
        opening = (
            f"From {state_phrase(space, s)}, {who} would gain by {move_phrase(space, ui.move)},"
            f" moving to {state_phrase(space, ui.target)}"
        )
        concept = self.concept
        if concept == "SEQSIM":
            parts = []
            if ui.sanction is not None:
                parts.append(self._sequential(ui.sanction, credible=True))
            if ui.simultaneous is not None:
                parts.append(self._simultaneous(ui.simultaneous))
            if ui.escapes:
                missing = "sequential" if ui.sanction is None else "simultaneous"
                tail = f"; there is no {missing} sanction, so the move is not deterred (SEQSIM)."
                return opening + (": " + "; ".join(parts) if parts else "") + tail
            return opening + ", but " + "; and ".join(parts) + ", so the move is deterred (SEQSIM)."
        if ui.sanction is not None:
            if concept == "SIM":
                body = self._simultaneous(ui.sanction)
            else:
                body = self._sequential(ui.sanction, credible=concept == "SEQ")
            if concept == "SMR":
                body += self._counter_moves(ui.sanction)
            return f"{opening}, but {body}, so the move is deterred ({concept})."
        if concept == "SMR" and ui.defeated is not None and ui.counter is not None:
            body = self._sequential(ui.defeated, credible=False)
            counter = ui.counter
            return (
                f"{opening}; {body}, but {who} could then counter by"
                f" {move_phrase(space, counter)}, reaching {state_phrase(space, counter.target)},"
                f" which it prefers to state {s + 1}. No sanction survives {who}'s"
                f" counter-moves, so the move is not deterred (SMR)."
            )
        return f"{opening}, and {self._no_sanction()}, so the move is not deterred ({concept})."

    def _others(self) -> str:
        names = [n for i, n in enumerate(self.space.dm_names) if i != self.dm]
        return join_words(names) if names else "nobody else"

    def _no_sanction(self) -> str:
        who, s = self.dm_name, self.state
        if self.concept == "SIM":
            return (
                f"whatever {self._others()} do at the same time (each staying put or making one"
                f" of its own improvements), the result is never a state {who} likes no more"
                f" than state {s + 1}"
            )
        if self.concept == "SEQ":
            return (
                f"no sequence of moves by {self._others()}, each one an improvement for the DM"
                f" making it, leaves {who} no better off than at state {s + 1}"
            )
        return (
            f"no sequence of moves by {self._others()} from there leaves {who} no better off"
            f" than at state {s + 1}"
        )

    def _outcome(self, state: int) -> str:
        space, who, s = self.space, self.dm_name, self.state
        rank = space.ranks[self.dm]
        how = "worse off" if rank[state] < rank[s] else "no better off"
        return f"which leaves {who} {how} than at state {s + 1}"

    def _sequential(self, sanction: Sanction, *, credible: bool) -> str:
        space = self.space
        reached = state_phrase(space, sanction.state)
        steps = sanction.path
        own = ", to its own advantage," if credible else ""
        if len(steps) == 1:
            step = steps[0]
            response = f"{space.dm_names[step.dm]} can then{own} {move_phrase(space, step, 'base')}"
        else:
            each = " each to the advantage of the DM moving" if credible else ""
            chain = ", then ".join(
                f"{space.dm_names[st.dm]} {move_phrase(space, st, 's')}" for st in steps
            )
            response = f"the others can then respond{each}: {chain}"
        return f"{response}, reaching {reached}, {self._outcome(sanction.state)}"

    def _simultaneous(self, sanction: Sanction) -> str:
        space = self.space
        acts = join_words(
            [f"{space.dm_names[st.dm]} {move_phrase(space, st, 's')}" for st in sanction.path]
        )
        return (
            f"if at the same time {acts}, the result is {state_phrase(space, sanction.state)},"
            f" {self._outcome(sanction.state)}"
        )

    def _counter_moves(self, sanction: Sanction) -> str:
        who, s = self.dm_name, self.state
        if not sanction.counter_moves:
            return f", and from there {who} has no counter-move"
        targets = join_words([str(t + 1) for t in sanction.counter_moves])
        plural = "s" if len(sanction.counter_moves) > 1 else ""
        return (
            f", and none of {who}'s counter-moves from there (to state{plural} {targets})"
            f" is better for it than state {s + 1}"
        )


def _verdict(concept: str, stable: bool) -> str:
    name = "Nash stable" if concept == "Nash" else f"{concept}-stable"
    return name if stable else f"not {name}"


@dataclass
class Explanation:
    """Explanations of one state for some decision makers and concepts.

    ``items`` holds one :class:`ConceptExplanation` per (DM, concept), DMs in model order.
    """

    space: StateSpace
    state: int
    items: list[ConceptExplanation]

    @property
    def number(self) -> int:
        """The state's 1-based number."""
        return self.state + 1

    def get(self, dm: str | int, concept: str) -> ConceptExplanation:
        """The explanation for one DM (name or 0-based index) and concept.

        >>> import detente
        >>> e = explain(detente.load_case("prisoners-dilemma"), "NN", "A", ["Nash", "GMR"])
        >>> e.get("A", "Nash").stable, e.get(0, "gmr").stable
        (False, True)
        """
        index = dm_index(self.space, dm)
        name = concept_name(concept)
        for item in self.items:
            if item.dm == index and item.concept == name:
                return item
        raise KeyError((dm, concept))

    def to_json(self) -> dict[str, Any]:
        """The documented JSON contract of ``detente explain --format json``.

        >>> import detente
        >>> data = explain(detente.load_case("prisoners-dilemma"), 1, "B", ["Nash"]).to_json()
        >>> data["state"]
        {'id': 1, 'label': 'NN', 'description': 'no option taken', 'values': [0, 0]}
        >>> [(e["dm"], e["concept"], e["stable"]) for e in data["explanations"]]
        [('B', 'Nash', False)]
        """
        space, s = self.space, self.state
        return {
            "state": {
                "id": s + 1,
                "label": space.label(s),
                "description": describe_state(space, s),
                "values": space.values[s].astype(int).tolist(),
            },
            "explanations": [item.to_json() for item in self.items],
        }

    def to_frame(self):  # -> pandas.DataFrame
        """One row per (DM, concept, improvement); a row with no target when there is none
        (:func:`detente.render.frames.explanation_frame`)."""
        return present(self, "to_frame")

    def text(self) -> str:
        """Every sentence, grouped by decision maker.  A DM without any unilateral
        improvement gets one sentence for all concepts.

        >>> import detente
        >>> e = explain(detente.load_case("prisoners-dilemma"), "NN", "A", ["Nash"])
        >>> print(e.text())  # doctest: +NORMALIZE_WHITESPACE
        From state 1 (no option taken), A would gain by taking A_defects, moving to state 2
        (A_defects), so the state is not Nash stable for A.
        """
        lines = []
        for dm in dict.fromkeys(item.dm for item in self.items):
            items = [item for item in self.items if item.dm == dm]
            if len(items) > 1 and not any(item.improvements for item in items):
                first = items[0].sentences()[0]
                head = first.split(", so the state is ")[0]
                concepts = join_words([item.concept for item in items])
                lines.append(
                    f"{head}, so the state is stable for {items[0].dm_name} under every"
                    f" concept ({concepts})."
                )
                continue
            for item in items:
                lines.extend(item.sentences())
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        return present(self, "_repr_html_")

    def __str__(self) -> str:
        return self.text()


# -- the search for sanctions ----------------------------------------------------------------------
class _Explainer:
    def __init__(self, space: StateSpace, state: int, dm: int) -> None:
        self.space = space
        self.s = state
        self.dm = dm
        self.rank = space.ranks[dm]
        self.n = space.n_states
        self.others = [j for j in range(space.n_dms) if j != dm]
        self._trees: dict[tuple[str, int], Any] = {}

    def moves_from(self, dm: int, state: int, *, improving: bool = False) -> list[int]:
        column = self.space.moves[dm][:, state]
        targets = column[column < self.n]
        if improving:
            targets = targets[self.space.ranks[dm][targets] > self.space.ranks[dm][state]]
        return sorted(int(t) for t in targets)

    def tree(self, kind: str, source: int):
        key = (kind, source)
        if key not in self._trees:
            space = self.space
            if kind == "credible":
                arrays = [improvements(space.moves[j], space.ranks[j]) for j in self.others]
                self._trees[key] = reach_tree(space, self.others, source, arrays)
            else:
                self._trees[key] = reach_tree(space, self.others, source)
        return self._trees[key]

    def sequential(self, kind: str, s1: int, acceptable: np.ndarray) -> Sanction | None:
        """The closest state in the opponents' reach from s1 (``kind`` 'all' or 'credible')
        where ``acceptable`` holds; ties go to the one the DM likes least."""
        tree = self.tree(kind, s1)
        candidates = np.flatnonzero(tree.reached & acceptable)
        if not candidates.size:
            return None
        distance = tree.distance()[candidates]
        order = np.lexsort((candidates, self.rank[candidates], distance))
        s2 = int(candidates[order[0]])
        return Sanction("sequential", s2, tree.path(self.space, s2))

    def simultaneous(self, s1: int) -> Sanction | None:
        """A simultaneous sanction of the DM's move to s1, or None if the move escapes.

        As :func:`detente.analysis.stable_for` decides SIM: moves start from one member
        (feasible combination) m of s; for each of the DM's moves from m to a member of s1,
        the opponents each stay or change their own options from m to a combination whose
        state is one of their UIs from s; the combined combination (the DM's values from its
        move, each opponent's from its choice) must be feasible and its state not preferred
        by the DM to s.  Without merged states s has one member and this is Fang et al.'s
        definition word for word.  The sanction shown is the one for the first member move
        (fewest responders, then the state the DM likes least).
        """
        space, s = self.space, self.s
        member_state = space.member_state
        first: Sanction | None = None
        for m in np.flatnonzero(member_state == s):
            m = int(m)
            column = space.member_moves[self.dm][:, m]
            for m1 in column[column < member_state.size]:
                if member_state[m1] != s1:
                    continue
                sanction = self._simultaneous_from(m, int(m1))
                if sanction is None:
                    return None
                first = first or sanction
        return first

    def _simultaneous_from(self, m: int, m1: int) -> Sanction | None:
        space, s = self.space, self.s
        codes, member_state = space.member_codes, space.member_state
        size = member_state.size
        choices: list[list[int | None]] = []
        for j in self.others:
            column = space.member_moves[j][:, m]
            column = column[column < size]
            better = space.ranks[j][member_state[column]] > space.ranks[j][s]
            choices.append([None, *(int(t) for t in column[better])])
        deltas = [
            np.array([0] + [int(codes[t] - codes[m]) for t in c[1:]], dtype=np.int64)
            for c in choices
        ]
        movers = [np.array([0] + [1] * (len(c) - 1), dtype=np.int64) for c in choices]
        best: tuple[int, int, int, tuple[int, ...]] | None = None
        for prefix, tail in _chunks([len(c) for c in choices]):
            total = np.full(1, int(codes[m1]), dtype=np.int64)
            count = np.zeros(1, dtype=np.int64)
            for j, pick in enumerate(prefix):
                total = total + deltas[j][pick]
                count = count + movers[j][pick]
            for j in range(len(prefix), len(choices)):
                total = (total[:, None] + deltas[j][None, :]).reshape(-1)
                count = (count[:, None] + movers[j][None, :]).reshape(-1)
            member = space.members_of_codes(total) if space.merged else space.states_of_codes(total)
            target = np.where(member >= 0, member_state[np.maximum(member, 0)], -1)
            ok = target >= 0
            ok[ok] &= self.rank[target[ok]] <= self.rank[s]
            hits = np.flatnonzero(ok)
            if not hits.size:
                continue
            order = np.lexsort((hits, self.rank[target[hits]], count[hits]))
            h = int(hits[order[0]])
            key = (int(count[h]), int(self.rank[target[h]]))
            if best is None or key < best[:2]:
                picks = prefix + tuple(int(x) for x in np.unravel_index(h, tail))
                best = (key[0], key[1], int(target[h]), picks)
        if best is None:
            return None
        steps = [
            Step.of(space, j, s, int(member_state[choices[k][pick]]))
            for k, (j, pick) in enumerate(zip(self.others, best[3], strict=True))
            if pick
        ]
        return Sanction("simultaneous", best[2], steps)


def _chunks(sizes: list[int]):
    """Split the product of ``sizes`` into (fixed leading picks, shape of the rest) pieces of
    at most :data:`_SIM_BUDGET` combinations."""
    import itertools

    split = 0
    while split < len(sizes) and int(np.prod(sizes[split:], dtype=np.int64)) > _SIM_BUDGET:
        split += 1
    tail = tuple(sizes[split:])
    for prefix in itertools.product(*(range(k) for k in sizes[:split])):
        yield tuple(prefix), tail


def _explain_one(ex: _Explainer, concept: str) -> ConceptExplanation:
    space, s, dm = ex.space, ex.s, ex.dm
    rank = ex.rank
    moves = ex.moves_from(dm, s)
    uis = [t for t in moves if rank[t] > rank[s]]
    result = ConceptExplanation(space, s, dm, concept, True, moves)
    no_better = rank <= rank[s]
    safe = None
    if concept == "SMR":
        outlook = np.maximum(rank, _best_move(space, dm))
        safe = outlook <= rank[s]
    for t in uis:
        step = Step.of(space, dm, s, t)
        if concept == "Nash":
            ui = Improvement(step, escapes=True)
        elif concept == "GMR":
            sanction = ex.sequential("all", t, no_better)
            ui = Improvement(step, escapes=sanction is None, sanction=sanction)
        elif concept == "SMR":
            assert safe is not None
            sanction = ex.sequential("all", t, safe)
            ui = Improvement(step, escapes=sanction is None, sanction=sanction)
            if sanction is not None:
                sanction.counter_moves = ex.moves_from(dm, sanction.state)
            else:
                defeated = ex.sequential("all", t, no_better)
                if defeated is not None:
                    counters = ex.moves_from(dm, defeated.state)
                    best = max(counters, key=lambda c: (rank[c], -c))
                    ui.defeated = defeated
                    ui.counter = Step.of(space, dm, defeated.state, best)
        elif concept == "SEQ":
            sanction = ex.sequential("credible", t, no_better)
            ui = Improvement(step, escapes=sanction is None, sanction=sanction)
        elif concept == "SIM":
            sanction = ex.simultaneous(t)
            ui = Improvement(step, escapes=sanction is None, sanction=sanction)
        else:  # SEQSIM
            sequential = ex.sequential("credible", t, no_better)
            simultaneous = ex.simultaneous(t)
            ui = Improvement(
                step,
                escapes=sequential is None or simultaneous is None,
                sanction=sequential,
                simultaneous=simultaneous,
            )
        result.improvements.append(ui)
    result.stable = not any(ui.escapes for ui in result.improvements)
    return result


def _best_move(space: StateSpace, dm: int) -> np.ndarray:
    """The best rank DM ``dm`` reaches from each state in one move (very low if none)."""
    return gather_max(space.ranks[dm], space.moves[dm])


def _may_change(space: StateSpace, dm: int, state: int) -> bool:
    """Whether one of ``dm``'s options (not held by a commitment) may change at ``state`` in
    its permitted direction, feasibility aside (a dial's step is at least one level)."""
    for k in space.dm_options[dm]:
        if k in space.held_options:
            continue
        option, value = space.conflict.options[k], int(space.values[state, k])
        if option.direction == "both" or (
            value < option.top if option.direction == "forward" else value > 0
        ):
            return True
    return False


def explain(
    model: Conflict | StateSpace,
    state: Any,
    dm: str | int | None = None,
    concepts: Iterable[str] = DEFAULT_EXPLAIN_CONCEPTS,
) -> Explanation:
    """Why ``state`` is or is not stable, for ``dm`` (a name or 0-based index; default every
    DM) under each of ``concepts``.

    ``state`` is written as in a model file: its 1-based number, its label ('NYNYN') or a
    mapping of every option to its value.

    >>> import detente
    >>> e = explain(detente.load_case("elmira"), 5)  # an equilibrium of every concept
    >>> all(item.stable for item in e.items), len(e.items)  # 3 DMs x 5 default concepts
    (True, 15)
    >>> e = explain(detente.load_case("prisoners-dilemma"), "NN", "A", ["GMR"])
    >>> e.get("A", "GMR").sentences()[-1]
    'So state 1 (no option taken) is GMR-stable for A: every move that would help it is deterred.'
    """
    space = as_space(model)
    s = space.state_index(state)
    names = []
    for concept in concepts:
        name = concept_name(concept)
        if name not in EXPLAIN_CONCEPTS:
            raise DetenteError(f"explanations cover {', '.join(EXPLAIN_CONCEPTS)}, not {name}")
        names.append(name)
    dms = range(space.n_dms) if dm is None else [dm_index(space, dm)]
    items = []
    for i in dms:
        ex = _Explainer(space, s, i)
        items.extend(_explain_one(ex, name) for name in names)
    return Explanation(space, s, items)
