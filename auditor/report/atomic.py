"""Write output files whole or not at all (temp file in the same folder, then rename)."""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from auditor.safe import bounded


def publish(tmp: str, target: Path) -> None:
    """Give the finished temp file normal permissions (mkstemp makes it 0600) and move it in place."""
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o666 & ~umask)
    os.replace(tmp, target)


@contextlib.contextmanager
def atomic_open(path: str | Path | None, mode: str = "w", encoding: str | None = "utf-8") -> Iterator[IO]:
    """Open ``path`` for writing so readers never see a partial file.

    ``None`` or ``"-"`` means standard output (text modes only). On any exception
    the temporary file is removed and the target is left untouched.
    """
    if path is None or str(path) == "-":
        if "b" in mode:
            yield sys.stdout.buffer
        else:
            yield sys.stdout
        return
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{bounded(target.name, 160)}.", suffix=".part", dir=target.parent)
    kwargs = {} if "b" in mode else {"encoding": encoding, "newline": ""}
    try:
        with os.fdopen(fd, mode, **kwargs) as handle:
            yield handle
        publish(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_whole(path: str | Path, data: bytes) -> None:
    """``data`` into ``path`` whole or not at all: ``atomic_open`` for one write, with less
    ceremony (hundreds of scorecards and letters a run). The folder must exist."""
    target = os.fspath(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{bounded(os.path.basename(target), 160)}.", suffix=".part",
                               dir=os.path.dirname(target) or ".")  # fmt: skip
    try:
        with open(fd, "wb") as handle:
            handle.write(data)
        publish(tmp, Path(target))
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise
