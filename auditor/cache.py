"""The per-user cache folder: files derived from what is installed, made once and read by later runs.

Each file is named by a hash of everything it is made of, so a changed input makes a new file
and a stale one is never read. ``AUDITOR_CACHE_DIR`` sets the folder ("" turns the cache off;
default ``~/.cache/auditor``). Files are written whole (a temp file, then a rename), so several
processes may make the same file at once. A file that cannot be read is made again; a folder
that cannot be written only costs the time to make the data each run. When a file is made, the
files of the same kind not modified for ``KEEP_DAYS`` days (other versions' data) are removed.
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

KEEP_DAYS = 30


def folder() -> Path | None:
    """The cache folder (None: caching is off)."""
    root = os.environ.get("AUDITOR_CACHE_DIR")
    if root == "":
        return None
    return Path(root) if root else Path.home() / ".cache" / "auditor"


def path_for(stem: str, key: Any, suffix: str) -> Path | None:
    """``<folder>/<stem>-<hash of repr(key)><suffix>``, the folder made if needed (None: no cache)."""
    base = folder()
    if base is None:
        return None
    try:
        base.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    digest = hashlib.blake2b(repr(key).encode("utf-8"), digest_size=8).hexdigest()
    return base / f"{stem}-{digest}{suffix}"


def write_whole(path: Path, data: bytes) -> None:
    """``data`` into ``path`` through a temp file and a rename; an OSError leaves nothing behind."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, path)
    except OSError:
        tmp.unlink(missing_ok=True)


def pickled(stem: str, key: Any, make: Callable[[], T]) -> T:
    """``make()``, kept pickled in the cache under ``key`` and read back by later runs."""
    return kept(stem, key, make, ".pickle", lambda value: pickle.dumps(value, pickle.HIGHEST_PROTOCOL), pickle.loads)


def kept(
    stem: str, key: Any, make: Callable[[], T], suffix: str, dumps: Callable[[T], bytes], loads: Callable[[bytes], T]
) -> T:
    """``make()``, kept in the cache under ``key`` as ``dumps`` writes it and read back with
    ``loads`` by later runs; a file that cannot be read back is made again."""
    path = path_for(stem, key, suffix)
    if path is not None and path.is_file():
        try:
            return loads(path.read_bytes())
        except (OSError, EOFError, ValueError, TypeError, AttributeError, pickle.UnpicklingError):
            pass  # damaged or from another version: made again below
    value = make()
    if path is not None:
        write_whole(path, dumps(value))
        prune(path.parent, stem, keep=path)
    return value


def prune(base: Path, stem: str, keep: Path) -> None:
    """Remove ``stem`` files other than ``keep`` that were not modified for ``KEEP_DAYS`` days."""
    import time

    cutoff = time.time() - KEEP_DAYS * 86400
    for old in base.glob(f"{stem}-*"):
        try:
            if old != keep and old.stat().st_mtime < cutoff:
                old.unlink()
        except OSError:
            pass  # gone already, or not ours to remove
