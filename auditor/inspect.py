"""``audit inspect FILE``: what the reader saw in one document, for a person checking a layout.

Shows the format and text layout, each indicator table found with its header mapped column by
column to roles, the project facts, every row as read with its source location, and each table
or row run the parser left out with the reason.
"""

from __future__ import annotations

from pathlib import Path

ROLE_CN = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "description": "指标解释",
    "value": "指标值",
    "unit": "计量单位",
    "direction": "指标方向/符号",
    "basis": "依据/标准",
    "weight": "分值/权重",
    "score": "得分",
    "actual": "实际完成值",
    "deviation": "偏差原因",
    "note": "备注",
    "skip": "（不用）",
    "caption": "（跨列标题）",
    "ctx:unit": "项目列：单位",
    "ctx:code": "项目列：编码",
    "ctx:name": "项目列：项目名称",
    "ctx:budget": "项目列：预算数",
    "ctx:goal": "项目列：年度目标",
}


def _role(role: str) -> str:
    if role.startswith("mid:"):
        return "中期/长期 " + ROLE_CN.get(role[4:], role[4:]) + "（不取）"
    return ROLE_CN.get(role, role)


def _place(block) -> str:
    if block is None:
        return ""
    return block.where or f"第 {block.line} 行"


def inspect_lines(path: Path) -> list[str]:
    """The report for one file, as lines of text. Raises InputError when the file cannot be read."""
    from auditor.parse import parse_blocks
    from auditor.read import read_blocks

    blocks, info = read_blocks(path)
    trace: list = []
    dept = parse_blocks(blocks, source=path.name, path=str(path), info=info, trace=trace)
    dept.warnings[:0] = info.get("warnings", [])  # the reader's: tables whose cells it could not tell apart
    tables = sum(1 for b in blocks if b.table is not None)
    out = [
        f"文件 {path.name}：格式 {info.get('format', '')}"
        + (f"，版式 {info['layout']}" if info.get("layout") else "")
        + (f"，编码 {info['encoding']}" if info.get("encoding") else "")
        + (f"，无分隔的表格按 {'、'.join(info['split'])} 读取" if info.get("split") else ""),
        f"读到 {len(blocks)} 段（表格行或单元格串 {tables}，段落 {len(blocks) - tables}）",
        f"部门：{dept.code or '-'} {dept.name or '-'}；年度：{dept.year or '-'}；金额单位：{dept.unit}",
    ]
    headers = [event for event in trace if event[0] == "header"]
    out.append(f"找到指标表表头 {len(headers)} 个：")
    for number, (_, block, cells, roles) in enumerate(headers, start=1):
        out.append(f"  表头 {number}（{_place(block)}）：")
        for cell, role in zip(cells, roles, strict=False):
            out.append(f"    {cell or '（空）'} → {_role(role)}")
    for project in dept.projects:
        out.append(
            f"项目 {project.no}「{project.name or '（无名称）'}」"
            f" 编码 {project.code or '-'}；预算 {'-' if project.budget is None else f'{project.budget:g} 万元'}"
            f"；年度 {project.year or '-'}；单位 {project.owner or '-'}；指标 {len(project.indicators)} 行"
        )
        if project.goal:
            out.append(f"  绩效目标：{project.goal[:80]}")
        for ind in project.indicators:
            extra = [
                f"{label}{value}"
                for label, value in (
                    ("方向 ", ind.direction),
                    ("单位列 ", ind.unit_column),
                    ("注 ", ind.level_note),
                    ("分值 ", ind.weight),
                    ("实际 ", ind.actual),
                    ("得分 ", ind.score),
                    ("偏差 ", ind.deviation),
                )
                if value
            ]
            where = ind.where or f"第 {ind.line} 行"
            out.append(
                f"  {ind.row:>3}. [{where}] {ind.level1 or '-'} / {ind.level2 or '-'} / {ind.name or '（无名称）'}"
                f" = {ind.value or '（空）'}" + (f"  （{'；'.join(extra)}）" if extra else "")
            )
    skipped = [event for event in trace if event[0] == "skipped"]
    if skipped:
        out.append("未读取或到此结束：")
        out += [f"  {_place(block)}：{reason}" for _, block, reason in skipped]
    out += [f"警告：{warning}" for warning in dept.warnings]
    return out
