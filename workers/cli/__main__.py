"""`python -m workers.cli`: the same as `eventwire`."""

import sys

from workers.cli import main

sys.exit(main())
