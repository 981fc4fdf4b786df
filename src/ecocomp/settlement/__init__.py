"""The settlement: one run over every family a year needs, one report."""
