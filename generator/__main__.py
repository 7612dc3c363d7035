"""`python -m generator` runs the `pdp` command."""

from .cli import main

main()
