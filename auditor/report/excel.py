"""findings.xlsx for reviewers: one sheet of findings, one of scores (projects and departments)."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill

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
_HEAD = PatternFill("solid", fgColor="DCE6F1")
_ILLEGAL = {c: None for c in range(32) if c not in (9, 10, 13)}


def _cell(value):
    """openpyxl refuses control characters; document text may contain them."""
    return value.translate(_ILLEGAL) if isinstance(value, str) else value


def _sheet(ws, header: list[str], rows: list[list], widths: list[int]) -> None:
    ws.append(header)
    for cell in ws[1]:
        cell.font = Font(bold=True)
        cell.fill = _HEAD
    for row in rows:
        ws.append([_cell(v) for v in row])
    for i, width in enumerate(widths):
        ws.column_dimensions[ws.cell(row=1, column=i + 1).column_letter].width = width
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = ws.dimensions


def write_xlsx(departments: list[Department], findings: list[Finding], scores: list[Score], path: Path) -> Path:
    names = {d.source: (d.code, d.name) for d in departments}
    wb = Workbook()
    ws = wb.active
    ws.title = "问题清单"
    rows = [[getattr(f, key) for key, _ in FINDING_COLUMNS] for f in findings]
    _sheet(ws, [label for _, label in FINDING_COLUMNS], rows, [22, 9, 20, 8, 22, 28, 5, 9, 16, 8, 50, 40, 20, 8])
    rows = []
    for s in scores:
        code, name = names.get(s.source, ("", ""))
        rows.append(
            [
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
        )
    _sheet(wb.create_sheet("评分"), SCORE_COLUMNS, rows, [22, 9, 20, 6, 8, 22, 30, 12, 8, 6, 10, 60])
    with atomic_path(path) as tmp:
        wb.save(tmp)
    return path
