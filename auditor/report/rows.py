"""Write extracted indicator rows (one per 三级指标) as csv, jsonl or xlsx.

Columns follow the output contract (spec/output.md); extra columns come after them.
Every file is written through ``auditor.report.atomic``; csv/jsonl go to stdout when
no output path is given.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator
from typing import Any

from auditor.model import Department
from auditor.report.atomic import atomic_open
from auditor.safe import csv_cell

COLUMNS = [
    "source",
    "department_code",
    "department",
    "year",
    "project_no",
    "project_code",
    "project",
    "budget",
    "row",
    "level1",
    "level2",
    "name",
    "description",
    "value",
    "basis",
]
EXTRA_COLUMNS = ["unit", "fiscal_funds", "other_funds", "line", "where"]
XLSX_HEADERS = {  # the xlsx sheet is for people: Chinese headers (csv/jsonl keep the contract's names)
    "source": "文件",
    "department_code": "部门编码",
    "department": "部门",
    "year": "预算年度",
    "project_no": "项目序号",
    "project_code": "项目编码",
    "project": "项目名称",
    "budget": "预算数（万元）",
    "row": "行",
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "description": "绩效指标描述",
    "value": "指标值",
    "basis": "指标值确定依据",
    "unit": "金额单位",
    "fiscal_funds": "财政资金（万元）",
    "other_funds": "其他资金（万元）",
    "line": "源文件行",
    "where": "位置",
    "direction": "指标方向",
    "unit_column": "计量单位",
    "level_note": "层级标注",
    "weight": "分值",
    "actual": "实际完成值",
    "score": "得分",
    "deviation": "偏差原因",
}
# What the reader took from the table beside the contract's columns: a separate direction or unit
# column, template notes and weights of the level labels, and a self-evaluation's 实际完成值 / 得分 /
# 偏差原因 (never mixed into value).
READ_COLUMNS = ["direction", "unit_column", "level_note", "weight", "actual", "score", "deviation"]


def _number(value: float | None) -> Any:
    if value is None:
        return ""
    return round(value, 6)


def iter_rows(departments: Iterable[Department]) -> Iterator[dict[str, Any]]:
    """One dict per indicator row, in document order."""
    for dept in departments:
        for project in dept.projects:
            for ind in project.indicators:
                yield {
                    "source": dept.source,
                    "department_code": dept.code,
                    "department": dept.name,
                    "year": dept.year if dept.year is not None else "",
                    "project_no": project.no,
                    "project_code": project.code,
                    "project": project.name,
                    "budget": _number(project.budget),
                    "row": ind.row,
                    "level1": ind.level1,
                    "level2": ind.level2,
                    "name": ind.name,
                    "description": ind.description,
                    "value": ind.value,
                    "basis": ind.basis,
                    "unit": dept.unit,
                    "fiscal_funds": _number(project.fiscal_funds),
                    "other_funds": _number(project.other_funds),
                    "line": ind.line,
                    "where": ind.where,
                    "direction": ind.direction,
                    "unit_column": ind.unit_column,
                    "level_note": ind.level_note,
                    "weight": ind.weight,
                    "actual": ind.actual,
                    "score": ind.score,
                    "deviation": ind.deviation,
                }


def write_rows(departments: Iterable[Department], fmt: str, output: str | None) -> int:
    """Write every indicator row of ``departments`` in ``fmt`` (csv|jsonl|xlsx). Returns the row count.

    Departments are consumed as they come (``audit extract`` streams them from its workers), so
    no more than one department's rows are held at a time.
    """
    header = COLUMNS + EXTRA_COLUMNS + READ_COLUMNS
    if fmt not in ("csv", "jsonl", "xlsx"):
        raise ValueError(f"unknown format: {fmt}")
    if fmt == "xlsx" and not output:
        raise ValueError("xlsx output needs a file path")
    count = 0

    def rows() -> Iterator[dict[str, Any]]:
        nonlocal count
        for row in iter_rows(departments):
            count += 1
            yield row

    if fmt == "csv":
        with atomic_open(output) as handle:
            writer = csv.DictWriter(handle, fieldnames=header, lineterminator="\n")
            writer.writeheader()
            writer.writerows({key: csv_cell(value) for key, value in row.items()} for row in rows())
    elif fmt == "jsonl":
        with atomic_open(output) as handle:
            for row in rows():
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
    else:
        _write_xlsx(rows(), header, output)
    return count


def _write_xlsx(rows: Iterable[dict[str, Any]], header: list[str], output: str) -> None:
    from auditor.report.xlsx import Sheet, Workbook

    sheet = Sheet("指标", [XLSX_HEADERS.get(key, key) for key in header], [])
    book = Workbook(output, [sheet])
    try:
        for row in rows:
            book.add(0, [sheet.row([row[key] for key in header])])
    except BaseException:
        book.abort()
        raise
    book.close()
