"""The outputs of a run as one transaction: every file is staged beside its target, then all are
published together, or none.

`Staging.file` creates a temporary file `.NAME.<random>.tmp` in the target's folder (exclusively:
never an existing file); the writers fill it. `commit` publishes: it makes every staged file
durable (fsync), checks that no target is a folder, then moves each into place (`os.replace`,
atomic per file) and syncs the folders. POSIX has no rename of several files at once: if a move
fails midway, `PublishError` names the targets already replaced and those left as they were.
`discard` removes every staged file not yet published, so after any error (or an interrupt) no
temporary file is left and no target is touched. Signals (SIGINT, SIGTERM) are held while a file
is created, while the files are published and while they are removed, so an interrupt never
leaves half a set.

`check_targets` refuses, before any work, an output that is one of the run's inputs (the same
file by device and inode, so also through symbolic and hard links) and two outputs naming one
file; `Staging(protected=inputs)` refuses the same for every file it stages (e.g. the other
files of a CSV set, known only once the report is made).
"""

from __future__ import annotations

import os
import secrets
import signal
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from ecocomp.errors import DataError, UsageError

__all__ = ["OutputError", "PublishError", "Staging", "check_targets", "held_signals", "same_file"]

HELD = (signal.SIGINT, signal.SIGTERM)


class OutputError(DataError):
    """An output cannot be written (full disk, no permission, ...): names the target, never the
    temporary file; the CLI exits 1."""

    def __init__(self, target: Path, reason: OSError | str) -> None:
        self.target = target
        self.reason = reason if isinstance(reason, str) else (reason.strerror or str(reason))
        super().__init__(self._message())

    def _message(self) -> str:
        return f"cannot write {self.target}: {self.reason}"


class PublishError(OutputError):
    """A move into place failed after others succeeded: `replaced` were published, `kept` not."""

    def __init__(self, target: Path, reason: OSError, replaced: Sequence[Path], kept: Sequence[Path]) -> None:
        self.replaced = tuple(replaced)
        self.kept = tuple(kept)
        super().__init__(target, reason)

    def _message(self) -> str:
        done = ", ".join(map(str, self.replaced))
        rest = ", ".join(map(str, self.kept)) or "none"
        return (
            f"cannot move {self.target} into place: {self.reason}; the outputs of this run are "
            f"incomplete: already replaced: {done}; left as they were: {rest}"
        )


class Staging:
    """Temporary files beside their targets, published together by `commit` or removed by `discard`."""

    def __init__(self, protected: Iterable[Path] = ()) -> None:
        self._pending: list[tuple[Path, Path]] = []
        self._protected = [(p, _identity(p)) for p in protected]

    @property
    def targets(self) -> list[Path]:
        """The targets staged so far, in order."""
        return [target for _, target in self._pending]

    def file(self, target: Path) -> Path:
        """A new empty temporary file in `target`'s folder; write it, `commit` moves it to `target`."""
        if any(same_file(t, target) for _, t in self._pending):
            raise UsageError(f"two outputs of this run would both be written to {target}")
        for source, identity in self._protected:
            if _identity(target) == identity:
                raise UsageError(f"cannot write {target}: it is {source}, an input of this run")
        temp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
        with held_signals():
            try:
                os.close(os.open(temp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
            except OSError as exc:
                raise OutputError(target, exc) from None
            self._pending.append((temp, target))
        return temp

    @contextmanager
    def writing(self, target: Path) -> Iterator[Path]:
        """`file(target)`, with an OSError raised while the block writes it reported as an
        `OutputError` naming `target`."""
        temp = self.file(target)
        try:
            yield temp
        except OSError as exc:
            raise OutputError(target, exc) from None

    def commit(self, only: Collection[Path] | None = None) -> list[Path]:
        """Publish every staged file (with `only`, just those targets; the others are removed);
        return the targets in the order they were staged."""
        with held_signals():
            if only is not None:
                self._drop([(t, d) for t, d in self._pending if d not in only])
            for temp, target in self._pending:
                _sync(temp, target)
            done: list[Path] = []
            while self._pending:
                temp, target = self._pending[0]
                try:
                    os.replace(temp, target)
                except OSError as exc:
                    kept = [t for _, t in self._pending]
                    self.discard()
                    if not done:
                        raise OutputError(target, exc) from None
                    raise PublishError(target, exc, done, kept) from None
                done.append(self._pending.pop(0)[1])
            _sync_folders(done)
        return done

    def discard(self) -> None:
        """Remove every temporary file not yet moved into place."""
        with held_signals():
            self._drop(list(self._pending))

    def _drop(self, entries: list[tuple[Path, Path]]) -> None:
        for entry in entries:
            entry[0].unlink(missing_ok=True)
            self._pending.remove(entry)


def check_targets(outputs: Sequence[tuple[str, Path | None]], inputs: Iterable[Path | None]) -> None:
    """Refuse (`UsageError`) an output that is an input of the run, or two outputs naming the
    same file; `outputs` are (option, path) pairs, e.g. ("--issues-out", Path("issues.csv"))."""
    given = [(option, path) for option, path in outputs if path is not None]
    sources = [path for path in inputs if path is not None]
    for i, (option, path) in enumerate(given):
        for source in sources:
            if same_file(path, source):
                raise UsageError(
                    f"{option} {path} is the input {source} of this run: writing it would replace "
                    "the input; choose another file name"
                )
        for other, earlier in given[:i]:
            if same_file(path, earlier):
                raise UsageError(
                    f"{other} {earlier} and {option} {path} name the same file; give each output its own"
                )


def same_file(a: Path, b: Path) -> bool:
    """Whether two paths are one file: the same device and inode when both exist (through
    symbolic and hard links), else the same path once links and `..` are resolved."""
    return _identity(a) == _identity(b)


def _identity(path: Path) -> tuple[object, ...]:
    try:
        found = path.stat()
    except OSError:
        return ("path", os.path.realpath(path))
    return ("inode", found.st_dev, found.st_ino)


@contextmanager
def held_signals() -> Iterator[None]:
    """SIGINT and SIGTERM held back (delivered when the block ends), where the OS allows it."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, HELD)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def _sync(temp: Path, target: Path) -> None:
    """Make a staged file durable before anything is published; a folder in the way is refused."""
    if target.is_dir():
        raise OutputError(target, "it is a folder")
    try:
        handle = os.open(temp, os.O_RDONLY)
        try:
            os.fsync(handle)
        finally:
            os.close(handle)
    except OSError as exc:
        raise OutputError(target, exc) from None


def _sync_folders(targets: Sequence[Path]) -> None:
    """Make the moves durable: sync each folder written to (best effort: not every system can)."""
    for folder in dict.fromkeys(t.parent for t in targets):
        try:
            handle = os.open(folder, os.O_RDONLY)
        except OSError:
            continue
        try:
            os.fsync(handle)
        except OSError:
            pass
        finally:
            os.close(handle)
