"""Run the per-document stages: find files, read, parse. Errors on one file never stop a batch.

``collect`` expands the paths given on the command line; ``load`` turns one file
into a Department (or raises InputError); ``load_all`` does it for many files,
yielding ``(path, Department | InputError)`` in input order.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from auditor.errors import InputError
from auditor.model import Department

# Files we never treat as documents when walking a folder.
_SKIP_NAMES = {".DS_Store", "Thumbs.db", "audit.toml"}


def collect(paths: Iterable[str | Path]) -> list[Path]:
    """Files named directly, plus every file under named folders (recursive, sorted)."""
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                if child.name in _SKIP_NAMES or child.name.startswith((".", "~$")):
                    continue
                found.append(child)
        else:
            found.append(path)
    return found


def load(path: Path) -> Department:
    """Read and parse one document. Raises InputError with a reason a reviewer understands."""
    from auditor.parse import parse_blocks
    from auditor.read import read_blocks

    blocks, info = read_blocks(path)
    return parse_blocks(blocks, source=path.name, path=str(path), info=info)


def load_one(path: Path) -> Department | InputError:
    """``load`` that returns the InputError instead of raising it."""
    try:
        return load(path)
    except InputError as err:
        return err


def load_all(paths: list[Path], jobs: int = 1) -> Iterator[tuple[Path, Department | InputError]]:
    """Load every file, in input order."""
    for path in paths:
        yield path, load_one(path)
