"""Indicator rows: cells placed under their header roles, merged labels filled down, split rows joined."""

from __future__ import annotations

import re

from auditor.model import Block, Indicator
from auditor.parse.state import DocState
from auditor.parse.vocab import comparators, norm, parent_of


def indicator_row(state: DocState, cells: list[str], block: Block) -> None:
    project = state.project
    assert project is not None
    got = _map_row(state.columns, cells)
    if not any(got.get(f) for f in ("level1", "level2", "name", "description", "value", "basis", "unit")):
        return
    value = _join_value(got.get("direction", ""), got.get("value", ""), got.get("unit", ""))
    last = project.indicators[-1] if project.indicators else None
    if last is not None and _is_continuation(got, value, last, state.after_break, set(state.columns.values())):
        for key in ("name", "description", "basis"):
            if got.get(key):
                setattr(last, key, _join(getattr(last, key), got[key]))
        if value:
            last.value = _join(last.value, value)
        if got.get("level2") and got["level2"] != last.level2:
            last.level2 = _join(last.level2, got["level2"])
        state.after_break = False
        return
    state.after_break = False
    level1 = got.get("level1", "")
    if not level1 and "level1" not in state.columns.values():
        level1 = parent_of(got.get("level2", ""))  # no 一级指标 column: the official frame
    indicator = Indicator(
        row=len(project.indicators) + 1,
        level1=level1 or (last.level1 if last else ""),
        level2=got.get("level2", "") or (last.level2 if last else ""),
        name=got.get("name", ""),
        description=got.get("description", ""),
        value=value,
        basis=got.get("basis", ""),
        line=block.line,
        direction=got.get("direction", ""),
        unit_column=got.get("unit", ""),
    )
    if level1:
        _centred_level1(state.filled_down, level1)
        state.filled_down = []
    else:
        state.filled_down.append(indicator)
    project.indicators.append(indicator)


def _centred_level1(filled: list[Indicator], level1: str) -> None:
    """A merged 一级指标 cell whose text a PDF export put on a middle row of its group: the rows just above,
    filled down from the group before, take it back when the official frame puts their 二级指标 under it."""
    key = norm(level1)
    for indicator in reversed(filled):
        frame = norm(parent_of(indicator.level2)) or None
        if frame is None or frame == norm(indicator.level1) or frame not in (key, key + "指标"):
            break
        indicator.level1 = level1


_LEVEL_WORD = re.compile(r"指标|产出|效益|满意|成本|数量|质量|时效|影响")


def foreign_row(state: DocState, cells: list[str]) -> bool:
    """A row whose 一级/二级 cells name no indicator level at all (收入, 项目, 一、一般公共预算拨款收入 …)."""
    got = _map_row(state.columns, cells)
    last = state.project.indicators[-1] if state.project and state.project.indicators else None
    levels = [
        (text, getattr(last, key) if last else "") for key in ("level1", "level2") if (text := norm(got.get(key, "")))
    ]
    return bool(levels) and not any(
        _LEVEL_WORD.search(text) or (norm(before) + text).endswith("指标") for text, before in levels
    )  # (满意度指 | 标: the tail of a level name wrapped over the page break is not foreign)


def _map_row(columns: dict[int, str], cells: list[str]) -> dict[str, str]:
    """Cells → fields by header position; text in an unnamed column goes to an empty neighbour."""
    got: dict[str, str] = {}
    for index, kind in columns.items():
        if index < len(cells) and kind != "skip":
            got[kind] = cells[index].strip()
    for index, cell in enumerate(cells):
        text = cell.strip()
        if not text or index in columns:
            continue
        if any(0 <= j < len(cells) and cells[j].strip() == text for j in (index - 1, index + 1)):
            continue  # a merged cell repeated into the unnamed column
        for neighbour in (index + 1, index - 1):
            kind = columns.get(neighbour)
            if kind and kind != "skip" and not got.get(kind):
                got[kind] = text
                break
    return got


def _is_continuation(
    got: dict[str, str], value: str, last: Indicator, after_break: bool, present: set[str] | None = None
) -> bool:
    """A row that only carries the rest of the previous row's cells (text split by a page break).

    Without a 三级指标 it continues the previous row, even when the new page repeats the
    merged 一级/二级 cells. With one, only right after a page break, with the 一级/二级
    cells blank and some of the other cells the table has (描述, 指标值, 依据) empty.
    """
    level1, level2 = got.get("level1", ""), got.get("level2", "")
    if level2 and not level1 and not parent_of(last.level2) and parent_of(last.level2 + level2):
        return True  # the 二级指标 itself wrapped over the page break (服务对象满 | 意度指标)
    if not got.get("name"):
        return level1 in ("", last.level1) and level2 in ("", last.level2)
    if level1 or level2 or not after_break:
        return False
    columns = {"description", "value", "basis"} & (present or {"description", "value", "basis"})
    if "value" not in columns and present and ({"direction", "unit"} & present):
        columns.add("value")
    filled = sum(1 for key in ("description", "basis") if key in columns and got.get(key)) + bool(value)
    return filled < len(columns)


def _join(head: str, tail: str) -> str:
    """Glue text split by a page break: directly, except between two Latin words."""
    if not head:
        return tail
    if re.search(r"[A-Za-z]$", head) and re.match(r"^[A-Za-z]", tail):
        return head + " " + tail
    return head + tail


def _join_value(direction: str, value: str, unit: str) -> str:
    """指标值 as written, with a separate 指标方向 and 计量单位 column joined in (≥ + 95 + % → ≥95%)."""
    direction = direction.strip()
    if direction and norm(direction) in comparators() and not value.startswith(direction):
        value = direction + value
    unit = unit.strip()
    if unit and value and not norm(value).endswith(norm(unit)):
        value = value + unit
    return value
