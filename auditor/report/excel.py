"""findings.xlsx for reviewers: one sheet of findings, one of scores (projects and departments).

Written in openpyxl's write-only mode, one department at a time, so a run of thousands of
departments streams to disk instead of holding every cell in memory.
"""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill

from auditor.model import Department, Finding, Score
from auditor.report.atomic import atomic_path

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

    def __init__(self, book: Workbook, title: str, header: list[str], widths: list[int]):
        self.book, self.title, self.header, self.widths = book, title, header, widths
        self.wrap = [label in WRAPPED for label in header]
        self.parts = 0
        self._new()

    def _new(self) -> None:
        self.parts += 1
        title = self.title if self.parts == 1 else f"{self.title}{self.parts}"
        self.ws = self.book.create_sheet(title)
        for i, width in enumerate(self.widths):
            self.ws.column_dimensions[chr(ord("A") + i)].width = width
        self.ws.freeze_panes = "A2"
        head = []
        for label in self.header:
            cell = WriteOnlyCell(self.ws, value=label)
            cell.style = "表头"
            head.append(cell)
        self.ws.append(head)
        self.rows = 1

    def append(self, values: list) -> None:
        if self.rows >= MAX_ROWS:
            self.finish()
            self._new()
        cells = []
        for value, wrap in zip(values, self.wrap, strict=True):
            value = _cell(value)
            if wrap or (isinstance(value, str) and value.startswith("=")):
                cell = WriteOnlyCell(self.ws, value=value)
                if wrap:
                    cell.style = "换行"
                if isinstance(value, str) and value.startswith("="):
                    cell.data_type = "s"  # document text is never a formula
                value = cell
            cells.append(value)
        self.ws.append(cells)
        self.rows += 1

    def finish(self) -> None:
        """Filters on the header of the last part (earlier parts got theirs when they filled up)."""
        self.ws.auto_filter.ref = f"A1:{chr(ord('A') + len(self.header) - 1)}{self.rows}"


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
    """``add(dept, findings, scores)`` per department, then ``close()``: the file appears whole."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.book = Workbook(write_only=True)
        self.book.add_named_style(NamedStyle(name="表头", font=Font(bold=True), fill=PatternFill("solid", fgColor="DCE6F1")))
        self.book.add_named_style(NamedStyle(name="换行", alignment=Alignment(wrap_text=True, vertical="top")))
        self.findings = _Sheet(self.book, "问题清单", [label for _, label in FINDING_COLUMNS], FINDING_WIDTHS)
        self.scores = _Sheet(self.book, "评分", SCORE_COLUMNS, SCORE_WIDTHS)

    def add(self, dept: Department, findings: list[Finding], scores: list[Score]) -> None:
        for f in findings:
            self.findings.append([getattr(f, key) for key, _ in FINDING_COLUMNS])
        for s in scores:
            self.scores.append(_score_row(s, dept.code, dept.name))

    def close(self) -> Path:
        self.findings.finish()
        self.scores.finish()
        with atomic_path(self.path) as tmp:
            self.book.save(tmp)
        return self.path


def write_xlsx(departments: list[Department], findings: list[Finding], scores: list[Score], path: Path) -> Path:
    """findings.xlsx for departments held in memory."""
    from auditor.report.html import group_by_source

    by_f, by_s = group_by_source(findings), group_by_source(scores)
    writer = XlsxWriter(path)
    for dept in departments:
        writer.add(dept, by_f[dept.source], by_s[dept.source])
    return writer.close()
