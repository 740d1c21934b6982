"""findings.xlsx for reviewers: one sheet of findings, one of scores (projects and departments).

Written with xlsxwriter in constant-memory mode, one department at a time, so a run of
thousands of departments streams to disk instead of holding every cell in memory.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

from auditor.model import Department, Finding, Score
from auditor.report.atomic import publish

FINDING_COLUMNS = [
    ("source", "文件"),
    ("department_code", "部门编码"),
    ("department", "部门"),
    ("project_no", "项目序号"),
    ("project_code", "项目编码"),
    ("project", "项目名称"),
    ("row", "行"),
    ("field", "字段"),
    ("rule", "规则"),
    ("severity", "级别"),
    ("message", "问题"),
    ("suggestion", "修改建议"),
    ("related", "相关项目"),
    ("line", "源文件行"),
]
FINDING_WIDTHS = [22, 9, 20, 8, 22, 28, 5, 9, 16, 8, 50, 40, 20, 8]
SCORE_COLUMNS = [
    "文件",
    "部门编码",
    "部门",
    "层级",
    "项目序号",
    "项目编码",
    "项目名称",
    "预算数（万元）",
    "得分",
    "等级",
    "审核结论",
    "扣分明细",
]
SCORE_WIDTHS = [22, 9, 20, 6, 8, 22, 30, 12, 8, 6, 10, 60]
WRAPPED = {"问题", "修改建议", "扣分明细", "项目名称"}  # long text: wrapped in its cell
MAX_ROWS = 1_048_576  # Excel's limit per sheet; further rows go to a continuation sheet
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}


def _cell(value):
    """openpyxl refuses control characters; document text may contain them."""
    return value.translate(_ILLEGAL) if isinstance(value, str) else value


class _Sheet:
    """One logical sheet: header, widths, wrapped columns, continued on a new sheet past Excel's limit."""

    def __init__(self, book, title: str, header: list[str], widths: list[int], formats: dict):
        self.book, self.title, self.header, self.widths, self.formats = book, title, header, widths, formats
        self.wrap = [formats["wrap"] if label in WRAPPED else None for label in header]
        self.parts = 0
        self._new()

    def _new(self) -> None:
        self.parts += 1
        self.ws = self.book.add_worksheet(self.title if self.parts == 1 else f"{self.title}{self.parts}")
        for i, width in enumerate(self.widths):
            self.ws.set_column(i, i, width)
        self.ws.freeze_panes(1, 0)
        self.ws.write_row(0, 0, self.header, self.formats["head"])
        self.rows = 1

    def append(self, values: list) -> None:
        if self.rows >= MAX_ROWS:
            self.finish()
            self._new()
        write, write_string = self.ws.write, self.ws.write_string
        for col, (value, fmt) in enumerate(zip(values, self.wrap, strict=True)):
            if value is None or value == "":
                continue
            value = _cell(value)
            if value.__class__ is str and value:  # what write() would do, without its type dispatch
                write_string(self.rows, col, value, fmt)
            else:
                write(self.rows, col, value, fmt)
        self.rows += 1

    def finish(self) -> None:
        self.ws.autofilter(0, 0, self.rows - 1, len(self.header) - 1)


def _score_row(s: Score, code: str, name: str) -> list:
    return [
        s.source,
        code,
        name,
        "部门" if s.project_no is None else "项目",
        s.project_no,
        s.project_code,
        s.project,
        s.budget,
        s.score,
        s.grade,
        s.decision,
        "\n".join(f"-{d.points:g} {d.reason}" for d in s.deductions),
    ]


class XlsxWriter:
    """``add(dept, findings, scores)`` per department, then ``close()``: the file appears whole.

    xlsxwriter in constant-memory mode: each row goes to disk as it is written.
    """

    def __init__(self, path: Path):
        import xlsxwriter

        self.path = Path(path)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part.xlsx", dir=self.path.parent)
        os.close(fd)
        options = {"constant_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
        options["strings_to_numbers"] = False
        self.book = xlsxwriter.Workbook(self._tmp, options)
        formats = {
            "head": self.book.add_format({"bold": True, "bg_color": "#DCE6F1", "valign": "top"}),
            "wrap": self.book.add_format({"text_wrap": True, "valign": "top"}),
        }
        self.findings = _Sheet(self.book, "问题清单", [label for _, label in FINDING_COLUMNS], FINDING_WIDTHS, formats)
        self.scores = _Sheet(self.book, "评分", SCORE_COLUMNS, SCORE_WIDTHS, formats)

    def add(self, dept: Department, findings: list[Finding], scores: list[Score]) -> None:
        for f in findings:
            self.findings.append([getattr(f, key) for key, _ in FINDING_COLUMNS])
        for s in scores:
            self.scores.append(_score_row(s, dept.code, dept.name))

    def close(self) -> Path:
        self.findings.finish()
        self.scores.finish()
        try:
            self.book.close()
            publish(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise
        return self.path

    def abort(self) -> None:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._tmp)
