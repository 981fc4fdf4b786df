"""Start-up imports (issue 16, point 4): the command's help, its version and the commands that need
no ledger import neither pandas nor pyarrow nor numpy, nor the families' computations; the public API
stays whole while it is imported lazily. Which modules are loaded is checked, never how long it takes
(benchmarks/startup.py measures that)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import ecocomp

ROOT = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "ECOCOMP_TARIFFS": "", "PYTHONPATH": str(ROOT / "src")}
HEAVY = ("pandas", "pyarrow", "numpy")
#: The modules that compute (and so read frames): none is needed to list the commands.
COMPUTE = (
    "ecocomp.families.fund.compute",
    "ecocomp.families.surcharge.compute",
    "ecocomp.families.water.compute",
    "ecocomp.families.run",
    "ecocomp.ledgers.ledger",
)
#: Run the `ecocomp` console script's entry with the arguments given, then, as the process exits,
#: print as JSON which of `watched` were imported.
PROBE = """
import atexit, json, sys
watched = json.loads(sys.argv.pop(1))
def said():
    loaded = sorted(m for m in watched if m in sys.modules or any(k.startswith(m + ".") for k in sys.modules))
    sys.__stdout__.write("\\nLOADED " + json.dumps(loaded) + "\\n")
atexit.register(said)
from ecocomp_entry import main
sys.argv[0] = "ecocomp"
sys.exit(main())
"""


def loaded_by(*args: str) -> tuple[int, list[str]]:
    """The exit code of `ecocomp ARGS` in a fresh process, and which heavy or computing modules it loaded."""
    watched = json.dumps([*HEAVY, *COMPUTE])
    done = subprocess.run(
        [sys.executable, "-c", PROBE, watched, *args], env=ENV, capture_output=True, text=True, check=False
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("LOADED "))
    return done.returncode, json.loads(line.removeprefix("LOADED "))


@pytest.mark.parametrize(
    "args",
    [
        ("--help",),
        ("--version",),
        ("settle", "--help"),
        ("fund", "--help"),
        ("water", "--help"),
        ("surcharge", "--help"),
        ("ledger", "check", "--help"),
        ("tariffs", "--help"),
        ("tariffs", "list"),
    ],
)
def test_a_command_that_reads_no_ledger_imports_no_frame_library(args: tuple[str, ...]) -> None:
    code, loaded = loaded_by(*args)
    assert (code, loaded) == (0, [])


def test_the_probe_sees_a_command_that_does_import_them() -> None:
    """The check above can fail: a run that reads a ledger loads pandas and the reading modules."""
    emissions = ROOT / "examples" / "suzhou-2018" / "emissions.csv"
    code, loaded = loaded_by("ledger", "check", "emissions", str(emissions))
    assert code == 0
    assert {"pandas", "pyarrow", "ecocomp.ledgers.ledger"} <= set(loaded)


def test_importing_ecocomp_imports_no_frame_library() -> None:
    probe = f"import sys, ecocomp; print(sorted(m for m in {HEAVY!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], env=ENV, capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_every_public_name_is_lazy_and_resolves_to_its_own_module() -> None:
    lazy = ecocomp._LAZY
    assert set(lazy) <= set(ecocomp.__all__)
    assert set(ecocomp.__all__) - set(lazy) <= set(vars(ecocomp))  # the rest are imported eagerly
    for name, module in lazy.items():
        assert getattr(ecocomp, name) is getattr(__import__(module, fromlist=[name]), name), name


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no_such_name"):
        ecocomp.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        exec("from ecocomp import no_such_name", {})


def test_from_ecocomp_import_works_for_every_public_name_in_a_fresh_process() -> None:
    names = ", ".join(ecocomp.__all__)
    probe = f"from ecocomp import {names}; print('ok')"
    done = subprocess.run([sys.executable, "-c", probe], env=ENV, capture_output=True, text=True, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr
