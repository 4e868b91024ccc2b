"""The model side of per-DM solution concepts: each DM's optional ``concept:`` field.

GMCR II (Fang, Hipel, Kilgour & Peng 2003, IEEE Trans. SMC-C 33(1)) analyses each decision
maker under a solution concept of its own; ``concept: SEQ`` on a decision maker records
that choice in the ``detente/1`` file.  The name itself is checked when the model is
analysed (the concept names live with the analyses, :mod:`detente.analyses.stability`);
here we only require that the field is given to every DM or to none, so that "each DM
under its own concept" always means something.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import ModelError

CONCEPT_FIELD = (
    "This DM's own solution concept (Nash, GMR, SMR, SEQ, SIM, SEQSIM, L<h>, NM, ...): with"
    " one on every DM, the 'per-DM' concept finds the states stable for each DM under its"
    " own concept (GMCR II's per-DM analysis). Give it to every DM or to none."
)


def check_own_concepts(decision_makers: Sequence[Any]) -> None:
    """Every DM has a ``concept:`` or none does; else a located error at the first gap.

    >>> from types import SimpleNamespace as DM
    >>> check_own_concepts([DM(concept="SEQ"), DM(concept=None)])  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    detente.errors.ModelError: decision_makers[1].concept: this DM has no concept: ...
    """
    given = [dm.concept is not None for dm in decision_makers]
    if any(given) and not all(given):
        raise ModelError(
            "this DM has no concept: give every decision maker one (others do), or none",
            ("decision_makers", given.index(False), "concept"),
        )
