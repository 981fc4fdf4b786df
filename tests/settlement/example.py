"""Running `ecocomp settle` in the settlement tests, and serving it a settlement already computed.

`serving(settlement)`: the command runs as a user runs it (config lookup, report, options,
writers, messages); only its call to `run_settlement` is answered with `settlement`, after
checking that the command asked for the shipped example's config and no other tariff folder.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from typer.testing import CliRunner

from ecocomp.cli.main import app
from ecocomp.examples import example_config
from ecocomp.settlement.run import Settlement

ENV = {"ECOCOMP_TARIFFS": ""}
EXAMPLE_NAME = "suzhou-2018"
FORMATS = ("xlsx", "json", "csv", "parquet")


def settle(*args: str) -> tuple[int, str]:
    """`ecocomp settle ARGS`: the exit code and what the user sees."""
    result = CliRunner().invoke(app, ["settle", *args], env=ENV)
    return result.exit_code, result.output


@contextmanager
def serving(settlement: Settlement) -> Iterator[None]:
    """Within: `ecocomp settle --example suzhou-2018` gets `settlement` instead of computing it."""
    command = importlib.import_module("ecocomp.cli.settle")
    config = example_config(EXAMPLE_NAME)

    def served(
        path: Path,
        *,
        tariff_dirs: tuple[Path, ...] = (),
        require: str | None = None,
        with_range: bool = False,
    ) -> Settlement:
        wanted = (path, tariff_dirs, require, with_range)
        assert wanted == (config, (), None, False), "the command asked for another settlement"
        return settlement

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(command, "run_settlement", served)
        yield


def export(settlement: Settlement, out: Path, *options: str) -> Path:
    """`ecocomp settle --example suzhou-2018 -o OUT OPTIONS`, served `settlement`."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with serving(settlement):
        code, output = settle("--example", EXAMPLE_NAME, "-o", str(out), *options)
    assert code == 0, output
    assert f"wrote {out}" in output
    return out
