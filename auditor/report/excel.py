"""findings.xlsx for reviewers: one sheet of findings, one of scores (projects and departments).

A department's rows are rendered by ``department_rows`` in the worker that scored it; the
writer in the main process only appends them (report/xlsx.py), so a run of thousands of
departments streams to disk instead of holding every cell in memory.
"""

from __future__ import annotations

from operator import attrgetter
from pathlib import Path

from auditor.model import Department, Finding, Score
from auditor.report.xlsx import Sheet, Workbook

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
    ("id", "问题编号"),  # stable across resubmissions (auditor/identity.py)
    ("disposition", "处理意见"),  # filled in by reviewers: 采纳 / 不采纳 / 已沟通 (auditor/dispositions.py)
    ("reason", "理由"),
]
FINDING_WIDTHS = [22, 9, 20, 8, 22, 28, 5, 9, 16, 8, 50, 40, 20, 8, 22, 10, 30]
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
WRAPPED = {"问题", "修改建议", "扣分明细", "项目名称", "理由"}  # long text: wrapped in its cell
_finding_values = attrgetter(*(key for key, _ in FINDING_COLUMNS))
FINDINGS_SHEET = Sheet(
    "问题清单",
    [label for _, label in FINDING_COLUMNS],
    FINDING_WIDTHS,
    WRAPPED,
    {"处理意见": ("采纳", "不采纳", "已沟通")},
)
SCORES_SHEET = Sheet("评分", SCORE_COLUMNS, SCORE_WIDTHS, WRAPPED)


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


def department_rows(dept: Department, findings: list[Finding], scores: list[Score]) -> tuple[list[str], list[str]]:
    """One department's rows of both sheets, rendered (in whichever process builds the department)."""
    found = [FINDINGS_SHEET.row(_finding_values(f)) for f in findings]
    return found, [SCORES_SHEET.row(_score_row(s, dept.code, dept.name)) for s in scores]


def findings_book(path: Path) -> Workbook:
    """findings.xlsx being written: add each department's ``department_rows`` sheet by sheet."""
    return Workbook(path, [FINDINGS_SHEET, SCORES_SHEET])
