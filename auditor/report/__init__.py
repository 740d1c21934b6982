"""Output writers: rows, findings, scores and HTML scorecards. Every file goes through atomic.py.

``render_department`` writes one department's scorecard and renders its share of the other
files as text (in whichever process scored it); ``ReportWriter`` takes those ``Rendered``
records one at a time and streams findings.csv, findings.xlsx and scores.json, then writes
index.html at ``close``. ``write_reports`` does the same for departments held in memory.
"""

from __future__ import annotations

import contextlib
import itertools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from auditor.model import Department, Finding, Score
from auditor.report.atomic import atomic_open

if TYPE_CHECKING:
    from auditor.report.html import IndexEntry


def department_record(dept: Department, findings: list[Finding], scores: list[Score]) -> dict:
    """scores.json's entry for one department: its score with its projects, each with deductions."""
    per_project: dict[int | None, int] = {}
    for f in findings:
        per_project[f.project_no] = per_project.get(f.project_no, 0) + 1
    total = next(s for s in scores if s.project_no is None)
    record = {"source": dept.source, "department_code": dept.code, "department": dept.name, "year": dept.year}
    record.update(total.to_dict())
    record["findings"] = len(findings)
    record["projects"] = [
        {**s.to_dict(), "findings": per_project.get(s.project_no, 0)} for s in scores if s.project_no is not None
    ]
    return record


@dataclass
class Rendered:
    """One department's share of every report file: plain text, cheap to send between processes."""

    entry: IndexEntry  # what index.html needs
    csv: bytes  # its findings.csv lines, UTF-8 (encoded where rendered: the writer only writes them on)
    xlsx: tuple[list, list]  # its rows of findings.xlsx's two sheets, numbered (excel.department_rows)
    json: bytes  # its scores.json entry, UTF-8
    count: int  # its findings
    used: tuple = ()  # ids of its findings that a reviewer's disposition named (dispositions.apply)


def prepare() -> None:
    """Load what ``render_department`` uses (jinja2, the scorecard template, the letter's package,
    the other writers' modules) now, before worker processes fork: each would load them again."""
    from auditor.report import excel, findings  # noqa: F401
    from auditor.report.html import _env
    from auditor.report.letter import _get_package

    _env().get_template("scorecard.html")
    _get_package()


def render_department(
    dept: Department,
    findings: list[Finding],
    scores: list[Score],
    file: str,
    out_dir: Path,
    config=None,
    rows: tuple[int, int] = (0, 0),
) -> Rendered:
    """Write the department's scorecard ``file`` into ``out_dir``; return its share of the other
    files. ``rows``: the findings and the scores of the departments before it in the run."""
    from auditor.report.excel import department_rows
    from auditor.report.findings import render
    from auditor.report.html import department_card, index_entry, write_scorecard
    from auditor.report.letter import write_letter

    card = department_card(dept, findings, scores, file, config)
    write_scorecard(card, Path(out_dir), config)
    if dept.projects:
        write_letter(card, Path(out_dir), config)
    record = json.dumps(department_record(dept, findings, scores), ensure_ascii=False).encode()
    csv = render(findings, "csv").encode()
    return Rendered(index_entry(card), csv, department_rows(dept, findings, scores, rows), record, len(findings))


class ReportWriter:
    """index.html, one scorecard per department, findings.csv/xlsx and scores.json in ``out_dir``.

    ``add(rendered)`` per department (from ``render_department``, which also wrote its
    scorecard, possibly in another process) in the order they should appear, then ``close()``
    returns the paths written, index.html first. Files appear whole or not at all.
    """

    def __init__(self, out_dir: Path, config=None):
        from auditor.report.excel import findings_book
        from auditor.report.findings import FindingsWriter
        from auditor.report.html import IndexBuilder

        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.index = IndexBuilder(config)
        self.scorecards: list[str] = []  # the scorecards' file names, in order
        self._stack = contextlib.ExitStack()
        self.csv = self._stack.enter_context(FindingsWriter("csv", str(self.out_dir / "findings.csv")))
        self.xlsx = findings_book(self.out_dir / "findings.xlsx")
        self.json = self._stack.enter_context(atomic_open(self.out_dir / "scores.json"))
        self.json.write('{"departments": [')
        self.json.flush()  # the entries go to its byte stream (``add``)
        self._first = True
        self.config = config
        self.run_inputs: dict = {"files": 0, "unreadable": [], "no_tables": [], "same_department": []}
        self.review: dict | None = None  # the reviewers' dispositions: how many, which are stale

    def add(self, rendered: Rendered) -> None:
        self.scorecards.append(rendered.entry.file)
        self.index.add(rendered.entry)
        self.csv.write_encoded(rendered.csv, rendered.count)
        for sheet, rows in enumerate(rendered.xlsx, 1):  # sheet 0 is the worklist, added at close
            self.xlsx.put(sheet, rows)
        self.json.buffer.write((b"\n" if self._first else b",\n") + rendered.json)
        self._first = False

    def inputs(self, files: int, unread, no_tables, same_department) -> None:
        """Every input file the run did not score, so each one appears in the reports:
        unreadable ones with the reason, those without a 绩效目标表, and the documents of one
        department given more than once (a resubmission beside the original)."""
        self.run_inputs = {
            "files": files,
            "unreadable": [{"path": p, "reason": r} for p, r in unread],
            "no_tables": [{"path": p, "note": n} for p, n in no_tables],
            "same_department": [{"department": d, "paths": ps} for d, ps in same_department],
        }
        self.index.inputs = self.run_inputs

    def dispositions(self, given: int, stale: list) -> None:
        """The reviewers' dispositions of this run (auditor/dispositions.py): ``given`` read, of
        which ``stale`` (Disposition records) named a finding that no longer exists. The stale
        ones are listed in index.html, in findings.xlsx's sheet 过期处理意见 and in scores.json,
        so a reviewer finds them after the run."""
        from auditor.report.excel import STALE_SHEET, stale_rows

        self.review = {
            "given": given,
            "applied": given - len(stale),
            "stale": [
                {"id": d.id, "disposition": d.disposition, "reason": d.reason, "file": d.file, "sheet": d.sheet,
                 "line": d.line, "where": d.where}
                for d in stale
            ],
        }  # fmt: skip
        self.index.review = self.review
        if stale:
            self.xlsx.add(self.xlsx.add_sheet(STALE_SHEET), stale_rows(stale))

    def close(self) -> list[Path]:
        """Finish every file. findings.xlsx is zipped in a thread while index.html renders
        (zlib works outside the GIL, so the two overlap)."""
        from concurrent.futures import ThreadPoolExecutor

        extra = {**self.run_inputs, "config": self.config.describe() if self.config is not None else None}
        if self.review is not None:
            extra["dispositions"] = {**self.review, "stale": [{k: v for k, v in d.items() if k != "where"}
                                                             for d in self.review["stale"]]}  # fmt: skip
        self.json.write("\n],\n" + json.dumps(extra, ensure_ascii=False)[1:] + "\n")
        self._stack.close()
        worklist = self.index.worklist.xlsx_rows()
        while rows := list(itertools.islice(worklist, 4096)):  # a few thousand rows at a time, not all at once
            self.xlsx.add(0, rows)
        with ThreadPoolExecutor(1) as background:
            xlsx = background.submit(self.xlsx.close)
            index = self.index.write(self.out_dir)
            written = [self.out_dir / "findings.csv", xlsx.result(), self.out_dir / "scores.json"]
        from auditor.report.letter import letter_name

        letters = [self.out_dir / letter_name(name) for name in self.scorecards]
        letters = [path for path in letters if path.exists()]  # a department without projects has none
        return [index, *(self.out_dir / name for name in self.scorecards), *letters, *written]

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.xlsx.abort()
            self.index.close()
            self._stack.__exit__(exc_type, exc, tb)


def write_reports(
    departments: list[Department], findings: list[Finding], scores: list[Score], out_dir: Path, config=None
) -> list[Path]:
    """Write index.html, one scorecard per department, findings.csv/xlsx and scores.json into out_dir."""
    from auditor.report.html import group_by_source, safe_name

    by_f, by_s = group_by_source(findings), group_by_source(scores)
    taken = {"index.html"}
    rows = (0, 0)  # findings and scores so far
    with ReportWriter(out_dir, config) as writer:
        for dept in departments:
            file = safe_name(dept.code, dept.name, dept.source, taken)
            fs, ss = by_f[dept.source], by_s[dept.source]
            writer.add(render_department(dept, fs, ss, file, out_dir, config, rows))
            rows = (rows[0] + len(fs), rows[1] + len(ss))
        return writer.close()
