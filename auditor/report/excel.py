"""findings.xlsx for reviewers: the send-back worklist (report/worklist.py), the findings, the scores.

Headers and values are Chinese throughout: 级别 错误/警告/提示, 字段 三级指标/指标值/….

A department's rows are rendered by ``department_rows`` in the worker that scored it; the
writer in the main process only appends them (report/xlsx.py), so a run of thousands of
departments streams to disk instead of holding every cell in memory.
"""

from __future__ import annotations

from operator import attrgetter
from pathlib import Path

from auditor.model import SEVERITY_CN, Department, Finding, Score
from auditor.report.worklist import PROJECT_COLUMNS, WORKLIST_SHEET
from auditor.report.xlsx import Sheet, Workbook

FIELD_CN = {  # Finding.field as the table names it
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "description": "指标描述",
    "value": "指标值",
    "basis": "确定依据",
    "goal": "绩效目标",
    "code": "项目编码",
    "budget": "预算数",
    "purpose": "资金用途",
    "spend_plan": "资金支出计划",
    "fiscal_funds": "财政资金",
    "other_funds": "其他资金",
}

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
    ("where", "位置"),
    ("id", "问题编号"),  # stable across resubmissions (auditor/identity.py)
    ("disposition", "处理意见"),  # filled in by reviewers: 采纳 / 不采纳 / 已沟通 (auditor/dispositions.py)
    ("reason", "理由"),
]
FINDING_WIDTHS = [22, 9, 20, 8, 22, 28, 5, 9, 16, 8, 50, 40, 20, 8, 16, 22, 10, 30]
SCORE_COLUMNS = [
    "文件",
    "部门编码",
    "部门",
    "层级",
    *PROJECT_COLUMNS,
    "审核结论",
    "结论理由",
    "扣分明细",
]
SCORE_WIDTHS = [22, 9, 20, 6, 8, 22, 30, 12, 8, 6, 10, 36, 60]
WRAPPED = {"问题", "修改建议", "扣分明细", "项目名称", "理由", "结论理由"}  # long text: wrapped in its cell
_KEYS = [key for key, _ in FINDING_COLUMNS]
_GET = attrgetter(*_KEYS)
_SEVERITY, _FIELD = _KEYS.index("severity"), _KEYS.index("field")


def _finding_values(f: Finding) -> list:
    """A finding's cells, severity and field in Chinese."""
    values = list(_GET(f))
    values[_SEVERITY] = SEVERITY_CN.get(f.severity, f.severity)
    values[_FIELD] = FIELD_CN.get(f.field, f.field)
    return values


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
        s.reason,
        "\n".join(f"-{d.points:g} {d.reason}" for d in s.deductions),
    ]


def department_rows(
    dept: Department, findings: list[Finding], scores: list[Score], start: tuple[int, int] = (0, 0)
) -> tuple[list, list]:
    """One department's rows of both sheets, rendered in whichever process builds the department
    and numbered as they will stand (``Sheet.numbered``): ``start`` counts the rows of each sheet
    before them (the findings and the scores of the departments before it)."""
    found = FINDINGS_SHEET.numbered(start[0], map(_finding_values, findings))
    return found, SCORES_SHEET.numbered(start[1], (_score_row(s, dept.code, dept.name) for s in scores))


SHEETS = [WORKLIST_SHEET, FINDINGS_SHEET, SCORES_SHEET]  # department_rows fill sheets 1 and 2

# Reviewers' dispositions whose finding no longer exists (auditor/dispositions.py), added as a last
# sheet when there are any. Its id and disposition columns are named apart from 问题编号 and 处理意见
# on purpose: reading this workbook back as the next round's dispositions must not revive them.
STALE_SHEET = Sheet(
    "过期处理意见",
    ["问题编号（已不存在）", "原处理意见", "理由", "来源文件", "工作表", "行"],
    [24, 10, 40, 28, 14, 6],
    {"理由"},
)


def stale_rows(stale) -> list[str]:
    """The rows of STALE_SHEET for ``stale`` (dispositions.Disposition records)."""
    return [STALE_SHEET.row([d.id, d.disposition, d.reason, d.file, d.sheet, d.line or None]) for d in stale]


def findings_book(path: Path) -> Workbook:
    """findings.xlsx being written: add each department's ``department_rows`` to sheets 1 and 2
    as they come, and the sorted worklist to sheet 0 at the end."""
    return Workbook(path, SHEETS, stream=1)
