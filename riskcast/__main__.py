"""``python -m riskcast``: the same command line as the ``riskcast`` script."""

from __future__ import annotations

import sys

from riskcast.cli import main

if __name__ == "__main__":
    sys.exit(main())
