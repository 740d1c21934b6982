"""Table segmentation: the walk over a document's blocks that opens and closes projects, finds
indicator headers and hands each row to the project-fact or indicator-row readers."""

from __future__ import annotations

import re

from auditor.model import Block, Department
from auditor.parse.department import department_facts
from auditor.parse.header import (
    combine_header,
    header_fields,
    header_roles,
    indicator_header,
    join_header,
    merge_header_lines,
)
from auditor.parse.project import (
    clean_markup,
    finish_project,
    header_continuation,
    header_labels,
    money,
    split_inline_labels,
    start_project,
)
from auditor.parse.rows import add_placed, foreign_row, indicator_row, stream_rows_of
from auditor.parse.state import DocState
from auditor.parse.vocab import column_of, is_footer, label_of, names_column, norm, simplify

_MONEY_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|元)")
_CLOSING = re.compile(
    r"绩效目标|部门整体|政府采购|国有资产|名词解释|其他需要说明|^第[一二三四五六七八九十]+部分|^[一二三四五六七八九十]+、"
)
# A caption row spanning the indicator table, above its header (not goal text, not a 三级指标 column).
_CAPTIONS = {"绩效指标", "年度绩效指标", "项目绩效指标", "绩效指标体系", "年度绩效指标体系"}
# The title of another budget table (部门收支总表, 一般公共预算支出表 …): it ends the open project.
# The title of an indicator table (…绩效目标表, …自评表, …申报表 …): it names a table outside any project.
_TABLE_TITLE = re.compile(r"(绩效目标|绩效自评|自评表|申报表|审批表|批复表|目标表|指标表)")
_AMOUNT = re.compile(r"^\d[\d,]*(?:\.\d+)?$")
_TABLE_YEAR = re.compile(r"(20\d\d)\s*\)?\s*年")
_HEADING = re.compile(r"^[一二三四五六七八九十]+、")
_TABLE_NAME = re.compile(r"(目标表|自评表|申报表|审批表|批复表|指标表)")
_TABLE_NUMBER = re.compile(r"^(?:附?表|附件)[一二三四五六七八九十\d]+(?:[-—][\d一二三四五六七八九十]+)?$")
_OTHER_TABLE = re.compile(r"^(?!.*绩效).{0,30}(收支|收入|支出|预算|拨款|经费|采购|资产|三公).{0,12}表(\(续表?\))?$")


def parse_blocks(
    blocks: list[Block], source: str, path: str = "", info: dict | None = None, trace: list | None = None
) -> Department:
    """Turn a reader's Blocks into a Department with its projects and indicator rows.

    ``trace``, when a list, receives what the walk decided (see ``audit inspect``): each header
    found with its column roles (``("header", block, cells, roles)``) and each table or row run
    left out with the reason (``("skipped", block, reason)``).
    """
    dept = Department(source=source, path=path)
    department_facts(blocks, dept)
    state = DocState(dept=dept, trace=trace)
    for block in blocks:
        try:
            "".join(block.cells)  # (every cell is text: taken as it is)
            cells = list(block.cells)
        except TypeError:
            cells = [c if isinstance(c, str) else ("" if c is None else str(c)) for c in block.cells]
        if block.table is None:
            _paragraph(state, cells[0] if cells else "", block)
        elif block.stream:
            _stream(state, cells, block)
        else:
            _row(state, cells, block)
    finish_project(state)
    dept.projects = [p for p in state.projects if id(p) in state.found_header]
    _department_from_projects(dept)
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
    if len(compact) <= 60 and _TABLE_TITLE.search(simplify(compact)):
        _caption(state, text)
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
        finish_project(state)
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


def _row(state: DocState, cells: list[str], block: Block) -> None:
    keys = list(map(norm, cells))
    if not any(keys):
        return
    new_table = block.table != state.last_table
    state.last_table = block.table
    if new_table:
        state.after_break = True
    filled = list(filter(None, keys))
    if "单位" in "".join(filled):
        for key in filled:
            if "单位" in key and (m := _MONEY_UNIT.fullmatch(key)):
                state.unit = m.group(1)
    if len(set(filled)) == 1:
        only = filled[0]
        if (
            len(only) <= 40
            and (m := _TABLE_YEAR.search(only))
            and (len(only) <= 12 or _TABLE_TITLE.search(simplify(only)))
        ):
            state.table_year = int(m.group(1))  # (2024年度), 2023年度), a title naming its year
            if (
                state.project is not None
                and not state.project.indicators
                and id(state.project) not in state.found_header
            ):
                state.project.year = state.table_year
        if _MONEY_UNIT.fullmatch(only):
            return
        if only.endswith("绩效目标表") or (state.in_indicators and _TABLE_TITLE.search(simplify(only))):
            finish_project(state)
            if "整体" not in only:
                state.title = _strip_title(next(c for c in cells if c.strip()))
            state.caption = next(c for c in cells if c.strip())
            return
        if len(only) <= 60 and _TABLE_TITLE.search(simplify(only)) and not label_of(only):
            _caption(state, next(c for c in cells if c.strip()))
            if _TABLE_NAME.search(simplify(only)):
                return  # a table's title line (…指标表): not goal text
        if only.startswith(("注:", "备注:", "说明:")) or only in _CAPTIONS:
            return

    named = sum(map(names_column, filled))  # cells naming an indicator column
    if 4 <= named < len(filled) and len(filled) > 6 and (split := _header_inside(keys)) is not None:
        start, middle, end = split
        for part in (cells[:start], cells[start:middle], cells[middle:end], cells[end:]):
            if any(c.strip() for c in part):
                _row(state, part, block)
        return
    if named >= 2 and len(keys) >= 3 and keys[0] and not column_of(keys[0])[0] and column_of(keys[1])[0]:
        for size in range(min(len(keys[0]) - 1, 8), 3, -1):  # prose run into the first header cell
            if column_of(keys[0][-size:])[0] in ("level1", "level2", "name"):
                _paragraph(state, keys[0][:-size], block)
                cells, keys = [keys[0][-size:], *cells[1:]], [keys[0][-size:], *keys[1:]]
                break
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
            _set_header(state, joined, wider, block)  # the header row itself was wrapped onto a second line
            state.header_keys = []
            return
        merged = merge_header_lines(head, keys)
        if merged and (found := indicator_header(merged)):
            _set_header(state, merged, found, block)  # a second header line: 2022年实际实现值 | 预期2023年实现值
            state.header_keys = []
            return
    if named and keys[0] != filled[0]:
        named = sum(1 for key in keys if column_of(key)[0])  # the first cell was cut above
    header = indicator_header(keys) if named >= 3 else {}
    if partial and not new_table:
        # a header over two lines: wrapped (三级 | 指标) or under a spanning caption (绩效指标 over 一级/二级/三级)
        combined = combine_header(partial, keys)
        wider = indicator_header(combined)
        if len(set(wider.values()) - {"skip"}) > len(set(header.values()) - {"skip"}):
            header, keys = wider, combined
        merged = merge_header_lines(partial, keys)
        if merged and len(set((found := indicator_header(merged)).values()) - {"skip"}) > len(
            set(header.values()) - {"skip"}
        ):
            header, keys = found, merged
    if not header and named >= 2 and header_fields(keys) >= 2:
        state.partial_header = keys  # maybe the first line of a two-line header
        return
    if header:
        if state.project is None:
            if not state.title:
                state.title = _strip_title(state.caption) if state.caption else ""
            flat = any(label_of(key) in ("name", "code") for key in keys)  # a sheet naming the project per row
            if not state.title and not flat:
                _note(state, block, "指标表前没有项目名称或表名，无法确定所属项目，未读取")
                return  # an indicator table outside any project, without a title
            start_project(state, block)
            state.name_from_title = True  # named by its title, or to be named by its rows
        _set_header(state, keys, header, block)
        state.just_header = True
        state.after_break = bool(state.project.indicators)
        return

    cells, keys = split_inline_labels(cells, keys)
    named_fields = list(map(label_of, keys))
    labels = [(i, kind) for i, kind in enumerate(named_fields) if kind] if any(named_fields) else []
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
            finish_project(state)
            start_project(state, block)
    if state.in_indicators and is_footer(filled[0]):
        state.in_indicators = False  # a sign-off, total or remarks row under the table
        _note(state, block, f"表尾（{filled[0][:12]}）：指标表到此结束")
        return
    if (
        state.in_indicators
        and state.project is not None
        and not (labels and any(k in ("code", "name") for _, k in labels))
    ):
        if new_table and foreign_row(state, cells):
            finish_project(state)  # another table (收支总表 …) right after a page break, without a title
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


def _note(state: DocState, block: Block, reason: str) -> None:
    if state.trace is not None:
        state.trace.append(("skipped", block, reason))


def _set_header(state: DocState, keys: list[str], header: dict[int, str], block: Block | None = None) -> None:
    """Start reading indicator rows under this header."""
    state.columns = header
    state.header_keys = keys
    state.roles = header_roles(keys, header)
    state.header_row = keys
    state.flat = any(role.startswith("ctx:") for role in state.roles)
    state.level_columns = (
        (state.roles.index("level1"), state.roles.index("level2"))
        if "level1" in state.roles and "level2" in state.roles
        else ()
    )
    if any(role.startswith("mid:") for role in state.roles):  # read by position too: the annual set
        state.columns = {i: ("skip" if role.startswith("mid:") else role) for i, role in enumerate(state.roles)}
    if state.trace is not None:
        state.trace.append(("header", block, list(keys), list(state.roles)))
    state.width = len(keys)
    state.level1 = state.level2 = ""
    state.in_indicators = True
    state.last_label = ""  # the label rows are over: later text is not goal text
    if state.project is not None:
        state.found_header.add(id(state.project))


def _holds_values(keys: list[str]) -> bool:
    """Cells before a header that are not all field names (a flat sheet's 单位名称 | 项目名称 …)."""
    return any(key and not label_of(key) for key in keys)


def _header_inside(keys: list[str]) -> tuple[int, int, int] | None:
    """(start, second line, end) of an indicator header written inside a longer row (labels,
    then the header's one or two lines, then the first data row), else None."""
    n = len(keys)
    i = 0
    while i < n:
        if not column_of(keys[i])[0]:
            i += 1
            continue
        j = i
        while j < n and column_of(keys[j])[0]:
            j += 1
        after = next((k for k in keys[j:] if k), "")
        if (
            j - i >= 4
            and (_holds_values(keys[:i]) or any(keys[j:]))
            and not column_of(after)[0]
            and indicator_header(keys[i:j])
        ):
            middle = j
            for k in range(i + 1, j):
                role = column_of(keys[k])[0]
                if role in ("level1", "level2") and column_of(keys[k - 1])[0] not in ("level1", "level2"):
                    if indicator_header(keys[i:k]):
                        middle = k
                    break
            return i, middle, j
        i = j
    return None


# --------------------------------------------------------------------------- cell runs (Block.stream)

_BRACKET_LEVELS = re.compile(r"^\[(.{2,12}?)[-—－](.{2,16}?)\]$")
_BRACKETED = re.compile(r"^指标\s*\d+\s*[:：.、]\s*(.+?)\s*[(（]([^()（）]*)[)）]\s*$")


def _stream(state: DocState, cells: list[str], block: Block) -> None:
    """A run of cells without row boundaries: label rows, header rows and indicator rows cut out
    of it by content (see parse.assemble)."""
    n = len(cells)
    keys = [norm(c) for c in cells]
    i = 0
    while i < n:
        if state.in_indicators and state.project is not None and state.roles:
            j = _data_end(keys, i)
            if j > i:
                stream_rows_of(state, cells[i:j], block, offset=i)
            i = j
            if i >= n:
                return
            if not _header_at(keys, i):
                state.in_indicators = False
        start, end, header = _next_header(keys, i)
        _label_rows(state, cells[i:start], keys[i:start], block)
        if header:
            _row(state, header, block)
        i = max(end, i + 1) if start < n else n


def _header_at(keys: list[str], i: int) -> bool:
    return _next_header(keys, i)[0] == i


def _next_header(keys: list[str], i: int) -> tuple[int, int, list[str]]:
    """(start, end, header cells) of the first indicator header at or after ``i``; (len, len, [])."""
    n = len(keys)
    k = i
    while k < n:
        if not column_of(keys[k])[0] and not (
            k + 1 < n and keys[k] and keys[k + 1] and column_of(keys[k] + keys[k + 1])[0]
        ):
            k += 1
            continue
        run: list[str] = []
        j = k
        while j < n:
            if (
                j + 1 < n
                and keys[j]
                and keys[j + 1]
                and not column_of(keys[j])[0]
                and column_of(keys[j] + keys[j + 1])[0]
            ):
                run.append(keys[j] + keys[j + 1])  # a header word split over two cells (年度 | 指标值)
                j += 2
            elif column_of(keys[j])[0] and column_of(keys[j])[1] < 99:
                run.append(keys[j])
                j += 1
            else:
                break
        if len(run) >= 3 and indicator_header(run):
            start = k
            while start > i and not keys[start - 1]:
                start -= 1  # empty cells before the header: its first column (a vertical caption)
            return start, j, [""] * (k - start) + run
        k = max(j, k + 1)
    return n, n, []


def _data_end(keys: list[str], i: int) -> int:
    """Where the indicator rows of a cell run stop: a new project's label, a table title, a
    footer line, or the next header."""
    for k in range(i, len(keys)):
        key = keys[k]
        if not key:
            continue
        if label_of(key) in ("name", "code") or is_footer(key) or _TABLE_NUMBER.match(key):
            return k
        if len(key) <= 60 and _TABLE_NAME.search(simplify(key)):
            return k
        if (_BRACKET_LEVELS.match(key) and k > i) or (_HEADING.match(key) and len(key) > 6):
            return k
        if column_of(key)[0] and _header_at(keys, k):
            return k
    return len(keys)


def _label_rows(state: DocState, cells: list[str], keys: list[str], block: Block) -> None:
    """Cells before a header: one row per label with the cells that follow it as its values."""
    rows: list[list[str]] = []
    k = 0
    n = len(cells)
    open_label = False
    while k < n:
        key = keys[k]
        if not key:
            k += 1
            continue
        if _overview(key) and k >= 2 and _AMOUNT.match(keys[k - 1]):
            state.listing = (cells[k - 2].strip(), keys[k - 1])  # a budget listing's entry: name, amount
        if _BRACKET_LEVELS.match(key) or (_BRACKETED.match(key) and state.level2):
            if rows:
                for row in rows:
                    _row(state, row, block)
                rows = []
            _bracketed(state, cells[k], key, block)
            k += 1
            continue
        joined = key + keys[k + 1] if k + 1 < n else ""
        if (
            joined
            and label_of(joined)
            and not label_of(key)
            or (joined and label_of(joined) and not label_of(keys[k + 1]) and len(keys[k + 1]) <= 4)
        ):
            rows.append([joined])
            open_label = True
            k += 2
            continue
        if label_of(key):
            rows.append([cells[k]])
            open_label = True
        elif open_label and rows and not (len(key) <= 60 and _TABLE_TITLE.search(simplify(key))):
            rows[-1].append(cells[k])  # a value of the label before it
        else:
            rows.append([cells[k]])  # a title or a line of prose on its own
            open_label = False
        k += 1
    for row in rows:
        _row(state, row, block)


def _bracketed(state: DocState, cell: str, key: str, block: Block) -> None:
    """The budget-listing notation: a 【产出指标-数量指标】 line, then 指标1:name(value) lines."""
    if m := _BRACKET_LEVELS.match(key):
        if state.listing or state.project is None or id(state.project) not in state.found_header:
            if state.listing or state.project is None:
                name, budget = state.listing or (_strip_title(state.caption), "")
                if not name:
                    return
                finish_project(state)
                state.title = name
                start_project(state, block)
                if budget and state.project is not None:
                    state.project.budget = money(budget, "元")
                state.listing = ()
            state.found_header.add(id(state.project))
            state.roles = ["level1", "level2", "name", "value"]
            state.columns = dict(enumerate(state.roles))
            state.width = 4
        state.level1, state.level2 = m.group(1), m.group(2)
        return
    if (m := _BRACKETED.match(cell.strip())) and state.project is not None:
        add_placed(state, {2: m.group(1), 3: m.group(2)}, block)


def _caption(state: DocState, text: str) -> None:
    """Remember a title-like line; a table's own title (…表, …报告, …公示) is not replaced by a
    section heading that only mentions 绩效目标."""
    key = simplify(text)
    if not state.caption or _TABLE_NAME.search(key) or re.search(r"(报告|公示|自评)", key):
        state.caption = text.strip()


_CODED = re.compile(r"^[\[【(（]?(\d{3,12})[\]】)）]?\s*[-—_]?\s*(.+)$|^(.+?)\s+(\d{3,12})$")


def _department_from_projects(dept: Department) -> None:
    """A document that names its department only in the tables (主管部门及代码 [129]…局,
    编制单位 607-苇塘镇): the first project's unit, code split off; its year likewise."""
    if not dept.name:
        owner = next((p.owner for p in dept.projects if p.owner), "")
        if m := _CODED.match(owner.strip()):
            dept.code, dept.name = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        else:
            dept.name = owner.strip()
    if dept.year is None:
        dept.year = next((p.year for p in dept.projects if p.year), None)


def _overview(key: str) -> bool:
    """A bracketed overview line of a budget listing's entry (【项目概况】:…)."""
    head = key[1:].split("]", 1)[0] if key.startswith("[") else ""
    return bool(head) and label_of(head) == "overview"
