"""`python -m ntboot ...` is the `ntboot` command."""
import sys

from .cli import main

sys.exit(main())
