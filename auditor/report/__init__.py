"""Output writers: rows, findings, scores and HTML scorecards. Every file goes through atomic.py.

``ReportWriter`` takes one department at a time (its findings, scores and rendered scorecard)
and streams findings.csv, findings.xlsx and scores.json, then writes index.html at ``close``;
``write_reports`` does the same for departments held in memory.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path

from auditor.report.atomic import atomic_open


def department_record(dept, findings, scores) -> dict:
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


class ReportWriter:
    """index.html, one scorecard per department, findings.csv/xlsx and scores.json in ``out_dir``.

    ``add(summary, findings, scores)`` per department (``html.card_summary`` of its card) in the
    order they should appear (the scorecard itself is written by whoever built the card,
    possibly another process), then
    ``close()`` returns the paths written, index.html first. Files appear whole or not at all.
    """

    def __init__(self, out_dir: Path, config=None):
        from auditor.report.excel import XlsxWriter
        from auditor.report.findings import FindingsWriter
        from auditor.report.html import IndexBuilder

        self.out_dir = Path(out_dir)
        self.out_dir.mkdir(parents=True, exist_ok=True)
        self.index = IndexBuilder(config)
        self.cards: list[Path] = []
        self._stack = contextlib.ExitStack()
        self.csv = self._stack.enter_context(FindingsWriter("csv", str(self.out_dir / "findings.csv")))
        self.xlsx = XlsxWriter(self.out_dir / "findings.xlsx")
        self.json = self._stack.enter_context(atomic_open(self.out_dir / "scores.json"))
        self.json.write('{"departments": [')
        self._first = True

    def add(self, summary: dict, findings, scores) -> None:
        dept = summary["dept"]
        self.cards.append(self.out_dir / summary["file"])
        self.index.add(summary, findings)
        self.csv.add(findings)
        self.xlsx.add(dept, findings, scores)
        self.json.write(("\n" if self._first else ",\n") + json.dumps(department_record(dept, findings, scores), ensure_ascii=False))
        self._first = False

    def close(self) -> list[Path]:
        self.json.write("\n]}\n")
        self._stack.close()
        written = [self.out_dir / "findings.csv", self.xlsx.close(), self.out_dir / "scores.json"]
        return [self.index.write(self.out_dir), *self.cards, *written]

    def __enter__(self) -> ReportWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.xlsx.abort()
            self._stack.__exit__(exc_type, exc, tb)


def write_reports(departments, findings, scores, out_dir: Path, config=None) -> list[Path]:
    """Write index.html, one scorecard per department, findings.csv/xlsx and scores.json into out_dir."""
    from auditor.report.html import card_summary, department_card, group_by_source, safe_name, write_scorecard

    by_f, by_s = group_by_source(findings), group_by_source(scores)
    taken = {"index.html"}
    with ReportWriter(out_dir, config) as writer:
        for dept in departments:
            card = department_card(dept, by_f[dept.source], by_s[dept.source], safe_name(dept, taken), config)
            write_scorecard(card, out_dir, config)
            writer.add(card_summary(card), by_f[dept.source], by_s[dept.source])
        return writer.close()
