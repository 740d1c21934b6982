"""The per-document stage and how it runs over many files. Errors on one file never stop a batch.

``collect`` expands the paths given on the command line; ``load`` turns one file into a
Department (or raises InputError); ``document_stage`` reads, parses and, when asked, analyses
and checks one file (read → parse → analyse → check, each once), returning a picklable
``Loaded``; ``ordered_map`` runs such a function over many items in a process pool (or on a Dask cluster, see distributed.py) and
yields the results in input order whatever the number of workers.
"""

from __future__ import annotations

import contextlib
import os
import signal
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from functools import partial
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from auditor.errors import InputError
from auditor.model import Department, Finding

if TYPE_CHECKING:
    from auditor.checks.dup import Table

# Files we never treat as documents when walking a folder (system junk, Office lock files,
# hidden files, the config file).
_SKIP_NAMES = {".DS_Store", "Thumbs.db", "desktop.ini", "audit.toml"}


def collect(paths: Iterable[str | Path], skipped: list[InputError] | None = None) -> list[Path]:
    """Files named directly, plus every regular file under named folders (recursive, sorted).

    Nothing else is dropped without a word: a folder that cannot be listed, a symbolic link
    leading outside the folder given (or to something read anyway), and special files (pipes,
    devices, sockets) are appended to ``skipped`` as InputErrors with the reason.
    """
    found: list[Path] = []
    skipped = skipped if skipped is not None else []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            _walk(path, path.resolve(), found, skipped)
        elif path.exists() and not path.is_file():
            skipped.append(InputError(_shown(path), _SPECIAL))
        else:
            found.append(path)
    return found


def relative_path(path: Path, roots: Iterable[str | Path] = ()) -> str:
    """``path`` relative to the folder among ``roots`` that holds it (POSIX slashes); a file given
    by itself is relative to its own folder: its name. Shown safely (safe.shown: bytes that are
    not UTF-8 escaped)."""
    for root in roots:
        root = Path(root)
        if root.is_dir():
            try:
                return _shown(path.relative_to(root).as_posix())
            except ValueError:
                continue
    return _shown(path.name)


_SPECIAL = "不是普通文件（管道、设备或套接字等特殊文件），已跳过"


def _shown(path: Path | str) -> str:
    from auditor.safe import shown

    return shown(path)


def _walk(folder: Path, root: Path, found: list[Path], skipped: list[InputError]) -> None:
    try:
        entries = sorted(os.scandir(folder), key=lambda entry: entry.name)
    except OSError as err:
        skipped.append(InputError(_shown(folder), f"无法读取文件夹（{err.strerror or err}），其中的文件未检查"))
        return
    for entry in entries:
        path = Path(entry.path)
        if entry.name in _SKIP_NAMES or entry.name.startswith((".", "~$")):
            continue
        if entry.is_symlink():
            target = path.resolve()
            if not target.exists():
                skipped.append(InputError(_shown(path), "符号链接指向的文件不存在，已跳过"))
            elif not target.is_relative_to(root):
                skipped.append(InputError(_shown(path), f"符号链接指向输入文件夹之外（{_shown(target)}），已跳过"))
            else:
                skipped.append(InputError(_shown(path), "符号链接，其目标在输入文件夹中已读取，不重复检查"))
            continue
        try:
            if entry.is_dir(follow_symlinks=False):
                _walk(path, root, found, skipped)
            elif entry.is_file(follow_symlinks=False):
                found.append(path)
            else:
                skipped.append(InputError(_shown(path), _SPECIAL))
        except OSError as err:
            skipped.append(InputError(_shown(path), f"无法读取（{err.strerror or err}），已跳过"))


def load(path: Path) -> Department:
    """Read and parse one document. Raises InputError with a reason a reviewer understands."""
    from auditor.parse import parse_blocks
    from auditor.read import read_blocks
    from auditor.safe import shown

    blocks, info = read_blocks(path)
    dept = parse_blocks(blocks, source=shown(path.name), path=shown(path), info=info)
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
        from auditor.safe import shown

        return Loaded(path, error=InputError(shown(path.name), f"处理时出现内部错误（{type(err).__name__}: {err}）"))


def failed(item: tuple[int, Path], reason: str) -> Loaded:
    """``document_stage``'s result for a document whose worker died or ran out of time."""
    from auditor.safe import shown

    return Loaded(item[1], error=InputError(shown(item[1].name), reason))


def default_jobs() -> int:
    """All cores this process may use."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def collect_less(freeze: bool = False) -> None:
    """Python's cycle collector tuned for a run's processes: a run makes millions of short-lived
    objects and almost no reference cycles (records are trees), so the youngest generation is
    collected every 50,000 allocations instead of 700 (≈6 % of the per-document stage's CPU) and
    the oldest, which walks everything the process holds, seldom (the copy-check process holds
    a name list and dicts of millions of entries: with Python's defaults walking them cost 9 %
    of its CPU at 100,000 departments). With ``freeze`` everything loaded so far (catalog, word
    lists, jieba, classifier) is moved out of the collector's sight before the workers fork:
    they never walk it again, nor touch its pages by doing so."""
    import gc

    gc.set_threshold(50_000, 20, 100)
    if freeze:
        gc.freeze()


class Workers:
    """A pool of ``jobs`` processes started once and used by several ``ordered_map`` calls.

    Started before a run grows, the workers stay small (they are forked from this process).
    With one job there is no pool and work runs in this process. ``time_limit`` is the most
    seconds one item may take (see ``ordered_map``). A pool whose worker died is replaced by
    ``renew``; leaving the block kills whatever still runs, so an interrupt never waits for it.
    """

    def __init__(self, jobs: int, time_limit: float | None = None, shared: dict | None = None):
        self.jobs = jobs
        self.time_limit = time_limit
        self.shared = shared or {}  # what every item reads: handed to each worker once (see ``shared``)
        self.pool = None

    def _start(self):
        import multiprocessing
        from concurrent.futures import ProcessPoolExecutor

        context = multiprocessing.get_context("fork")
        return ProcessPoolExecutor(self.jobs, mp_context=context, initializer=_worker_init, initargs=(self.shared,))

    def renew(self) -> None:
        """Kill the pool (broken, or busy with a stuck item) and start a fresh one."""
        self._stop()
        self.pool = self._start()

    def _stop(self) -> None:
        pool, self.pool = self.pool, None
        if pool is None:
            return
        processes = list((getattr(pool, "_processes", None) or {}).values())
        for process in processes:
            with contextlib.suppress(Exception):
                process.kill()
        for process in processes:
            with contextlib.suppress(Exception):
                process.join(5)
        # A worker killed while sending its result leaves half a message in the result pipe, and
        # the pool's manager thread would wait for the rest forever (the write end is open here
        # too). With every worker dead, closing it gives that thread an end of file instead.
        with contextlib.suppress(Exception):
            pool._result_queue._writer.close()
        pool.shutdown(wait=True, cancel_futures=True)

    def __enter__(self) -> Workers:
        if self.jobs > 1:
            self.pool = self._start()
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if exc_type is None and self.pool is not None:
            self.pool.shutdown(wait=True)
            self.pool = None
        self._stop()


_shared: dict = {}  # in a worker: what its pool was given to share (Workers(shared=...))


def shared(name: str, default: Any = None) -> Any:
    """In a pool's worker, the value ``name`` the pool was started with (``Workers(shared=...)``):
    data every item needs, handed over once per worker (inherited by the fork) instead of being
    pickled with each item; ``default`` elsewhere."""
    return _shared.get(name, default)


def _worker_init(given: dict | None = None) -> None:
    """In each worker: Ctrl-C is the main process's business (no traceback per worker), and
    SIGTERM ends the worker quietly whatever handler the main process installed."""
    global _shared
    _shared = given or {}
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)


class TimeLimit(BaseException):
    """Raised inside an item that ran past the time limit (a BaseException, so that the stages'
    own ``except Exception`` does not swallow it)."""


@dataclass
class Fault:
    """What comes back instead of a result when an item failed outside its own code."""

    reason: str


def _timed(func: Callable[[Any], Any], limit: float | None, item: Any) -> Any:
    """``func(item)``, interrupted by SIGALRM after ``limit`` seconds (main thread only: a Dask
    worker thread relies on the caller's wait instead)."""
    if not limit or threading.current_thread() is not threading.main_thread():
        return func(item)

    def expire(signum, frame):
        raise TimeLimit

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, limit)
    try:
        return func(item)
    except TimeLimit:
        return Fault(_overtime(limit))
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _overtime(limit: float) -> str:
    return f"处理超时（超过 {limit:g} 秒的单个文件时限），已停止处理该文件"


DIED = "处理该文件的工作进程意外退出（可能内存不足或被系统终止）"

# How long after the time limit the main process stops waiting for an item whose worker
# ignores the alarm (stuck inside C code) and replaces the pool.
GRACE_SECONDS = 5.0


def ordered_map(
    func: Callable[[Any], Any],
    items: Iterable[Any],
    jobs: int = 1,
    scheduler: str | None = None,
    workers: Workers | None = None,
    size: int | None = None,
    fault: Callable[[Any, str], Any] | None = None,
    time_limit: float | None = None,
) -> Iterator[Any]:
    """``map(func, items)`` in ``jobs`` processes (or on the Dask ``scheduler``), results in input order.

    ``func`` and the items must be picklable (a module-level function or a functools.partial
    of one). Results stream: each is yielded as soon as it and all before it are done. A
    running ``workers`` pool is used when given. Locally, ``items`` is consumed only as the
    workers are ready for more, so it may be a generator doing work of its own; give its
    length as ``size`` then.

    An item that runs longer than ``time_limit`` seconds, or whose worker dies (killed, out of
    memory), yields ``fault(item, reason)`` — reason a Chinese sentence — and the run goes on
    with a fresh worker. The items that were in flight when a worker died are run again one
    at a time, so only the one that kills its worker fails. Without ``fault`` such a failure
    stops the run with an AuditError.
    """
    if workers is not None and time_limit is None:
        time_limit = workers.time_limit
    fault = fault or _stop
    if scheduler:
        from auditor.distributed import dask_map

        yield from dask_map(func, items, scheduler, fault=fault, time_limit=time_limit)
        return
    if size is None:
        items = list(items)
        size = len(items)
    if workers is not None:
        jobs = workers.jobs
    if jobs <= 1 or size <= 1:
        for item in items:
            result = _timed(func, time_limit, item)
            yield fault(item, result.reason) if isinstance(result, Fault) else result
        return
    chunk = max(1, min(8, size // (jobs * 16)))  # a few chunks per worker still balance the load
    if workers is not None and workers.pool is not None:
        yield from _pooled(workers, func, items, fault, time_limit, chunk, size)
        return
    with Workers(min(jobs, size), time_limit) as own:
        yield from _pooled(own, func, items, fault, time_limit, chunk, size)


def _stop(item: Any, reason: str):
    from auditor.errors import RunStopped

    raise RunStopped(f"运行中止：{reason}")


def _pooled(
    workers: Workers, func, items: Iterable[Any], fault, limit: float | None, chunk: int = 1, size: int = 0
) -> Iterator[Any]:
    """The pool's side of ``ordered_map``: items handed out in chunks of ``chunk`` (one message
    each way per chunk, not per item; smaller towards the last of ``size`` items, so that no
    worker is left with a long chunk while the others wait); at most a window of items ahead
    of the consumer (so memory stays flat when the consumer, the report writers, is slower
    than the workers); a broken pool replaced, its in-flight items retried one at a time."""
    from concurrent.futures import Future
    from concurrent.futures import TimeoutError as Timeout
    from concurrent.futures.process import BrokenProcessPool

    window = max(4 * workers.jobs * chunk, 16)
    call = partial(_timed_each, func, limit)
    hard = limit + max(GRACE_SECONDS, 0.2 * limit) if limit else None
    pending: deque = deque()  # (items of one chunk, future of their results)
    ahead = 0  # items in pending
    left = size  # items not yet handed out
    todo = iter(items)
    retry: deque = deque()  # items to run alone in a fresh pool after a worker died

    def outcome(result, item):
        return fault(item, result.reason) if isinstance(result, Fault) else result

    def submit(batch: list):
        try:
            return workers.pool.submit(call, batch)
        except BrokenProcessPool as err:  # broke since the last result: found out when its turn comes
            future = Future()
            future.set_exception(err)
            return future

    def refill() -> None:
        nonlocal ahead, left
        while not retry and ahead < window:
            batch = list(islice(todo, max(1, min(chunk, left // (2 * workers.jobs)))))
            if not batch:
                return
            pending.append((batch, submit(batch)))
            ahead += len(batch)
            left -= len(batch)

    def requeue() -> None:
        nonlocal ahead
        retry.extend(item for batch, _ in pending for item in batch)
        pending.clear()
        ahead = 0
        workers.renew()

    refill()
    while pending or retry:
        if retry:  # one at a time: the one that kills its worker again is the one at fault
            item = retry.popleft()
            try:
                (result,) = submit([item]).result(timeout=hard)
            except BrokenProcessPool:
                workers.renew()
                result = Fault(DIED)
            except Timeout:
                workers.renew()
                result = Fault(_overtime(limit))
            yield outcome(result, item)
            refill()
            continue
        batch, future = pending[0]
        try:
            results = future.result(timeout=hard and hard * len(batch))
        except BrokenProcessPool:
            requeue()
            continue
        except Timeout:  # stuck where the alarm cannot reach: that item fails, the others run again
            if len(batch) > 1:  # which one is stuck shows when each runs alone
                requeue()
                continue
            pending.popleft()
            requeue()
            yield fault(batch[0], _overtime(limit))
            refill()
            continue
        pending.popleft()
        ahead -= len(batch)
        refill()
        for result, item in zip(results, batch, strict=True):
            yield outcome(result, item)


def _timed_each(func: Callable[[Any], Any], limit: float | None, items: list) -> list:
    """``_timed`` over one chunk of items, in a worker."""
    return [_timed(func, limit, item) for item in items]
