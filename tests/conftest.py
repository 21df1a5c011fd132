import bytetrack_cpp

# Guard against importing the source tree instead of the installed package
# (e.g. `python -m pytest` from the repository root puts the source first).
if not hasattr(bytetrack_cpp, "BYTETracker"):
    raise ImportError("bytetrack_cpp native module not found: install the package (pip install .[test]) and run `pytest`")
