"""The stability engine: pure, vectorised functions over move arrays and ranks.

It imports nothing from the interfaces (CLI, web, report); they import it.
"""

from .arrays import gather_max, gather_min, improvements
from .reach import coalition_reach_min
from .stability import gmr_stable, nash_stable, seq_stable, sim_stable, smr_stable

__all__ = [
    "coalition_reach_min",
    "gather_max",
    "gather_min",
    "gmr_stable",
    "improvements",
    "nash_stable",
    "seq_stable",
    "sim_stable",
    "smr_stable",
]
