"""The examples shipped with ecocomp (inside the package), so `ecocomp settle --example NAME`
works on a fresh installation with no files of the user's own."""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from ecocomp.errors import UsageError

__all__ = ["example_config", "examples_dir"]


def examples_dir() -> Path:
    """The shipped examples: inside the installed package, else the source tree."""
    packaged = Path(str(files("ecocomp"))) / "_examples"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "examples"


def example_config(name: str) -> Path:
    """The settle config of a shipped example; `UsageError` listing the known ones."""
    folder = examples_dir()
    known = sorted(p.parent.name for p in folder.glob("*/settle.toml"))
    if name not in known:
        raise UsageError(f"no shipped example {name!r}; known: {', '.join(known) or 'none'}")
    return folder / name / "settle.toml"
