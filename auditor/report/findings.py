"""Write findings as linter-style text, JSON lines or CSV (atomically; stdout when no file).

text:  ``file:line: CODE message（建议：…） [级别 项目N 第M行]`` one finding a line;
jsonl: one object per finding with the fields of spec/output.md plus every Finding field;
csv:   the same fields as columns (UTF-8 with BOM so spreadsheet programs read the Chinese).
"""

from __future__ import annotations

import contextlib
import csv
import json
from collections.abc import Iterable
from dataclasses import fields

from auditor.model import Finding
from auditor.report.atomic import atomic_open

# output.md fields first, then the rest of Finding.
FIELDS = ["source", "project_no", "project_code", "row", "rule", "severity", "message", "suggestion"]
FIELDS += [f.name for f in fields(Finding) if f.name not in FIELDS]

_SEVERITY_CN = {"error": "错误", "warning": "警告", "info": "提示"}


def text_line(f: Finding) -> str:
    """``file:line: CODE message（建议：…） [级别 项目N 第M行]``."""
    where = f"{f.source}:{f.line}" if f.line else f.source
    line = f"{where}: {f.rule} {f.message}"
    if f.suggestion:
        line += f"（建议：{f.suggestion}）"
    place = [_SEVERITY_CN.get(f.severity, f.severity)]
    if f.project_no is not None:
        place.append(f"项目{f.project_no}")
    if f.row is not None:
        place.append(f"第{f.row}行")
    return f"{line} [{' '.join(place)}]"


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
            self._csv = csv.DictWriter(self.out, fieldnames=FIELDS, lineterminator="\n")
            self._csv.writeheader()

    def add(self, findings: Iterable[Finding]) -> None:
        for f in findings:
            self.count += 1
            if self.fmt == "text":
                self.out.write(text_line(f) + "\n")
                continue
            record = f.to_dict()
            if self.fmt == "jsonl":
                self.out.write(json.dumps({k: record[k] for k in FIELDS}, ensure_ascii=False) + "\n")
            else:
                self._csv.writerow({k: "" if record[k] is None else record[k] for k in FIELDS})

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


def write_findings(findings: Iterable[Finding], fmt: str, output: str | None) -> None:
    """Write ``findings`` in ``fmt`` (text|jsonl|csv) to ``output`` (a path, or stdout when None)."""
    with FindingsWriter(fmt, output) as writer:
        writer.add(findings)
