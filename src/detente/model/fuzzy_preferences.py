"""Fuzzy preferences of one decision maker (Bashar, Kilgour & Hipel 2012, "Fuzzy
preferences in the graph model for conflict resolution", IEEE Trans. Fuzzy Systems 20(4)).

A DM with fuzzy preferences has a fuzzy preference relation r(a, b) in [0, 1] (the degree to
which it prefers a to b, r(a, b) + r(b, a) = 1) and a fuzzy satisficing threshold: a move
is a fuzzy unilateral improvement when the fuzzy relative strength of preference
r(s1, s) - r(s, s1) reaches the threshold.  detente stores no n x n relation: it takes the
additively consistent relation r(a, b) = (1 + u(a) - u(b)) / 2 (Tanino 1984, "Fuzzy
preference orderings in group decision making", Fuzzy Sets and Systems 12) where the fuzzy
degree u of a state is the DM's preference score scaled to [0, 1]: payoffs give the degrees
directly, a ranking or a prioritization spaces them by its scores.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class FuzzyPreferences(BaseModel):
    """``fuzzy:`` under a decision maker: its fuzzy satisficing threshold."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    threshold: float = Field(
        gt=0,
        le=1,
        description="Fuzzy satisficing threshold in (0, 1]: a move is a fuzzy improvement"
        " when its fuzzy relative strength of preference u(s1) - u(s) reaches it",
    )
