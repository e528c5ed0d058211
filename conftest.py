"""Root conftest: hypothesis profiles, and the contract suite's plugin (target selection).

Profiles: ``ci`` (chosen when the ``CI`` environment variable is set, as ``.ci/run`` runs) draws the
same examples on every run, so a red CI is reproducible and never a coin toss; ``dev`` (the local
default) draws fresh examples each run to keep exploring. ``HYPOTHESIS_PROFILE`` overrides both.
"""
import os

from hypothesis import HealthCheck, settings

_COMMON = {"deadline": None,
           "suppress_health_check": [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]}
settings.register_profile("ci", derandomize=True, **_COMMON)
settings.register_profile("dev", **_COMMON)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE") or ("ci" if os.environ.get("CI") else "dev"))

pytest_plugins = ["mockaep_contracts.plugin"]
