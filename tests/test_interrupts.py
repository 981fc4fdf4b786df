"""Interrupts in real processes (issue 14, points 4 and 6): SIGTERM or Ctrl-C while a large output
is being written leaves no temporary file and no output; Ctrl-C at any moment, even while the
`ecocomp` command is still importing its libraries, exits 130 with one line and no traceback."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BILLS = 300_000  # about 125 MB of bill lines as CSV: seconds of writing to interrupt
ENV = {**os.environ, "ECOCOMP_TARIFFS": "", "PYTHONPATH": str(ROOT / "src")}
#: What the `ecocomp` console script runs (pyproject [project.scripts]), as its generated wrapper does.
CONSOLE_SCRIPT = "import sys; from ecocomp_entry import main; sys.exit(main())"


@pytest.fixture(scope="module")
def ledgers(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A synthetic province's bills and ratings (benchmarks/surcharge.py writes them)."""
    folder = tmp_path_factory.mktemp("big")
    subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "surcharge.py"), "--make", str(folder), str(BILLS)],
        env=ENV,
        check=True,
        capture_output=True,
    )
    return folder


def _wait_for_staged(folder: Path, child: subprocess.Popen[bytes], timeout: float = 300) -> Path:
    """The staged lines file once it holds some data (the child is then writing it)."""
    end = time.monotonic() + timeout
    while time.monotonic() < end and child.poll() is None:
        staged = [p for p in folder.glob(".lines.csv.*.tmp") if p.stat().st_size > 1 << 20]
        if staged:
            return staged[0]
        time.sleep(0.01)
    child.kill()
    raise AssertionError(f"the run ended or never wrote: {child.communicate()}")


@pytest.mark.slow
@pytest.mark.parametrize(
    ("number", "code", "line"),
    [(signal.SIGTERM, 143, "ecocomp: terminated"), (signal.SIGINT, 130, "ecocomp: interrupted")],
)
def test_a_signal_mid_write_leaves_no_temporary_file_and_no_output(
    ledgers: Path, tmp_path: Path, number: int, code: int, line: str
) -> None:
    out = tmp_path / "out"
    out.mkdir()
    args = ["surcharge", str(ledgers / "bills.parquet"), str(ledgers / "ratings.parquet")]
    outputs = ["-o", str(out / "lines.csv"), "-o", str(out / "summary.json")]
    child = subprocess.Popen(
        [sys.executable, "-m", "ecocomp", *args, *outputs],
        env=ENV,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    _wait_for_staged(out, child)
    child.send_signal(number)
    _, stderr = child.communicate(timeout=120)
    assert child.returncode == code, stderr
    assert stderr.decode("utf-8").splitlines() == [line]
    assert list(out.iterdir()) == []  # no temporary file, no lines.csv, no summary.json


def _fastest(code: str) -> float:
    """Seconds a fresh interpreter takes to run `code`: the fastest of three, on this machine now."""
    runs = []
    for _ in range(3):
        start = time.monotonic()
        subprocess.run([sys.executable, "-c", code], env=ENV, check=True)
        runs.append(time.monotonic() - start)
    return min(runs)


def _start_up_seconds() -> tuple[float, float]:
    """(guarded, full): the seconds until `ecocomp_entry` has installed its guard, and until the
    imports of the command line are done. The delays below fall between the two: before the
    guard, Python itself is starting, and no program can answer a signal there. Measured, not
    fixed: a fixed delay would land after the start-up, even after the whole run, on a faster
    machine."""
    guarded = _fastest("import ecocomp_entry; ecocomp_entry.guard_startup()")
    return guarded, max(guarded, _fastest("import ecocomp_entry, ecocomp.cli.main"))


@pytest.mark.slow
@pytest.mark.parametrize("fraction", [0.05, 0.3, 0.6, 0.9])
def test_ctrl_c_during_start_up_exits_130_with_one_line(tmp_path: Path, fraction: float) -> None:
    out = tmp_path / "settlement.json"
    guarded, start_up = _start_up_seconds()
    child = subprocess.Popen(
        [sys.executable, "-c", CONSOLE_SCRIPT, "settle", "--example", "suzhou-2018", "-o", str(out)],
        env=ENV,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    time.sleep(guarded + (start_up - guarded) * fraction)
    assert child.poll() is None, "the run ended before it could be interrupted"
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=120)
    text = stderr.decode("utf-8")
    assert "Traceback" not in text
    assert child.returncode == 130, text
    assert text.splitlines() == ["ecocomp: interrupted"]
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("number", [signal.SIGINT, signal.SIGTERM])
def test_a_signal_after_the_command_has_ended_changes_nothing(number: int) -> None:
    """While the interpreter shuts down (here: in an exit handler) a signal neither kills the
    process by the signal (exit -2) nor turns the finished command into 130 (143)."""
    late = f"import atexit, os; atexit.register(lambda: os.kill(os.getpid(), {int(number)})); "
    done = subprocess.run(
        [sys.executable, "-c", late + CONSOLE_SCRIPT, "--version"],
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert (done.returncode, done.stderr) == (0, ""), done.stderr
    assert done.stdout.startswith("ecocomp ")


def test_the_console_script_is_the_entry_module_which_the_wheel_ships() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert project["project"]["scripts"]["ecocomp"] == "ecocomp_entry:main"
    included = project["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert included["src/ecocomp_entry.py"] == "ecocomp_entry.py"


def test_python_m_ecocomp_runs_through_the_same_entry() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "ecocomp", "--version"], env=ENV, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.startswith("ecocomp "), done.stderr
