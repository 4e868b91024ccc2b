"""Size limits every face shares: how large a model detente compiles before refusing it.

They are read once from the environment so that the command line, the workbench and the
Python API refuse the same models, up front, before allocating anything large.
"""

from __future__ import annotations

import os

__all__ = ["DEFAULT_MAX_MEMORY", "DEFAULT_MAX_STATES"]

#: Largest number of option combinations compiled unless told otherwise (``--max-states`` on
#: the command line, or the ``DETENTE_MAX_STATES`` environment variable).
DEFAULT_MAX_STATES = int(os.environ.get("DETENTE_MAX_STATES", 2**23))

#: Memory budget in bytes (``--max-memory`` in GiB, or ``DETENTE_MAX_MEMORY_GB``).
DEFAULT_MAX_MEMORY = float(os.environ.get("DETENTE_MAX_MEMORY_GB", 16)) * 2**30
