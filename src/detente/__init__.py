"""detente: analyse negotiations with difficult partners.

The Graph Model for Conflict Resolution (GMCR) in Python: model a conflict in option form,
compile it to a state space of integer codes, and ask which states are stable, for whom and
under which solution concept.

>>> import detente
>>> result = detente.analyze(detente.load_case("chicken"))
>>> [result.space.label(s) for s in result.equilibria("GMR")]
['NN', 'YN', 'NY']
"""

from .analyses.presenting import register as _register_renderers
from .analyses.stability import CONCEPTS, StabilityResult, analyze, concept_name, stable_for
from .cases import list_cases, load_case
from .errors import DetenteError, ModelError, SizeLimitError
from .io import dump_model, load_model, parse_model
from .model.conflict import (
    Alternative,
    Condition,
    Conflict,
    DecisionMaker,
    Option,
    Outcome,
    Perception,
    Preferences,
    Strategy,
    UncertainOrder,
)
from .render import RENDERERS as _RENDERERS
from .space.state_space import StateSpace, compile_conflict

# The results' to_frame(), _repr_html_(), draw()... find their renderers (detente.render, a
# floor above the analyses) here, before any of them can be called.
_register_renderers(_RENDERERS)

__version__ = "0.1.0"

__all__ = [
    "CONCEPTS",
    "Alternative",
    "Condition",
    "Conflict",
    "DecisionMaker",
    "DetenteError",
    "ModelError",
    "Option",
    "Outcome",
    "Perception",
    "Preferences",
    "SizeLimitError",
    "StabilityResult",
    "StateSpace",
    "Strategy",
    "UncertainOrder",
    "__version__",
    "analyze",
    "compile_conflict",
    "concept_name",
    "dump_model",
    "list_cases",
    "load_case",
    "load_model",
    "parse_model",
    "stable_for",
]
