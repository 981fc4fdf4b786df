"""Start-up time of the `ecocomp` command (issue 16, point 4): what a user waits for before a command
does anything.

Runs each of `ecocomp --help`, `--version`, `settle --help`, `tariffs list` and `fund --help` N times,
each in a fresh process through the console script's entry (`ecocomp_entry:main`), and prints the
median wall time; then runs each once more under `python -X importtime` and prints its 10 imports of
largest cumulative time (an import's own time plus that of everything it imported first).

    python benchmarks/startup.py              # 15 runs of each
    python benchmarks/startup.py -n 31
    python benchmarks/startup.py --src DIR    # another source tree (e.g. an older checkout's src/)

The goal (issue 16): `ecocomp --help` under 0.3 s. Timing is proved here, never in a unit test;
tests/test_startup_imports.py checks instead, deterministically, that these commands import
neither pandas nor pyarrow nor numpy.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

#: What the `ecocomp` console script runs (pyproject [project.scripts]), as its generated wrapper does.
CONSOLE_SCRIPT = "import sys; from ecocomp_entry import main; sys.exit(main())"
COMMANDS: tuple[tuple[str, ...], ...] = (
    ("--help",),
    ("--version",),
    ("settle", "--help"),
    ("tariffs", "list"),
    ("fund", "--help"),
)
TOP = 10


def environment(src: Path | None) -> dict[str, str]:
    """The environment of every run: only the shipped tables (no $ECOCOMP_TARIFFS), and `src` first
    on the path when given."""
    env = {**os.environ, "ECOCOMP_TARIFFS": ""}
    if src is not None:
        paths = [str(src.resolve()), *filter(None, [env.get("PYTHONPATH")])]
        env["PYTHONPATH"] = os.pathsep.join(paths)
    return env


def wall_seconds(args: tuple[str, ...], env: dict[str, str]) -> float:
    """Seconds one fresh `ecocomp ARGS` process takes, start to exit (output discarded)."""
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-c", CONSOLE_SCRIPT, *args], env=env, stdout=subprocess.DEVNULL, check=True
    )
    return time.perf_counter() - start


def medians(runs: int, env: dict[str, str]) -> dict[tuple[str, ...], float]:
    """The median wall time of each command, the commands interleaved round by round (so a busy
    moment of the machine falls on all of them alike)."""
    times: dict[tuple[str, ...], list[float]] = {args: [] for args in COMMANDS}
    for _ in range(runs):
        for args in COMMANDS:
            times[args].append(wall_seconds(args, env))
    return {args: statistics.median(found) for args, found in times.items()}


def imports(args: tuple[str, ...], env: dict[str, str]) -> list[tuple[int, int, str]]:
    """Every import of one `python -X importtime` run of the command, largest cumulative time
    first: (cumulative µs, own µs, module)."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", CONSOLE_SCRIPT, *args],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        check=True,
    )
    rows = []
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        own, cumulative, name = line.removeprefix("import time:").split("|")
        rows.append((int(cumulative), int(own), name.strip()))
    return sorted(rows, reverse=True)


def heavy(rows: list[tuple[int, int, str]]) -> str:
    """Which of pandas, pyarrow and numpy were imported ("none" when none was)."""
    names = {name for _, _, name in rows}
    return ", ".join(name for name in ("pandas", "pyarrow", "numpy") if name in names) or "none"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("-n", "--runs", type=int, default=15, help="Runs of each command (default 15).")
    parser.add_argument("--src", type=Path, help="Run this source tree's ecocomp (put first on the path).")
    options = parser.parse_args()
    env = environment(options.src)
    found = medians(options.runs, env)
    loaded = {args: imports(args, env) for args in COMMANDS}
    print(f"median wall time of {options.runs} fresh processes each (python {sys.version.split()[0]})")
    print(f"{'command':<26} {'median s':>9}  heavy imports")
    for args, seconds in found.items():
        print(f"{'ecocomp ' + ' '.join(args):<26} {seconds:>9.3f}  {heavy(loaded[args])}")
    for args, rows in loaded.items():
        print(f"\necocomp {' '.join(args)}: top {TOP} cumulative imports (ms cumulative / own)")
        for cumulative, own, name in rows[:TOP]:
            print(f"  {cumulative / 1000:>8.1f} {own / 1000:>7.1f}  {name}")


if __name__ == "__main__":
    main()
