"""`python -m ecocomp` runs the command-line interface."""

from ecocomp.cli.main import run

run()
