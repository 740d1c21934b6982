"""Indicator rows: cells placed under their header roles, merged labels filled down, split rows joined."""

from __future__ import annotations

import re

from auditor.model import Block, Indicator
from auditor.parse.assemble import align, stream_rows
from auditor.parse.project import clean_markup, finish_project, money, start_project
from auditor.parse.roles import fit, kind_of
from auditor.parse.state import DocState
from auditor.parse.vocab import allowed_under, comparators, level_key, norm, parent_of, plain_label, split_note


def indicator_row(state: DocState, cells: list[str], block: Block) -> None:
    """One row of an indicator table. A row as wide as the header is read by position (a page
    break may have split it); a narrower one lost its empty cells and is aligned by content."""
    project = state.project
    assert project is not None
    if (
        state.roles
        and len(cells) < state.width  # (a row as wide as the header is read by position)
        and (
            not _positional(state.roles, cells, state.width, state.header_row)
            or _moved(state.above, cells, state.width)
        )
    ):
        if _rest_of_last(state, cells):
            return
        add_placed(state, align(state.roles, cells, state.level1, state.above), block)
        return
    if state.flat:
        add_placed(state, {i: c for i, c in enumerate(cells) if c.strip()}, block)
        return
    if state.level_columns and len(cells) >= state.width and _foreign(state.level_columns, cells):
        state.in_indicators = False  # another table's rows (序号 | 乡镇 | 养护里程 …) under the indicators
        if state.trace is not None:
            state.trace.append(("skipped", block, "一级/二级指标列中不是指标层级：另一张表，指标表到此结束"))
        return
    state.last_column = len(cells) - 1
    state.above = dict(enumerate(cells))
    got = _map_row(state.columns, cells)
    if not (
        got.get("level1")
        or got.get("level2")
        or got.get("name")
        or got.get("description")
        or got.get("value")
        or got.get("basis")
        or got.get("unit")
    ):
        return
    value = _join_value(got.get("direction", ""), got.get("value", ""), got.get("unit", ""))
    last = project.indicators[-1] if project.indicators else None
    if last is not None and _is_continuation(got, value, last, state.after_break, state.columns):
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
    _add(state, got, value, block, aligned=False)


_LEVEL_PART = re.compile(r"指标|产出|效益|满意|成本|数量|质量|时效|影响")


def _moved(above: dict[int, str], cells: list[str], width: int) -> bool:
    """A short row holding the row above's text of another column (a boilerplate column shifted left)."""
    if len(cells) >= width or not above:
        return False
    return any(
        text.strip() and above.get(i) != text and text in above.values() and len(text) > 6
        for i, text in enumerate(cells)
    )


def _positional(roles: list[str], cells: list[str], width: int, header: list[str]) -> bool:
    """Whether a row can be read by position: as wide as the header, or every cell fits the
    column it stands in (a row cut by a page break keeps its empty cells)."""
    if len(cells) >= width:
        return True
    for index, cell in enumerate(cells):
        if not cell.strip() or index >= len(roles) or roles[index] == "skip":
            continue
        role, kind = roles[index], kind_of(cell)
        if role == "caption":
            if index < len(header) and norm(cell) == header[index]:
                continue  # the caption repeated on every row (a merged cell copied down)
            return False
        if fit(role, kind) is None:
            size = len(norm(cell))
            if (
                role in ("level1", "level2")
                and kind == "text"
                and (size <= 2 or (size <= 5 and _LEVEL_PART.search(cell)))
            ):
                continue  # the tail of a level label wrapped over a page break (满意度指 | 标)
            return False
    return True


def _foreign(columns: tuple[int, int], cells: list[str]) -> bool:
    """A full row whose 一级 and 二级 cells both hold text that names no level at all."""
    one, two = cells[columns[0]], cells[columns[1]]
    if not one or not two or one.isspace() or two.isspace():
        return False
    return all(kind_of(t) not in ("l1", "l2", "l12") and not _LEVEL_PART.search(t) for t in (one, two))


def _rest_of_last(state: DocState, cells: list[str]) -> bool:
    """A short row that carries the rest of the row above (a cell ended in a line break):
    its cells fit the columns after the last one the row above filled (| 好 | 10 |)."""
    project = state.project
    if project is None or not project.indicators or state.last_column < 0:
        return False
    items = [c for c in cells if c.strip()]
    first = items[0] if items else ""
    if not items or (kind_of(first) == "text" and len(norm(first)) > 4):
        return False
    rest = state.roles[state.last_column + 1 :]
    if len(items) > len(rest) or any(kind_of(c) in ("l1", "l2", "l12") for c in items):
        return False
    placed = align(rest, items)
    if len(placed) < len(items):
        return False
    last = project.indicators[-1]
    for offset, text in placed.items():
        role = rest[offset]
        if role == "value" and not last.value:
            last.value = text
        elif role in ("actual", "weight", "score", "deviation", "description", "basis") and not getattr(last, role):
            setattr(last, role, text)
    state.last_column += max(placed) + 1
    return True


def stream_rows_of(state: DocState, cells: list[str], block: Block, offset: int = 0) -> None:
    """A run of cells without row boundaries, cut into rows by content and the header.
    ``offset``: where ``cells`` start in the block (for each row's source line)."""
    for placed, first in stream_rows(state.roles, cells, state.level1):
        line = block.lines[offset + first] if offset + first < len(block.lines) else block.line
        add_placed(state, placed, block, line)


def add_placed(state: DocState, placed: dict[int, str], block: Block, line: int = 0) -> None:
    """A row assembled by content (column index → text) added to the open project."""
    got: dict[str, str] = {}
    state.last_column = max(placed) if placed else -1
    state.above = placed
    for index in sorted(placed):
        role, text = state.roles[index], placed[index].strip()
        if role == "skip" or role.startswith("mid:") or not text:
            continue
        if role == "direction" and got.get("direction"):
            if norm(text) in comparators():
                got["direction"], text = text, got["direction"]
            got.setdefault("direction_note", text)
            continue
        if role == "ctx:unit" and got.get(role, "").isdigit():
            got[role] = text  # 单位名称 over 单位编码
        got.setdefault(role, text)
    if got.get("ctx:name") or got.get("ctx:code"):
        context_project(state, got, block)
    project = state.project
    if project is None:
        return
    last = project.indicators[-1] if project.indicators else None
    content = [f for f in ("name", "value", "description", "basis", "actual") if got.get(f)]
    if not content:
        _levels(state, got)  # a label row (产出指标 (40-50)分, 质量指标 alone): fills the rows below
        return
    if _template_row(got):
        _levels(state, got)
        return
    value = _join_value(got.get("direction", ""), got.get("value", ""), got.get("unit", ""))
    if last is None and not got.get("name") and not got.get("level1") and not got.get("level2"):
        return  # a stray number or word before the first indicator (a total score under the header)
    if last is not None and not got.get("name") and not got.get("level1") and not got.get("level2"):
        # the rest of the row above, after a cell that ended in a line break (| 有效 |)
        if value and not last.value:
            last.value = value
            return
        if value and last.value and not last.actual and "actual" in state.roles:
            last.actual = got.get("value", "")
            for key in ("weight", "score"):
                if got.get(key) and not getattr(last, key):
                    setattr(last, key, got[key])
            return
        if not value:
            for key in ("description", "basis", "actual"):
                if got.get(key) and not getattr(last, key):
                    setattr(last, key, got[key])
            return
    _add(state, got, value, block, line=line)


_TEMPLATE_NAME = re.compile(r"^(?:指标\s*\d+\s*[:：.、]?|…+|\.{3,}|—+|-+)$")


def context_project(state: DocState, got: dict[str, str], block: Block) -> None:
    """A flat sheet's project columns (单位名称 | 项目名称 | 预算数 | 年度目标) on a row: a new
    project starts where they name another project than the open one."""
    name = got.get("ctx:name", "").strip()
    code = got.get("ctx:code", "").strip()
    project = state.project
    if project is not None and (norm(name) == norm(project.name) or (not name and code == project.code)):
        return
    columns, roles, width = state.columns, state.roles, state.width
    if project is None or project.indicators or not state.name_from_title:
        finish_project(state)
        start_project(state, block)  # (a project named only by the sheet's title is taken over)
    state.columns, state.roles, state.width = columns, roles, width
    state.in_indicators = True
    new = state.project
    assert new is not None
    state.found_header.add(id(new))
    new.name, new.code = name or new.name, code
    state.name_from_title = False
    if got.get("ctx:budget"):
        column = state.header_row[state.roles.index("ctx:budget")] if "ctx:budget" in state.roles else ""
        unit = m.group(1) if (m := re.search(r"\((万元|千元|元)\)", column)) else state.project_unit
        new.budget = money(got["ctx:budget"], unit)
    if got.get("ctx:goal"):
        new.goal = clean_markup(got["ctx:goal"])
    if got.get("ctx:unit"):
        new.owner = got["ctx:unit"]


def _template_row(got: dict[str, str]) -> bool:
    """A template row with neither name nor value (指标2, ……)."""
    name = norm(got.get("name", ""))
    return (not name or bool(_TEMPLATE_NAME.match(name))) and not norm(got.get("value", ""))


def _levels(state: DocState, got: dict[str, str]) -> tuple[str, str]:
    """The row's 一级/二级 after filling down, and the table's current labels updated."""
    level1, level2 = got.get("level1", ""), got.get("level2", "")
    if level1:
        same = level_key(level1) == level_key(state.level1)  # a 一级 printed in the middle of its span
        state.level1, state.level2 = level1, (state.level2 if same else "")
    if level2:
        if not level1:
            current = state.level1
            inferred = parent_of(level2)
            if inferred and (not current or not allowed_under(current, level2)):
                state.level1 = level1 = inferred  # a 二级 printed without its 一级: the frame's 一级
            else:
                level1 = current
        state.level2 = level2
    return level1 or state.level1, level2 or state.level2


def _add(state: DocState, got: dict[str, str], value: str, block: Block, aligned: bool = True, line: int = 0) -> None:
    project = state.project
    assert project is not None
    if not aligned and not (got.get("name") or got.get("value") or got.get("description") or got.get("basis")):
        _levels(state, got)  # a label row read by position: it fills the rows below
        return
    last = project.indicators[-1] if project.indicators else None
    if aligned:
        level1, level2 = _levels(state, got)
    else:  # a row read by position: merged cells filled down from the row above
        level1 = got.get("level1", "")
        if not level1 and "level1" not in state.columns.values():
            level1 = parent_of(got.get("level2", ""))  # no 一级指标 column: the official frame
        level1 = level1 or (last.level1 if last else "")
        level2 = got.get("level2", "") or (last.level2 if last else "")
        state.level1, state.level2 = level1, level2
    label1, note1, weight1 = split_note(plain_label(level1))
    label2, note2, weight2 = split_note(plain_label(level2))
    indicator = Indicator(
        row=len(project.indicators) + 1,
        level1=label1,
        level2=label2,
        name=got.get("name", ""),
        description=got.get("description", ""),
        value=value,
        basis=got.get("basis", ""),
        line=line or block.line,
        where=block.where,
        direction=got.get("direction_note") or got.get("direction", ""),  # 正向/反向 over ≥ (already in the value)
        unit_column=got.get("unit", ""),
        level_note=note2 or note1,
        weight=got.get("weight", "") or weight2 or weight1,
        actual=got.get("actual", ""),
        score=got.get("score", ""),
        deviation=got.get("deviation", ""),
    )
    if got.get("level1"):
        _centred_level1(state.filled_down, got["level1"])
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
        if index in columns:
            continue
        text = cell.strip()
        if not text:
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
    got: dict[str, str], value: str, last: Indicator, after_break: bool, columns: dict[int, str] | None = None
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
    present = set(columns.values()) if columns is not None else None  # the fields the table has
    wanted = {"description", "value", "basis"} & (present or {"description", "value", "basis"})
    if "value" not in wanted and present and ({"direction", "unit"} & present):
        wanted.add("value")
    filled = sum(1 for key in ("description", "basis") if key in wanted and got.get(key)) + bool(value)
    return filled < len(wanted)


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
