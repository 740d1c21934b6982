"""Aligned rows → Blocks the parser reads: a header of plain column names, then one full-width
row per 三级指标 with merged 一级/二级 labels filled down, and a value written as it reads
(comparator + number + unit: 大于等于 + 95 + % → 大于等于95%)."""

from __future__ import annotations

import re

from auditor.model import Block
from auditor.read.split import words
from auditor.read.split.align import Row

# Column role → the header text written for it (spellings every parser version knows).
HEADER = {
    "level1": "一级指标",
    "level2": "二级指标",
    "name": "三级指标",
    "description": "指标解释",
    "sign": "指标性质",
    "value": "指标值",
    "unit": "计量单位",
    "weight": "分值",
    "actual": "实际完成值",
    "score": "得分",
    "deviation": "偏差原因",
    "basis": "评价标准",
}
PROJECT_LABELS = {"project": "项目名称", "unit_name": "单位名称", "budget": "预算数", "goal": "年度绩效目标"}
_DIRECTIONS = frozenset({"正向", "反向", "定性", "定量", "正向指标", "反向指标"})
_NO_ROW = re.compile(r"^(?:…+|\.{3,}|总分|合计|总计|小计|指标\d*[:：.、]?)$")


def header_block(roles: list[str], line: int) -> tuple[Block, list[str]]:
    """The header Block for the roles present (project columns and captions left out)."""
    order = list(HEADER)
    keep = sorted({r for r in roles if r in HEADER} | {"level1", "level2", "name", "value"}, key=order.index)
    return Block([HEADER[r] for r in keep], line), keep


def build(rows: list[Row], roles: list[str], line: int) -> list[Block]:
    """Blocks for one table: project facts where a row carries them, a header, the indicator rows."""
    blocks: list[Block] = []
    head, keep = header_block(roles, line)
    level1 = level2 = ""
    inferred = False  # the 一级 came from the frame, not from the table: infer it again for the next 二级
    header_written = False
    for row in rows:
        got: dict[str, str] = {}
        signs: list[str] = []
        for col, toks in sorted(row.cells.items()):
            role = roles[col]
            text = "".join(t.text for t in toks).strip()
            if role == "sign":
                signs.append(text)
            elif role in got:
                got[role] += text
            else:
                got[role] = text
        if any(got.get(r) for r in PROJECT_LABELS):
            first = True
            for role, label in PROJECT_LABELS.items():
                if got.get(role):
                    blocks.append(Block([label, got[role]], row.line, 0 if first else -1))
                    first = False
            header_written = False
            level1 = level2 = ""
        if got.get("level1"):
            level1, level2, inferred = got["level1"], "", False
        if got.get("level2"):
            level2 = got["level2"]
            if not level1 or inferred:
                level1, inferred = words.inferred_level1(level2), True
        name = got.get("name", "")
        if not name and not got.get("value"):
            continue  # a label-only row: its labels are filled down
        if _NO_ROW.match(words.bare(name)) and not got.get("value"):
            continue
        if words.bare(name) in ("总分", "合计", "总计"):
            continue
        if not header_written:
            blocks.append(Block(list(head.cells), head.line, -1 if blocks else 0))
            header_written = True
        direction = "".join(s for s in signs if s in _DIRECTIONS)
        comparator = "".join(s for s in signs if s not in _DIRECTIONS)
        value = got.get("value", "")
        unit = got.get("unit", "")
        if comparator and not value.startswith(comparator):
            value = comparator + value
        if unit and value and not value.endswith(unit):
            value = value + unit
        out = {"level1": level1, "level2": level2, "value": value, "sign": direction, **_rest(got)}
        blocks.append(Block([out.get(r, "") for r in keep], row.line, -1))
    return blocks


def _rest(got: dict[str, str]) -> dict[str, str]:
    return {k: v for k, v in got.items() if k not in ("level1", "level2", "value", "sign")}
