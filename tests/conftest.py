"""Shared pytest configuration.

Hypothesis profiles (choose with ``HYPOTHESIS_PROFILE=<name>``):

* ``dev`` (default): hypothesis' defaults, fresh random examples on every run;
* ``ci`` (default when the CI environment variable is set): derandomized and without the
  example database, so a run is reproducible.
"""

from __future__ import annotations

import os

from hypothesis import settings

settings.register_profile("dev", print_blob=True)
settings.register_profile("ci", derandomize=True, database=None, print_blob=True)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
