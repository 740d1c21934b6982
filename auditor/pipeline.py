"""The per-document stage and how it runs over many files. Errors on one file never stop a batch.

``collect`` expands the paths given on the command line; ``load`` turns one file into a
Department (or raises InputError); ``document_stage`` reads, parses and, when asked, analyses
and checks one file (read → parse → analyse → check, each once), returning a picklable
``Loaded``; ``ordered_map`` runs such a function over many items in a process pool (or on a Dask cluster, see distributed.py) and
yields the results in input order whatever the number of workers.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import InputError
from auditor.model import Department, Finding

if TYPE_CHECKING:
    from auditor.checks.dup import Table

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


def relative_path(path: Path, roots: Iterable[str | Path] = ()) -> str:
    """``path`` relative to the folder among ``roots`` that holds it (POSIX slashes), or as given."""
    for root in roots:
        root = Path(root)
        if root.is_dir():
            try:
                return path.relative_to(root).as_posix()
            except ValueError:
                continue
    return path.as_posix()


def load(path: Path) -> Department:
    """Read and parse one document. Raises InputError with a reason a reviewer understands."""
    from auditor.parse import parse_blocks
    from auditor.read import read_blocks

    blocks, info = read_blocks(path)
    dept = parse_blocks(blocks, source=path.name, path=str(path), info=info)
    dept.warnings[:0] = info.get("warnings", [])  # the reader's: tables whose cells it could not tell apart
    return dept


def load_one(path: Path) -> Department | InputError:
    """``load`` that returns the InputError instead of raising it."""
    try:
        return load(path)
    except InputError as err:
        return err


@dataclass
class Loaded:
    """What the per-document stage hands back for one file."""

    path: Path
    department: Department | None = None
    error: InputError | None = None
    findings: list[Finding] = field(default_factory=list)  # per-document rules (when checked)
    tables: list[Table] = field(default_factory=list)  # for the cross-document rules

    @property
    def warnings(self) -> list[str]:
        return self.department.warnings if self.department is not None else []


def document_stage(item: tuple[int, Path], config=None, check: bool = False) -> Loaded:
    """Read and parse the ``item`` = (position in the run, path); with ``check`` run its rules too.

    Any failure on this one file, even an unexpected one, comes back as an InputError naming
    it, so one strange file cannot stop a batch of hundreds.
    """
    doc, path = item
    try:
        dept = load(path)
        if not check:
            return Loaded(path, dept)
        from auditor.analyse import analyse_department
        from auditor.checks import check_document
        from auditor.checks.dup import tables_of

        try:
            analyse_department(dept)
        except Exception as err:  # noqa: BLE001 - an analysis failure is this document's error, reported
            raise InputError(path.name, f"分析指标时出错（{type(err).__name__}: {err}），未检查本文件") from None
        return Loaded(path, dept, findings=check_document(dept, config), tables=tables_of(dept, doc))
    except InputError as err:
        return Loaded(path, error=err)
    except Exception as err:  # noqa: BLE001 - reported per file; the batch goes on
        return Loaded(path, error=InputError(path.name, f"处理时出现内部错误（{type(err).__name__}: {err}）"))


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


class Workers:
    """A pool of ``jobs`` processes started once and used by several ``ordered_map`` calls.

    Started before a run grows, the workers stay small (they are forked from this process).
    With one job there is no pool and work runs in this process.
    """

    def __init__(self, jobs: int):
        self.jobs = jobs
        self.pool = None

    def __enter__(self) -> Workers:
        if self.jobs > 1:
            import multiprocessing

            self.pool = multiprocessing.get_context("fork").Pool(self.jobs)
        return self

    def __exit__(self, *exc) -> None:
        if self.pool is not None:
            self.pool.terminate()
            self.pool.join()


def ordered_map(
    func: Callable[[Any], Any],
    items: Iterable[Any],
    jobs: int = 1,
    scheduler: str | None = None,
    workers: Workers | None = None,
    size: int | None = None,
) -> Iterator[Any]:
    """``map(func, items)`` in ``jobs`` processes (or on the Dask ``scheduler``), results in input order.

    ``func`` and the items must be picklable (a module-level function or a functools.partial
    of one). Results stream: each is yielded as soon as it and all before it are done. A
    running ``workers`` pool is used when given. Locally, ``items`` is consumed only as the
    workers are ready for more, so it may be a generator doing work of its own; give its
    length as ``size`` then (it sets the chunk size).
    """
    if scheduler:
        from auditor.distributed import dask_map

        yield from dask_map(func, list(items), scheduler)
        return
    if size is None:
        items = list(items)
        size = len(items)
    if workers is not None:
        jobs = workers.jobs
    if jobs <= 1 or size <= 1:
        yield from map(func, items)
        return
    chunksize = max(1, min(8, size // (jobs * 16)))
    if workers is not None and workers.pool is not None:
        yield from _windowed(workers.pool, func, items, chunksize, jobs)
        return
    with Workers(min(jobs, size)) as own:
        yield from _windowed(own.pool, func, items, chunksize, jobs)


def _windowed(pool, func, items: Iterable[Any], chunksize: int, jobs: int) -> Iterator[Any]:
    """``pool.imap`` with at most a window of items handed out ahead of the consumer.

    Pool.imap sends every task at once, so workers faster than the consumer (the report
    writers) would pile up finished results in memory; here the feeder waits for the
    consumer, and memory stays flat however many documents there are.
    """
    window = threading.Semaphore(max(4 * chunksize * jobs, 16))
    stop = threading.Event()

    def feed() -> Iterator[Any]:
        for item in items:
            while not window.acquire(timeout=0.1):
                if stop.is_set():
                    return
            yield item

    try:
        for result in pool.imap(func, feed(), chunksize):
            window.release()
            yield result
    finally:
        stop.set()
