"""Write findings as linter-style text, JSON lines or CSV (atomically; stdout when no file).

text:  ``file:line: CODE message（建议：…） [级别 项目N 第M行]`` one finding a line;
jsonl: one object per finding with the fields of spec/output.md plus every Finding field;
csv:   the same fields as columns (UTF-8 with BOM so spreadsheet programs read the Chinese); a cell
       that a spreadsheet would run as a formula starts with an apostrophe (safe.csv_cell).
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
from collections.abc import Iterable
from dataclasses import fields
from operator import attrgetter

from auditor.model import SEVERITY_CN, Finding
from auditor.report.atomic import atomic_open
from auditor.safe import csv_row, terminal

# output.md fields first, then the rest of Finding.
FIELDS = ["source", "project_no", "project_code", "row", "rule", "severity", "message", "suggestion"]
FIELDS += [f.name for f in fields(Finding) if f.name not in FIELDS]
_values = attrgetter(*FIELDS)  # a finding's FIELDS, as a tuple


def text_line(f: Finding) -> str:
    """``file:line: CODE message（建议：…） [级别 项目N 第M行 place]``; ``file`` is the path relative
    to the folder given, ``place`` the location in the document's own terms (page, sheet and row …)."""
    name = f.path or f.source
    where = f"{name}:{f.line}" if f.line else name
    line = f"{where}: {f.rule} {f.message}"
    if f.suggestion:
        line += f"（建议：{f.suggestion}）"
    place = [SEVERITY_CN.get(f.severity, f.severity)]
    if f.project_no is not None:
        place.append(f"项目{f.project_no}")
    if f.row is not None:
        place.append(f"第{f.row}行")
    if f.where:
        place.append(f.where)
    return terminal(f"{line} [{' '.join(place)}]")


def render(findings: Iterable[Finding], fmt: str) -> str:
    """``findings`` as text in ``fmt`` (text|jsonl|csv, without the csv header)."""
    if fmt == "text":
        return "".join(text_line(f) + "\n" for f in findings)
    if fmt == "jsonl":
        records = (f.to_dict() for f in findings)
        return "".join(json.dumps({k: r[k] for k in FIELDS}, ensure_ascii=False) + "\n" for r in records)
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerows(map(csv_row, map(_values, findings)))
    return buffer.getvalue()


class FindingsWriter:
    """Stream findings in ``fmt`` (text|jsonl|csv) to ``output`` (a path, or stdout when None).

    ``add`` as often as needed, then ``close``; the file appears whole at ``close`` and never
    when ``abort`` is called (or the writer is left by an exception in a ``with`` block).
    """

    def __init__(self, fmt: str, output: str | None):
        if fmt not in ("text", "jsonl", "csv"):
            raise ValueError(f"unknown findings format: {fmt}")
        self.fmt = fmt
        encoding = "utf-8-sig" if fmt == "csv" and output not in (None, "-") else "utf-8"
        self._stack = contextlib.ExitStack()
        self.out = self._stack.enter_context(atomic_open(output, "w", encoding=encoding))
        self.count = 0
        if fmt == "csv":
            csv.writer(self.out, lineterminator="\n").writerow(FIELDS)

    def add(self, findings: Iterable[Finding]) -> None:
        findings = list(findings)
        self.write(render(findings, self.fmt), len(findings))

    def write(self, text: str, count: int) -> None:
        """``count`` findings already rendered in this writer's format (``render``)."""
        self.out.write(text)
        self.count += count

    def write_encoded(self, data: bytes, count: int) -> None:
        """``write`` for text already encoded in UTF-8 (rendered in a worker, passed on as it is)."""
        self.out.flush()
        self.out.buffer.write(data)
        self.count += count

    def close(self) -> None:
        self._stack.close()

    def abort(self) -> None:
        self._stack.__exit__(RuntimeError, RuntimeError("aborted"), None)

    def __enter__(self) -> FindingsWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.close()
        else:
            self._stack.__exit__(exc_type, exc, tb)
