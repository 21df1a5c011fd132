"""``python -m bytetrack_cpp``: the same as the ``bytetrack-cpp`` command."""

import sys

from bytetrack_cpp.cli import main

if __name__ == "__main__":
    sys.exit(main())
