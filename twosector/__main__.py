"""``python -m twosector`` runs the command line."""

import sys

from twosector.cli import main

sys.exit(main())
