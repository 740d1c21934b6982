"""Turn a rule's YAML examples into Departments and run the catalog on them.

A row example is a mapping ``{level1, level2, name, description, value, basis, budget, year,
table_unit}``; a project example has ``projects: [{name, budget, goal, rows: [[一级, 二级,
三级, 指标值] or [一级, 二级, 三级, 描述, 指标值]]}]``; ``departments: [{projects: ...}]`` spans
several documents (for cross-document rules), each optionally with its own ``code``, ``department``
and ``year``. Used by tests and by anyone checking a new rule.
"""

from __future__ import annotations

from typing import Any

from auditor.model import Department, Finding, Indicator, Project


def _project(no: int, spec: dict[str, Any]) -> Project:
    project = Project(
        no=no,
        code=str(spec.get("code", f"EX{no:03d}")),
        name=spec.get("name", f"示例项目{no}"),
        budget=spec.get("budget"),
        goal=spec.get("goal", "1.示例项目的年度绩效目标：完成10次培训。"),
    )
    for i, row in enumerate(spec.get("rows", []), start=1):
        cells = [str(c) for c in row]
        if len(cells) == 4:
            cells.insert(3, "")
        level1, level2, name, description, value = cells[:5]
        project.indicators.append(
            Indicator(row=i, level1=level1, level2=level2, name=name, description=description, value=value, line=i)
        )
    return project


def _department(no: int, spec: dict[str, Any], year: int, unit: str) -> Department:
    code, name = str(spec.get("code", f"D{no}")), spec.get("department", f"示例部门{no}")
    dept = Department(source=f"example{no}.txt", code=code, name=name, year=int(spec.get("year", year)), unit=unit)
    dept.projects = [_project(i, p) for i, p in enumerate(spec.get("projects", []), start=1)]
    return dept


def example_departments(example: dict[str, Any]) -> list[Department]:
    """The Department(s) an example describes."""
    year = int(example.get("year", 2024))
    unit = example.get("table_unit", "万元")
    if "departments" in example:
        return [_department(i, d, year, unit) for i, d in enumerate(example["departments"], start=1)]
    if "projects" in example:
        return [_department(1, example, year, unit)]
    row = [
        example.get("level1", ""),
        example.get("level2", ""),
        example.get("name", ""),
        example.get("description", ""),
        example.get("value", ""),
    ]
    project = {"name": example.get("project", "示例项目"), "budget": example.get("budget"), "rows": [row]}
    return [_department(1, {"projects": [project]}, year, unit)]


def run_example(code: str, example: dict[str, Any], config=None) -> list[Finding]:
    """The findings of rule ``code`` on one example (the whole catalog runs, so ``unless`` holds)."""
    from auditor.checks import run_checks

    return [f for f in run_checks(example_departments(example), config) if f.rule == code]
