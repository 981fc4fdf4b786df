"""`python -m ecocomp` runs the command-line interface, as the `ecocomp` command does."""

from ecocomp_entry import main

main()
