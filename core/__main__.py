"""`python -m core ...`: the headless command line without any GUI import."""

import sys

from core.cli import main

sys.exit(main())
