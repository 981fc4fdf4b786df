"""The `ecocomp` command's entry point, outside the package so that it runs before ecocomp is imported.

Importing ecocomp takes a while (pandas, pyarrow, the families); the handlers installed here
first make Ctrl-C (SIGINT) or SIGTERM during that time end the process with one line on stderr
and exit 130 (143), never a traceback (nothing has been written yet: there is nothing to clean
up). Once imported, `ecocomp.cli.main.run` takes over: an interrupt raises, the staged outputs
are removed, and the same line and exit code follow. Once the command has ended, its outputs are
published or gone and its exit code is decided: a signal while the interpreter shuts down is
ignored, so it can neither kill the process by the signal nor turn a finished run into 130. The
handlers are installed through the C module `_signal`: `signal` would first import `enum`,
milliseconds without a guard.
"""

import _signal  # type: ignore[import-not-found]  # no stubs: the C half of `signal`
import os

__all__ = ["guard_startup", "ignore_after_the_command", "main"]

LINES: dict[int, bytes] = {
    _signal.SIGINT: b"ecocomp: interrupted\n",
    _signal.SIGTERM: b"ecocomp: terminated\n",
}


def _stop(signum: int, frame: object) -> None:
    """End at once, with the one line: only imports are running."""
    os.write(2, LINES.get(signum, b"ecocomp: stopped\n"))
    os._exit(128 + signum)


def guard_startup() -> None:
    """Until `ecocomp.cli.main.run` takes over, SIGINT and SIGTERM end the process with one line."""
    for number in LINES:
        _signal.signal(number, _stop)


def ignore_after_the_command() -> None:
    """The command has ended: SIGINT and SIGTERM change nothing any more (Python keeps an ignored
    signal ignored while it shuts down, where a handler of its own would fall back to the default)."""
    for number in LINES:
        _signal.signal(number, _signal.SIG_IGN)


def main() -> None:
    """Guard the start-up, run the command line, then let no signal change its outcome."""
    guard_startup()
    from ecocomp.cli.main import run

    try:
        run()
    finally:
        ignore_after_the_command()


if __name__ == "__main__":
    main()
