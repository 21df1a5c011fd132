import bytetrack_cpp

# Guard against importing the source tree instead of the installed package
# (e.g. `python -m pytest` from the repository root puts the source first).
if not hasattr(bytetrack_cpp, "BYTETracker"):
    raise ImportError("bytetrack_cpp native module not found: install the package (pip install .[test]) and run `pytest`")

# Property-test budgets: HYPOTHESIS_PROFILE=ci (the default under CI) runs 2,000
# examples per test, "dev" 200.
import os

from hypothesis import HealthCheck, settings

settings.register_profile("ci", max_examples=2000, deadline=None, suppress_health_check=list(HealthCheck))
settings.register_profile("dev", max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci" if os.environ.get("CI") else "dev"))
