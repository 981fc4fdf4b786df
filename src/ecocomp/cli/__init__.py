"""The command-line interface: thin typer commands over the library (exit 0 ok, 1 bad data, 2 bad usage)."""
