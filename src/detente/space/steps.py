"""One step of a path through the state space: who moves, from which state to which, and
what changes.  Paths, coalition routes, explanations and strategies all speak in these.

>>> import detente
>>> space = detente.compile_conflict(detente.load_case("chicken"))
>>> step = Step(("A",), 0, 1, "unilateral improvement", (Change("A_defects", 0, 1),))
>>> step.to_json(space)["to"]
2
>>> step.text(space)
'A: A_defects N→Y'
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..words import changes_text

if TYPE_CHECKING:
    from .state_space import StateSpace

__all__ = ["Change", "Step"]


@dataclass(frozen=True)
class Change:
    """One option's value before and after a step."""

    option: str
    before: int
    after: int


@dataclass(frozen=True)
class Step:
    """One step of a path: who moves, from which state to which, and what changes.

    ``before``/``after`` are 0-based state indices; users see them plus one.
    """

    mover: tuple[str, ...]
    before: int
    after: int
    kind: str
    changes: tuple[Change, ...]

    def to_json(self, space: StateSpace) -> dict[str, Any]:
        return {
            "mover": list(self.mover),
            "kind": self.kind,
            "from": self.before + 1,
            "from_label": space.label(self.before),
            "to": self.after + 1,
            "to_label": space.label(self.after),
            "changes": [
                {"option": c.option, "from": c.before, "to": c.after} for c in self.changes
            ],
        }

    def text(self, space: StateSpace) -> str:
        """``LG: Insist N→Y`` (who moves and what changes)."""
        return f"{'+'.join(self.mover)}: {changes_text(space, self.changes)}"

