"""A whole `audit check` or `audit score` run, streamed so memory stays flat as the folder grows.

1. The per-document stage (pipeline.document_stage: read, parse, analyse, per-document rules)
   runs in a process pool or on Dask. Each document's department and findings go at once to a
   spill file on disk; the run keeps only the document's small ``Table`` records (for the
   cross-document rules) and its scorecard file name.
2. The cross-document rules run over all Table records (checks.iter_across), on a large run in
   a process of their own (crosscheck.CrossCheck, crosscheck.worth_a_process), fed the records while stage 1 loads the documents, and
   hand back one document's findings at a time as stage 3 asks for the next document: the
   workers start on the first documents while the later ones are still being compared, and
   the main process only passes bytes along.
3. Per document, in input order and again in parallel: its spilled findings plus its
   cross-document findings, then for `check` those findings rendered (``finish_check``:
   ``FindingsText``), for `score` its scores and scorecard and its share of every report
   file (``finish_score``: report.Rendered). The results stream to the writers (findings
   file, or findings.csv/xlsx, scores.json and the index).

Output is identical whatever the number of jobs or the scheduler.
"""

from __future__ import annotations

import pickle
import shutil
import tempfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from auditor.crosscheck import CrossCheck, worth_a_process
from auditor.errors import InputError
from auditor.model import Department, Finding
from auditor.pipeline import Workers, collect_less, document_stage, ordered_map, shared

if TYPE_CHECKING:
    from auditor.report import Rendered
    from auditor.report.findings import FindingsWriter
    from auditor.report.html import Line


class SpillRef(NamedTuple):
    """Where one record lies in a spill file."""

    path: str
    offset: int
    size: int


R = TypeVar("R")


class Spill:
    """An append-only temp file of records; ``unspill`` reads one back in any process on this machine."""

    def __init__(self):
        self.folder = Path(tempfile.mkdtemp(prefix="auditor-"))
        self.path = self.folder / "spill.bin"
        self._name = str(self.path)  # one string shared by every reference
        self._out = self.path.open("wb")

    def put(self, data: bytes) -> SpillRef:
        offset = self._out.tell()
        self._out.write(data)
        return SpillRef(self._name, offset, len(data))

    def seal(self) -> None:
        self._out.close()

    def close(self) -> None:
        self._out.close()
        shutil.rmtree(self.folder, ignore_errors=True)


def pack(dept: Department, findings: list[Finding]) -> bytes:
    """What goes into the spill file: a document's department and findings, pickled and compressed
    (zlib level 1: fast, a quarter of the size)."""
    return zlib.compress(pickle.dumps((dept, findings), pickle.HIGHEST_PROTOCOL), 1)


def unspill(ref: SpillRef) -> tuple[Department, list[Finding]]:
    """The department and findings ``pack``ed at ``ref``."""
    with open(ref.path, "rb") as fh:
        fh.seek(ref.offset)
        return pickle.loads(zlib.decompress(fh.read(ref.size)))


@dataclass
class Checked:
    """The per-document stage's result for a check or score run: the heavy part already pickled."""

    path: Path
    index: int  # position in the run (Table.doc)
    error: InputError | None = None
    blob: bytes = b""  # pickled (department, findings), compressed, for the spill file
    code: str = ""
    name: str = ""
    source: str = ""
    warnings: list[str] = field(default_factory=list)
    tables: bytes = b""  # its Table records (checks.dup), pickled: the main process only passes them on
    projects: int = 0  # project tables found (0: the file has no 绩效目标表)
    year: int | None = None
    findings: int = 0  # its findings of the per-document rules


def checked_stage(item: tuple[int, Path], config=None) -> Checked:
    """document_stage with the rules; the department and its findings come back pickled."""
    loaded = document_stage(item, config, check=True)
    dept = loaded.department
    if dept is None:
        return Checked(loaded.path, item[0], error=loaded.error)
    for project in dept.projects:  # what stage 3 needs is the rows as written, not their analysis
        for ind in project.indicators:
            ind.parsed, ind.features = None, {}
    blob = pack(dept, loaded.findings)
    return Checked(
        loaded.path, item[0], None, blob, dept.code, dept.name, dept.source, dept.warnings,
        pickle.dumps(loaded.tables, pickle.HIGHEST_PROTOCOL),
        len(dept.projects), dept.year, len(loaded.findings),
    )  # fmt: skip


def _failed(item: tuple[int, Path], reason: str) -> Checked:
    """``checked_stage``'s result for a document whose worker died or ran out of time."""
    from auditor.safe import shown

    return Checked(item[1], item[0], error=InputError(shown(item[1].name), reason))


@dataclass
class Doc:
    """What the run keeps of one good document between the stages."""

    index: int
    ref: SpillRef
    file: str  # its scorecard's file name
    path: str = ""  # the input file relative to the folder given (Finding.path)
    findings: int = 0  # its findings of the per-document rules
    projects: int = 0


class Finishing(NamedTuple):
    """Stage 3's item for one document."""

    ref: SpillRef  # its department and per-document findings
    across: bytes  # its cross-document findings, pickled (b"" if none): opened only by the worker
    file: str  # its scorecard's file name
    path: str = ""  # the input file relative to the folder given (Finding.path)
    rows: tuple[int, int] = (0, 0)  # the findings and the scores of the documents before it (report rows)


class FindingsText(NamedTuple):
    """One document's findings rendered for the findings file (``finish_check``)."""

    text: str
    count: int
    severities: Counter
    rules: Counter  # findings per rule (for --statistics)


def _all_findings(item: Finishing, config=None) -> tuple[Department, list[Finding]]:
    """The document's department and every finding on it, in report order, with their stable ids
    and the reviewers' dispositions (auditor/identity.py, auditor/dispositions.py)."""
    from auditor import dispositions, identity
    from auditor.checks import order

    dept, findings = unspill(item.ref)
    if item.across:
        findings = sorted(findings + pickle.loads(item.across), key=order)
    if item.path:
        dept.path = item.path
        for f in findings:
            f.path = item.path
    identity.assign(dept, findings)
    dispositions.apply(findings, getattr(config, "dispositions", None) or shared("dispositions"))
    return dept, findings


def finish_check(item: Finishing, config=None, fmt: str = "csv") -> FindingsText:
    """Stage 3 of `check` for one document: all its findings rendered in ``fmt``."""
    from auditor.report.findings import render

    _, findings = _all_findings(item, config)
    return FindingsText(
        render(findings, fmt), len(findings), Counter(f.severity for f in findings), Counter(f.rule for f in findings)
    )


def finish_score(item: Finishing, out_dir: str, config=None) -> Rendered:
    """Stage 3 of `score` for one document: its scores and scorecard (written into ``out_dir``),
    and its share of every other report file."""
    from auditor.report import render_department
    from auditor.scoring import score_all

    dept, findings = _all_findings(item, config)
    scores = score_all([dept], findings, config)
    rendered = render_department(dept, findings, scores, item.file, Path(out_dir), config, item.rows)
    rendered.used = tuple(f.id for f in findings if f.disposition)
    return rendered


def finish_state(item: Finishing, config=None):
    """Stage 3 of `diff` for one document: its findings and scores, compact (``diff.DeptState``)."""
    from auditor.diff import state_of
    from auditor.scoring import score_all

    dept, findings = _all_findings(item, config)
    return state_of(dept, findings, score_all([dept], findings, config))


def _with_across(docs: list[Doc], across: Iterator[tuple[int, int, bytes]]) -> Iterator[Finishing]:
    """Stage 3's items: each spilled document with its cross-document findings (pickled, or b"")
    and the number of findings and scores before it."""
    pending = next(across, None)
    findings = scores = 0
    for doc in docs:
        while pending is not None and pending[0] < doc.index:
            pending = next(across, None)
        count, found = pending[1:] if pending is not None and pending[0] == doc.index else (0, b"")
        yield Finishing(doc.ref, found, doc.file, doc.path, (findings, scores))
        findings += doc.findings + count
        scores += doc.projects + 1  # a score per project and the department's


class Loading:
    """Stage 1's bookkeeping for one run, fed one ``Checked`` at a time (in input order): good
    documents spilled and their Table records passed to the cross-document check, the others
    listed on the run. ``done`` returns the good ones."""

    def __init__(self, run: Run, spill: Spill, name_file: Callable[[Checked], str], cross: CrossCheck):
        self.run, self.spill, self.name_file, self.cross = run, spill, name_file, cross
        self.docs: list[Doc] = []
        self.seen: dict[tuple, list[str]] = {}  # (code or name, year) -> [its name, its files...]

    def add(self, checked: Checked) -> None:
        run = self.run
        run.on_loaded(checked)
        path = run.relative(checked.path)
        if checked.error is not None:
            run.unread.append((path, checked.error.reason))
            return
        if not checked.projects:  # no 绩效目标表: listed as such, never scored as a department
            run.no_tables.append((path, "；".join(checked.warnings) or "未识别到项目支出绩效目标表"))
            return
        key = (checked.code or checked.name, checked.year)
        if key[0]:
            self.seen.setdefault(key, [checked.name or checked.code]).append(path)
        ref = self.spill.put(checked.blob)
        self.docs.append(Doc(checked.index, ref, self.name_file(checked), path, checked.findings, checked.projects))
        self.cross.add(checked.tables)

    def done(self) -> list[Doc]:
        self.spill.seal()
        self.run.same_department = [  # one department, one year, several files: named as such
            (f"{name}{f'（{year}年）' if year else ''}", files)
            for (_, year), (name, *files) in self.seen.items()
            if len(files) > 1
        ]
        return self.docs


@dataclass
class Run:
    """A batch over some files: ``check`` or ``score`` it, with callbacks for progress and notices."""

    files: list[Path]
    config: object = None
    jobs: int = 1
    scheduler: str | None = None
    on_loaded: Callable[[Checked], None] = lambda checked: None
    on_finished: Callable[[int], None] = lambda done: None
    used: set[str] = field(default_factory=set)  # ids of the findings a reviewer's disposition named
    roots: tuple[str, ...] = ()  # the paths given on the command line (for paths relative to them)
    unread: list[tuple[str, str]] = field(default_factory=list)  # (path, reason) of files that could not be read
    no_tables: list[tuple[str, str]] = field(default_factory=list)  # (path, note) of files without a 绩效目标表
    same_department: list[tuple[str, list[str]]] = field(default_factory=list)  # (department, its files) when >1
    rule_counts: Counter = field(default_factory=Counter)  # `check`: findings per rule
    files_with_findings: int = 0

    def relative(self, path: Path) -> str:
        """``path`` as a person finds it: relative to the folder given, or as given."""
        from auditor.pipeline import relative_path

        return relative_path(path, self.roots)

    time_limit: float | None = None  # seconds one document may take in a stage (pipeline.ordered_map)

    def _workers(self) -> Workers:
        """One pool for both parallel stages, forked once the catalog and classifier are loaded."""
        from auditor.checks import prepare

        jobs = min(self.jobs, len(self.files))
        if jobs > 1:
            prepare(self.config)  # once here rather than once in every worker
        collect_less(freeze=jobs > 1)
        given = getattr(self.config, "dispositions", None)
        return Workers(jobs, self.time_limit, shared={"dispositions": given} if jobs > 1 and given else None)

    def _for_items(self, workers: Workers | None = None):
        """The config sent with each item: the reviewers' dispositions left out when the workers
        were given them once (``Workers.shared``) or the stage never reads them (stage 1). With
        thousands of dispositions, pickling them with every document cost more than the document."""
        config = self.config
        if config is None or not getattr(config, "dispositions", None):
            return config
        if workers is None or workers.pool is not None:
            return replace(config, dispositions={})
        return config

    def _load(
        self, spill: Spill, name_file: Callable[[Checked], str], workers: Workers, cross: CrossCheck
    ) -> list[Doc]:
        """Stage 1: every document checked and spilled, its Table records passed to ``cross``; returns the good ones."""
        loading = Loading(self, spill, name_file, cross)
        stage = partial(checked_stage, config=self._for_items())
        items = enumerate(self.files)
        for checked in ordered_map(stage, items, scheduler=self.scheduler, workers=workers, fault=_failed):
            loading.add(checked)
        return loading.done()

    def _finish(
        self, stage: Callable[[Finishing], R], docs: list[Doc], cross: CrossCheck, workers: Workers
    ) -> Iterator[R]:
        """Stages 2 and 3: each document finished with its cross-document findings as they come."""
        items = _with_across(docs, cross.results())
        for done, result in enumerate(ordered_map(stage, items, workers=workers, size=len(docs)), 1):
            self.on_finished(done)
            yield result

    @contextmanager
    def _stages(self) -> Iterator[tuple[Spill, Workers, CrossCheck]]:
        """The spill file, the worker pool and the cross-document check of one run (forked first,
        while this process is small), all closed at the end."""
        spill = Spill()
        workers = self._workers()
        cross = CrossCheck(self.config, separate=worth_a_process(workers.jobs, len(self.files)))
        try:
            with workers:
                yield spill, workers, cross
        finally:
            cross.close()
            spill.close()

    def check(self, writer: FindingsWriter) -> Counter:
        """Every finding into ``writer`` (report.findings.FindingsWriter); returns the count by severity."""
        with self._stages() as (spill, workers, cross):
            docs = self._load(spill, lambda checked: "", workers, cross)
            severities: Counter = Counter()
            stage = partial(finish_check, config=self.config, fmt=writer.fmt)
            for result in self._finish(stage, docs, cross, workers):
                writer.write(result.text, result.count)
                severities.update(result.severities)
                self.rule_counts.update(result.rules)
                self.files_with_findings += result.count > 0
        return severities

    def score(self, out_dir: Path) -> tuple[list[Line], list[Path]]:
        """Scores and every report in ``out_dir``; returns the departments' summary lines and the paths written.

        The reports are written into a temporary folder beside ``out_dir`` (checked writable and
        locked against a second run before reading starts) and published whole at the end
        (report.publish); on any failure or interrupt ``out_dir`` keeps the previous run.
        """
        from auditor.dispositions import stale
        from auditor.report import ReportWriter, prepare
        from auditor.report.html import safe_name
        from auditor.report.publish import Publication

        prepare()  # before the workers fork
        taken = {"index.html"}

        def name_file(checked: Checked) -> str:
            return safe_name(checked.code, checked.name, checked.source, taken)

        with Publication(out_dir) as publication:
            stage_dir = publication.folder
            with self._stages() as (spill, workers, cross):
                docs = self._load(spill, name_file, workers, cross)
                stage = partial(finish_score, out_dir=str(stage_dir), config=self._for_items(workers))
                with ReportWriter(stage_dir, self.config) as writer:
                    for rendered in self._finish(stage, docs, cross, workers):
                        writer.add(rendered)
                        self.used.update(rendered.used)
                    writer.inputs(len(self.files), self.unread, self.no_tables, self.same_department)
                    given = getattr(self.config, "dispositions", None)
                    if given:
                        writer.dispositions(len(given), stale(given, self.used))
                    lines, written = writer.index.lines, writer.close()
            target = publication.commit([path.name for path in written])
            return lines, [target / path.name for path in written]


# --------------------------------------------------------------------------- `diff`: two runs at once


def paired_stage(item: tuple, config=None) -> tuple:
    """Stage 1 of `diff` for the n-th document of each side (either may be missing), in one call:
    the second is checked in the worker whose text caches hold the first's rows, and a
    resubmission repeats most of its rows."""
    return tuple(None if doc is None else checked_stage(doc, config) for doc in item)


def _pair_failed(item: tuple, reason: str) -> tuple:
    return tuple(None if doc is None else _failed(doc, reason) for doc in item)


def paired_states(runs: tuple[Run, Run], workers: Workers, crosses: tuple[CrossCheck, CrossCheck]) -> list[list]:
    """`diff`: each side's good documents as ``diff.DeptState`` (findings and scores), in input
    order, both sides on one running pool. Stage 1 takes the sides' documents in pairs
    (``paired_stage``); stage 3 runs both sides in one stream, so the pool never waits for
    one side to drain before the other starts. Each side keeps its own spill file and its
    own cross-document check (``crosses``: the rules compare documents of one side only), closed here."""
    import itertools

    spills = [Spill() for _ in runs]
    try:
        loadings = [
            Loading(run, spill, lambda checked: "", cross)
            for run, spill, cross in zip(runs, spills, crosses, strict=True)
        ]
        old, new = runs
        pairs = itertools.zip_longest(enumerate(old.files), enumerate(new.files))
        stage = partial(paired_stage, config=old.config)
        size = max(len(old.files), len(new.files))
        for pair in ordered_map(stage, pairs, workers=workers, size=size, fault=_pair_failed):
            for loading, checked in zip(loadings, pair, strict=True):
                if checked is not None:
                    loading.add(checked)
        docs = [loading.done() for loading in loadings]
        items = itertools.chain.from_iterable(
            _with_across(side, cross.results()) for side, cross in zip(docs, crosses, strict=True) if side
        )
        states = list(
            ordered_map(partial(finish_state, config=old.config), items, workers=workers, size=sum(map(len, docs)))
        )
        return [states[: len(docs[0])], states[len(docs[0]) :]]
    finally:
        for cross, spill in zip(crosses, spills, strict=True):
            cross.close()
            spill.close()
