"""``python -m callfloor`` runs the CLI."""

from callfloor.cli import main

main()
