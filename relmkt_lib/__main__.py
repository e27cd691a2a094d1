"""``python -m relmkt_lib``: the ``relmkt`` command (``report``, ``churn``)."""

import sys

from ._cli import main

sys.exit(main())
