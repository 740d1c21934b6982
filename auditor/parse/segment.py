"""Table segmentation: the walk over a document's blocks that opens and closes projects, finds
indicator headers and hands each row to the project-fact or indicator-row readers."""

from __future__ import annotations

import re

from auditor.model import Block, Department, Project
from auditor.parse.department import department_facts
from auditor.parse.header import combine_header, header_fields, indicator_header, join_header
from auditor.parse.project import clean_markup, header_continuation, header_labels, split_inline_labels, store_plan
from auditor.parse.rows import foreign_row, indicator_row
from auditor.parse.state import DocState
from auditor.parse.vocab import column_of, label_of, norm

_MONEY_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|元)")
_CLOSING = re.compile(
    r"绩效目标|部门整体|政府采购|国有资产|名词解释|其他需要说明|^第[一二三四五六七八九十]+部分|^[一二三四五六七八九十]+、"
)
# A caption row spanning the indicator table, above its header (not goal text, not a 三级指标 column).
_CAPTIONS = {"绩效指标", "年度绩效指标", "项目绩效指标", "绩效指标体系", "年度绩效指标体系"}
# The title of another budget table (部门收支总表, 一般公共预算支出表 …): it ends the open project.
_OTHER_TABLE = re.compile(r"^(?!.*绩效).{0,30}(收支|收入|支出|预算|拨款|经费|采购|资产|三公).{0,12}表(\(续表?\))?$")


def parse_blocks(blocks: list[Block], source: str, path: str = "", info: dict | None = None) -> Department:
    """Turn a reader's Blocks into a Department with its projects and indicator rows."""
    dept = Department(source=source, path=path)
    department_facts(blocks, dept)
    state = DocState(dept=dept)
    for block in blocks:
        cells = [c if isinstance(c, str) else ("" if c is None else str(c)) for c in block.cells]
        if block.table is None:
            _paragraph(state, cells[0] if cells else "", block)
            continue
        _row(state, cells, block)
    _finish_project(state)
    dept.projects = [p for p in state.projects if id(p) in state.found_header]
    if dept.projects:
        dept.unit = state.units.get(id(dept.projects[0]), dept.unit)
    for number, project in enumerate(dept.projects, start=1):
        project.no = number
        if not project.indicators:
            dept.warnings.append(f"文件 {source} 中项目「{project.name or project.code}」的绩效目标表没有指标行")
    if not dept.projects:
        dept.warnings.append(
            f"文件 {source} 中未找到项目支出绩效目标表（没有“一级指标/二级指标/三级指标”表头），未抽取到指标"
        )
    return dept


def _paragraph(state: DocState, text: str, block: Block) -> None:
    text = text.strip()
    if not text:
        return
    compact = norm(text)
    if m := _MONEY_UNIT.search(text):
        state.unit = m.group(1)
        return
    if _is_page_furniture(compact, state) or compact in _CAPTIONS:
        return
    head, sep, _ = compact.partition(":")
    if sep and label_of(head) and not label_of(compact):
        _row(state, [text], block)  # "项目名称：X" written as a paragraph
        return
    in_goal = (
        state.project is not None
        and not state.in_indicators
        and state.last_label == "goal"
        and id(state.project) not in state.found_header
        and not compact.endswith("绩效目标表")
    )  # goal text a PDF export put on lines of its own, before the indicator table: "二、保障…" is not a heading
    if not in_goal and (_CLOSING.search(compact) or (state.in_indicators and _OTHER_TABLE.search(compact))):
        _finish_project(state)
        if compact.endswith("绩效目标表") and "整体" not in compact:
            state.title = _strip_title(text)
    elif state.project is not None and not state.in_indicators and state.last_label == "goal":
        # goal text that a PDF export put on lines of its own
        state.project.goal = (state.project.goal + "\n" + clean_markup(text)).strip()


def _is_page_furniture(compact: str, state: DocState) -> bool:
    """Page numbers and running headers that a PDF repeats on every page."""
    if re.fullmatch(r"[-—–]*(第?\d+页?(共\d+页)?|\d+/\d+)[-—–]*", compact):
        return True
    dept = state.dept
    return bool(dept.name) and compact in {norm(dept.code + dept.name), norm(dept.name)}


def _strip_title(text: str) -> str:
    text = re.sub(r"^\s*附?表\s*\d+(?:[-—－.]\d+)?\s*[:：、.．]?\s*", "", text.strip())  # 附表3-1：
    text = re.sub(r"^\s*[（(][一二三四五六七八九十\d]+[)）]\s*[、.．]?\s*", "", text)  # （一） (1)
    text = re.sub(r"^\s*(?:[一二三四五六七八九十]+|\d+)\s*[、.．]\s*", "", text)  # 一、 1、 1.
    return re.sub(r"\s*(项目支出)?绩效目标表\s*$", "", text).strip()


def _finish_project(state: DocState) -> None:
    state.in_indicators = False
    state.columns = {}
    if state.project is not None:
        store_plan(state)
    state.project = None


def _row(state: DocState, cells: list[str], block: Block) -> None:
    keys = [norm(c) for c in cells]
    if not any(keys):
        return
    new_table = block.table != state.last_table
    state.last_table = block.table
    if new_table:
        state.after_break = True
    filled = [k for k in keys if k]
    for key in filled:
        if "单位" in key and (m := _MONEY_UNIT.fullmatch(key)):
            state.unit = m.group(1)
    if len(set(filled)) == 1:
        only = filled[0]
        if _MONEY_UNIT.fullmatch(only):
            return
        if only.endswith("绩效目标表"):
            _finish_project(state)
            if "整体" not in only:
                state.title = _strip_title(next(c for c in cells if c.strip()))
            return
        if only.startswith(("注:", "备注:", "说明:")) or only in _CAPTIONS:
            return

    just_header, state.just_header = state.just_header, False
    partial, state.partial_header = state.partial_header, []
    if state.header_keys and state.in_indicators and state.project is not None and just_header:
        joined = join_header(state.header_keys, keys)
        wider = indicator_header(joined)
        head = state.header_keys
        fragments = all(  # every cell completes the header word above it (三级 | 指标)
            i < len(head) and head[i] and column_of(head[i] + key)[0] and column_of(head[i] + key)[1] < 99
            for i, key in enumerate(keys)
            if key
        )
        if fragments or len(set(wider.values()) - {"skip"}) > len(set(state.columns.values()) - {"skip"}):
            state.columns = wider  # the header row itself was wrapped onto a second line
            state.header_keys = []
            return
    named = sum(1 for key in keys if column_of(key)[0])  # cells naming an indicator column
    header = indicator_header(keys) if named >= 3 else {}
    if partial and not new_table:
        # a header over two lines: wrapped (三级 | 指标) or under a spanning caption (绩效指标 over 一级/二级/三级)
        combined = combine_header(partial, keys)
        wider = indicator_header(combined)
        if len(set(wider.values()) - {"skip"}) > len(set(header.values()) - {"skip"}):
            header, keys = wider, combined
    if not header and named >= 2 and header_fields(keys) >= 2:
        state.partial_header = keys  # maybe the first line of a two-line header
        return
    if header:
        if state.project is None:
            if not state.title:
                return  # an indicator table outside any project (部门整体绩效目标表)
            _start_project(state, block)
        state.columns = header
        state.header_keys = keys
        state.just_header = True
        state.in_indicators = True
        state.after_break = bool(state.project.indicators)
        state.found_header.add(id(state.project))
        return

    cells, keys = split_inline_labels(cells, keys)
    labels = [(i, kind) for i, kind in ((i, label_of(k)) for i, k in enumerate(keys)) if kind]
    if labels and any(kind in ("code", "name") for _, kind in labels):
        project = state.project
        kinds = {kind for _, kind in labels}
        if (
            project is None
            or state.in_indicators
            or project.indicators
            or ("code" in kinds and project.code)
            or ("name" in kinds and project.name and not state.name_from_title)
        ):
            _finish_project(state)
            _start_project(state, block)
    if state.in_indicators and state.project is not None and not any(k in ("code", "name") for _, k in labels):
        if new_table and foreign_row(state, cells):
            _finish_project(state)  # another table (收支总表 …) right after a page break, without a title
            return
        indicator_row(state, cells, block)
        return
    if state.project is None:
        return
    if labels:
        state.in_indicators = False
        header_labels(state, cells, keys, labels)
        return
    header_continuation(state, cells, keys)


def _start_project(state: DocState, block: Block) -> None:
    project = Project(no=len(state.projects) + 1, line=block.line)
    state.project = project
    state.project_unit = state.unit or "万元"
    state.units[id(project)] = state.project_unit
    state.projects.append(project)
    state.last_label = ""
    state.pending = {}
    state.filled_down = []
    state.checkpoints = []
    state.in_indicators = False
    state.columns = {}
    project.name = state.title
    state.name_from_title = bool(state.title)
    state.title = ""
