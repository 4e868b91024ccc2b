"""The compiled state space: states as integer codes, moves and ranks in numpy arrays.

``state_space`` compiles a :class:`~detente.model.Conflict` into a :class:`StateSpace`.
"""

from .state_space import (
    StateSpace,
    as_space,
    compile_conflict,
    compile_memory_estimate,
    condition_mask,
    dense_rank,
    preference_scores,
    prioritization_scores,
)
from .steps import Change, Step

__all__ = [
    "Change",
    "StateSpace",
    "Step",
    "as_space",
    "compile_conflict",
    "compile_memory_estimate",
    "condition_mask",
    "dense_rank",
    "preference_scores",
    "prioritization_scores",
]
