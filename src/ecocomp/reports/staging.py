"""Atomic report files: each is written to a temporary name beside its target, then moved into place.

`Staging` hands out the temporary files and, on `commit`, replaces every target (each one
atomically, one after the other); `discard` removes whatever was not committed, so after an error
an older report stays as it was.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ecocomp.errors import UsageError

__all__ = ["Staging"]


class Staging:
    """Temporary files beside their targets, moved into place together only on success."""

    def __init__(self) -> None:
        self._pending: list[tuple[Path, Path]] = []

    def file(self, target: Path) -> Path:
        """A new empty temporary file in `target`'s folder; write it, `commit` moves it to `target`."""
        if any(t == target for _, t in self._pending):
            raise UsageError(f"two parts of the report would both be written to {target}")
        temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
        self._pending.append((temp, target))
        return temp

    def commit(self) -> list[Path]:
        """Move every temporary file into place; return the targets in the order they were staged."""
        for temp, target in self._pending:
            os.replace(temp, target)
        done = [target for _, target in self._pending]
        self._pending.clear()
        return done

    def discard(self) -> None:
        """Remove every temporary file not yet moved into place."""
        for temp, _ in self._pending:
            temp.unlink(missing_ok=True)
        self._pending.clear()
