"""Blocks → Department / Project / Indicator, written once for every input format.

Readers hand over rows of cells (``Block``); this module finds the department facts
(code, name, budget year, money unit), each 项目支出绩效目标表 (header fields, spending plan,
goal) and its indicator rows. Indicator columns are mapped through a synonym table, merged
一级/二级 cells are filled down, and rows split across a page break are joined.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

from auditor.chars import TEXT_CACHE, Translation
from auditor.model import Block, Department, Indicator, Project

# --------------------------------------------------------------------------- vocabulary


@lru_cache(maxsize=TEXT_CACHE)
def norm(text: str) -> str:
    """A cell's text as a lookup key: no white space, half-width brackets and colons."""
    return _HALF_WIDTH("".join((text or "").split()))


_HALF_WIDTH = Translation(
    {"（": "(", "）": ")", "：": ":", "【": "[", "】": "]", **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad")}
)

# Indicator table columns: field → header spellings (compared after ``norm``).
COLUMNS: dict[str, tuple[str, ...]] = {
    "level1": ("一级指标", "一级指标名称"),
    "level2": ("二级指标", "二级指标名称"),
    "name": ("三级指标", "三级指标名称", "指标名称", "绩效指标"),
    "description": ("绩效指标描述", "指标描述", "指标解释", "指标说明", "指标内容", "指标定义", "绩效指标解释"),
    "value": (
        "指标值",
        "年度指标值",
        "指标值(目标值)",
        "目标值",
        "年度目标值",
        "绩效指标值",
        "指标目标值",
        "绩效目标值",
        "预期指标值",
        "指标值(包含数字及文字描述)",
    ),
    "unit": ("计量单位", "度量单位", "单位"),
    "direction": ("指标方向", "计算符号", "符号", "指标性质", "运算符号", "比较符号"),
    "basis": ("指标值确定依据", "指标值设定依据", "确定依据", "设定依据", "依据", "指标来源", "评价标准"),
}
_COLUMN_OF = {norm(spelling): key for key, spellings in COLUMNS.items() for spelling in spellings}
_COLUMN_RANK = {norm(spelling): rank for spellings in COLUMNS.values() for rank, spelling in enumerate(spellings)}

# The official frame: 二级指标 → its 一级指标 (used when a table has no 一级指标 column).
FRAME = {
    level2: level1
    for level1, level2s in {
        "产出指标": ("数量指标", "质量指标", "时效指标", "成本指标"),
        "效益指标": ("经济效益指标", "社会效益指标", "生态效益指标", "可持续影响指标"),
        "满意度指标": ("服务对象满意度指标", "满意度指标"),
    }.items()
    for level2 in level2s
}

# Project header labels → Project field.
LABELS: dict[str, tuple[str, ...]] = {
    "code": ("项目编码", "项目编号", "项目代码"),
    "name": ("项目名称",),
    "budget": (
        "预算数",
        "年度预算数",
        "项目预算数",
        "预算金额",
        "预算资金",
        "资金总额",
        "年度资金总额",
        "项目资金总额",
    ),
    "fiscal": ("财政资金", "其中:财政资金", "财政拨款", "其中:财政拨款"),
    "other": ("其他资金", "其中:其他资金"),
    "purpose": ("资金用途", "预算规模及资金用途", "项目资金用途", "主要用途"),
    "plan": ("资金支出计划", "资金支出计划(%)", "资金支出进度", "支出计划"),
    "goal": ("绩效目标", "年度绩效目标", "项目绩效目标", "总体绩效目标", "年度目标", "总体目标", "年度总体目标"),
    "unit": ("单位", "主管部门", "实施单位", "主管部门及代码"),
}
_LABEL_OF = {norm(spelling): key for key, spellings in LABELS.items() for spelling in spellings}


@lru_cache(maxsize=1 << 14)
def label_of(key: str) -> str | None:
    """The Project field a header label names (``key`` already normalised), else None."""
    if not key:
        return None
    found = _LABEL_OF.get(key)
    if found is None and key.startswith("其中"):
        key = key[2:].lstrip(":")
        found = _LABEL_OF.get(key)
    if found is None and key.endswith(")"):
        found = _LABEL_OF.get(_UNIT_SUFFIX.sub("", key))
    return found


# Comparators written in a separate 指标方向 column (other directions such as 正向 are not joined).
_COMPARATORS = {
    "≥",
    "≤",
    "=",
    ">",
    "<",
    ">=",
    "<=",
    "＞",
    "＜",
    "＝",
    "大于",
    "小于",
    "等于",
    "大于等于",
    "小于等于",
    "不低于",
    "不高于",
    "不少于",
    "不多于",
    "不超过",
    "不大于",
    "不小于",
}

_CHECKPOINT = re.compile(
    r"(\d{1,2}\s*月\s*(?:底|末|份|前|\d{1,2}\s*日)|第[一二三四1-4]\s*季度|[一二三四1-4]\s*季度末?|上半年|下半年|全年|年底)"
)
_MONEY_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|元)")
_YEAR = re.compile(r"预算年度\s*[:：]?\s*(20\d\d)")
_TITLE_YEAR = re.compile(r"(20\d\d)\s*年\s*(?:度\s*)?(?:部门|单位)?\s*(?:预算|项目支出绩效|项目绩效)")
_DEPT_LINE = re.compile(r"^(\d{3,12})\s*[-—_:：、]?\s*([\u4e00-\u9fff][\u4e00-\u9fff（）()·]{2,40})$")
_ORG_SUFFIX = re.compile(
    r"(局|委|委员会|办|办公室|院|中心|所|站|队|馆|会|部|处|厅|署|府|室|校|学|园|社|台|团|组|本级|机关|公司|街道|镇|乡|场|司|行|库)$"
)
_TITLE_NAME = re.compile(
    r"^([\u4e00-\u9fff（）()]{2,40}?"
    + _ORG_SUFFIX.pattern[:-1]
    + r")\s*20\d\d\s*年\s*度?\s*(?:部门预算|单位预算|部门项目支出|项目支出绩效|预算项目)"
)
_DEPT_LABEL = re.compile(r"^(?:部门|单位|预算单位|部门名称|单位名称|预算部门)\s*[:：]\s*(.+)$")
_CLOSING = re.compile(
    r"绩效目标|部门整体|政府采购|国有资产|名词解释|其他需要说明|^第[一二三四五六七八九十]+部分|^[一二三四五六七八九十]+、"
)
# A caption row spanning the indicator table, above its header (not goal text, not a 三级指标 column).
_CAPTIONS = {"绩效指标", "年度绩效指标", "项目绩效指标", "绩效指标体系", "年度绩效指标体系"}
# The title of another budget table (部门收支总表, 一般公共预算支出表 …): it ends the open project.
_OTHER_TABLE = re.compile(r"^(?!.*绩效).{0,30}(收支|收入|支出|预算|拨款|经费|采购|资产|三公).{0,12}表(\(续表?\))?$")
_UNIT_SUFFIX = re.compile(r"\((?:万元|元|千元|%|％|全称)\)$")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_AMOUNT = re.compile(r"-?\d[\d,，]*(?:\.\d+)?(?:万元|千元|元)?")


# --------------------------------------------------------------------------- state


@dataclass
class _State:
    """What the parser knows while walking the blocks of one document."""

    dept: Department
    unit: str = ""  # money unit last announced (单位：万元)
    project: Project | None = None
    project_unit: str = ""
    columns: dict[int, str] = field(default_factory=dict)  # column index → field, while in an indicator table
    header_keys: list[str] = field(default_factory=list)  # the indicator header row as read
    in_indicators: bool = False
    after_break: bool = False  # a page break / repeated header just happened
    last_table: int | None = None
    last_label: str = ""  # last header label row kind seen in the project
    filled_down: list[Indicator] = field(default_factory=list)  # rows since the last written 一级指标
    pending: dict[int, str] = field(default_factory=dict)  # column → a label whose value may sit in the row below
    just_header: bool = False  # the previous row was the indicator header
    partial_header: list[str] = field(default_factory=list)  # a row that may be the first line of a header
    checkpoints: list[list] = field(default_factory=list)
    title: str = ""  # last "XXX绩效目标表" heading, not yet used by a project
    name_from_title: bool = False  # the open project's name came from its heading
    units: dict[int, str] = field(default_factory=dict)  # id(project) → money unit of its table
    found_header: set[int] = field(default_factory=set)  # ids of projects with an indicator header
    projects: list[Project] = field(default_factory=list)


# --------------------------------------------------------------------------- entry point


def parse_blocks(blocks: list[Block], source: str, path: str = "", info: dict | None = None) -> Department:
    """Turn a reader's Blocks into a Department with its projects and indicator rows."""
    dept = Department(source=source, path=path)
    _department_facts(blocks, dept)
    state = _State(dept=dept)
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


# --------------------------------------------------------------------------- department facts


def _department_facts(blocks: list[Block], dept: Department) -> None:
    """Department code, name and budget year, from anywhere in the document.

    The code and name come from a "471 秦皇岛市工业和信息化局" line (the most frequent one
    naming an organisation), else a "部门：…" label, else a cover title "…局2024年部门预算".
    The year comes from "预算年度：2024", else a title "2024年部门预算", else "（2024年度）"
    next to a 绩效目标表 title.
    """
    candidates: Counter[tuple[str, str]] = Counter()
    labelled = ""
    titled = ""  # "XX局2024年部门预算" on a cover page
    years: Counter[int] = Counter()
    title_year = table_year = None
    for block in blocks:
        for cell in block.cells:
            text = (cell or "").strip() if isinstance(cell, str) else ""
            if not text or len(text) > 80:
                if text and title_year is None and (m := _TITLE_YEAR.search(text[:200])):
                    title_year = int(m.group(1))
                continue
            if not (text[0].isdigit() or "：" in text or ":" in text or "预算" in text or "绩效" in text):
                continue  # most cells (indicator text) can hold none of what is looked for below
            compact = " ".join(text.split())
            if compact[0].isdigit() and (m := _DEPT_LINE.match(compact)):
                name = m.group(2)
                if not name.startswith(("年", "月", "日", "元", "万", "号")):
                    candidates[(m.group(1), name)] += 1
            elif not labelled and ("：" in compact or ":" in compact) and (m := _DEPT_LABEL.match(compact)):
                value = m.group(1).strip()
                if not _MONEY_UNIT.match("单位:" + value) and re.search(r"[\u4e00-\u9fff]{3}", value):
                    labelled = value
            if table_year is None and "绩效目标" in compact and (m := re.search(r"(20\d\d)\s*年度", compact)):
                table_year = int(m.group(1))
            if "预算" not in compact and "绩效" not in compact:
                continue
            if m := _YEAR.search(compact):
                years[int(m.group(1))] += 1
            elif title_year is None and (m := _TITLE_YEAR.search(compact)):
                title_year = int(m.group(1))
            if not titled and (m := _TITLE_NAME.match(compact)):
                titled = m.group(1)
    named = Counter({key: n for key, n in candidates.items() if _ORG_SUFFIX.search(key[1])})
    if named or candidates:
        (code, name), _ = (named or candidates).most_common(1)[0]
        dept.code = code
        dept.name = re.sub(r"(本级|机关)$", "", name) or name
    elif labelled:
        match = re.match(r"^(\d{3,12})\s*(.+)$", labelled)
        dept.code, dept.name = (match.group(1), match.group(2)) if match else ("", labelled)
    elif titled:
        dept.name = titled
    if years:
        dept.year = years.most_common(1)[0][0]
    else:
        dept.year = title_year or table_year


# --------------------------------------------------------------------------- paragraphs


def _paragraph(state: _State, text: str, block: Block) -> None:
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


def _is_page_furniture(compact: str, state: _State) -> bool:
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


def _finish_project(state: _State) -> None:
    state.in_indicators = False
    state.columns = {}
    if state.project is not None:
        _store_plan(state)
    state.project = None


# --------------------------------------------------------------------------- table rows


def _row(state: _State, cells: list[str], block: Block) -> None:
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
        joined = _join_header(state.header_keys, keys)
        wider = _indicator_header(joined)
        if len(set(wider.values()) - {"skip"}) > len(set(state.columns.values()) - {"skip"}):
            state.columns = wider  # the header row itself was wrapped onto a second line
            state.header_keys = []
            return
    named = sum(1 for key in keys if _column_of(key)[0])  # cells naming an indicator column
    header = _indicator_header(keys) if named >= 3 else {}
    if partial and not new_table:
        # a header over two lines: wrapped (三级 | 指标) or under a spanning caption (绩效指标 over 一级/二级/三级)
        combined = _combine_header(partial, keys)
        wider = _indicator_header(combined)
        if len(set(wider.values()) - {"skip"}) > len(set(header.values()) - {"skip"}):
            header, keys = wider, combined
    if not header and named >= 2 and _header_fields(keys) >= 2:
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

    cells, keys = _split_inline_labels(cells, keys)
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
        if new_table and _foreign_row(state, cells):
            _finish_project(state)  # another table (收支总表 …) right after a page break, without a title
            return
        _indicator_row(state, cells, block)
        return
    if state.project is None:
        return
    if labels:
        state.in_indicators = False
        _header_labels(state, cells, keys, labels)
        return
    _header_continuation(state, cells, keys)


def _split_inline_labels(cells: list[str], keys: list[str]) -> tuple[list[str], list[str]]:
    """Cells written as "项目名称：X" become a label cell and a value cell."""
    if not any(":" in key for key in keys):
        return cells, keys
    out_cells: list[str] = []
    out_keys: list[str] = []
    for cell, key in zip(cells, keys, strict=True):
        head, sep, _ = key.partition(":")
        if sep and head and not label_of(key) and label_of(head):
            value = re.split(r"[:：]", cell, maxsplit=1)[1].strip()
            pairs = [(head, value)]
            # several "label：value" pairs in one cell or line (项目编码：X　项目名称：Y)
            while (m := _INLINE_LABEL.search(pairs[-1][1])) and m.start() > 0:
                label, rest = norm(m.group(0)).rstrip(":"), pairs[-1][1][m.end() :].strip()
                pairs[-1] = (pairs[-1][0], pairs[-1][1][: m.start()].strip())
                pairs.append((label, rest))
            for label, text in pairs:
                out_cells += [label, text]
                out_keys += [label, norm(text)]
        else:
            out_cells.append(cell)
            out_keys.append(key)
    return out_cells, out_keys


_INLINE_LABEL = re.compile(
    r"(?<![\u4e00-\u9fff])("
    + "|".join(
        sorted(
            (
                re.escape(s).replace(":", "[:：]\\s*")
                for kind, spellings in LABELS.items()
                if kind != "unit"
                for s in spellings
            ),
            key=len,
            reverse=True,
        )
    )
    + r")\s*(?:[（(](?:万元|元|千元)[)）])?\s*[:：]"
)


def _start_project(state: _State, block: Block) -> None:
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


def _combine_header(first: list[str], second: list[str]) -> list[str]:
    """Two header lines as one: per column the line that names a field, else both texts joined."""
    width = max(len(first), len(second))
    out = []
    for a, b in zip(first + [""] * width, second + [""] * width, strict=False):
        if b and _header_fields([b]):
            out.append(b)
        elif a and _header_fields([a]) and not b:
            out.append(a)
        else:
            out.append(a + b)
    return out[:width]


def _join_header(first: list[str], second: list[str]) -> list[str]:
    width = max(len(first), len(second))
    return [a + b for a, b in zip(first + [""] * width, second + [""] * width, strict=False)][:width]


@lru_cache(maxsize=1 << 14)
def _column_of(key: str) -> tuple[str | None, int]:
    """The indicator-table column a header cell names, and the rank of its spelling (lower: more specific)."""
    if key in _COLUMN_OF:
        return _COLUMN_OF[key], _COLUMN_RANK[key]
    bare = _UNIT_SUFFIX.sub("", key) if key.endswith(")") else key
    return _COLUMN_OF.get(bare), _COLUMN_RANK.get(bare, 99)


def _header_fields_set(keys: list[str]) -> set[str]:
    return {kind for kind in (_column_of(key)[0] for key in keys) if kind}


def _header_fields(keys: list[str]) -> int:
    return len(_header_fields_set(keys))


def _indicator_header(keys: list[str]) -> dict[int, str]:
    """Column index → field when the row is an indicator table header, else {}."""
    columns: dict[int, str] = {}
    best: dict[str, tuple[int, int]] = {}  # field → (rank of the spelling, column index)
    for index, key in enumerate(keys):
        if key:
            columns[index] = "skip"  # a named column we do not use (序号, 备注 ...): never borrow its text
        kind, rank = _column_of(key)
        if kind:
            if kind not in best or rank < best[kind][0]:
                best[kind] = (rank, index)
    if len(best) < 3:
        return {}
    for kind, (_, index) in best.items():
        columns[index] = kind  # the most specific spelling wins: 三级指标 over a spanning 绩效指标 column
    found = set(columns.values()) - {"skip"}
    if "name" in found and ({"level1", "level2"} & found) and len(found) >= 3:
        return columns
    return {}


# --------------------------------------------------------------------------- project header


def _value_after(cells: list[str], keys: list[str], index: int) -> str:
    """The first non-empty cell after ``index`` that is not itself a label."""
    for j in range(index + 1, len(cells)):
        if not keys[j]:
            continue
        if label_of(keys[j]):
            return ""
        return cells[j].strip()
    return ""


def _money(text: str, unit: str) -> float | None:
    match = _NUMBER.search(text.replace(",", "").replace("，", "").replace(" ", ""))
    if not match:
        return None
    value = float(match.group())
    if "万" not in text:
        if unit == "元" or "元" in text:
            value /= 10000
        elif unit == "千元":
            value /= 10
    return round(value, 6)


def _header_labels(state: _State, cells: list[str], keys: list[str], labels: list[tuple[int, str]]) -> None:
    project = state.project
    assert project is not None
    state.pending = {}
    for index, kind in labels:
        value = _value_after(cells, keys, index)
        state.last_label = kind
        if not value and kind in _BELOW:
            state.pending[index] = keys[index]  # a label row with its values in the row below
        unit = state.project_unit
        if kind in ("budget", "fiscal", "other") and (m := re.search(r"\((万元|千元|元)\)$", keys[index])):
            unit = m.group(1)
        if kind == "code" and value and not project.code:
            project.code = value
        elif kind == "name" and value and (not project.name or state.name_from_title):
            project.name = value
            state.name_from_title = False
        elif kind == "budget" and project.budget is None:
            project.budget = _money(value, unit)
        elif kind == "fiscal" and project.fiscal_funds is None:
            project.fiscal_funds = _money(value, unit)
        elif kind == "other" and project.other_funds is None:
            project.other_funds = _money(value, unit)
        elif kind == "purpose" and value and not project.purpose:
            project.purpose = value
        elif kind == "goal" and not project.goal:
            project.goal = clean_markup("\n".join(_distinct(cells[index + 1 :])))
        elif kind == "plan":
            _plan_row(state, cells, start=index + 1)
            state.last_label = "plan"
    if state.last_label in ("budget", "fiscal", "other") and any(k == "purpose" for _, k in labels):
        state.last_label = "budget"


def _header_continuation(state: _State, cells: list[str], keys: list[str]) -> None:
    """A row without labels inside the project header: 资金用途 text, spending-plan values or goal text."""
    project = state.project
    assert project is not None
    pending, state.pending = state.pending, {}
    if pending and _values_below(state, cells, keys, pending):
        return
    texts = _distinct(cells)
    if state.last_label in ("budget", "fiscal", "other", "purpose") and not project.purpose:
        project.purpose = " ".join(texts)
    elif state.last_label == "plan":
        _plan_row(state, cells, start=0)
    elif state.last_label == "goal":
        extra = clean_markup("\n".join(texts))
        project.goal = (project.goal + "\n" + extra).strip()


_BELOW = ("code", "name", "budget", "fiscal", "other")


def _values_below(state: _State, cells: list[str], keys: list[str], pending: dict[int, str]) -> bool:
    """Fill fields whose labels stood alone in the row above, by column (预算数 | 财政资金 over 165.76 | 165.76)."""
    money = {i for i, key in pending.items() if label_of(key) in ("budget", "fiscal", "other")}
    numeric = [i for i, key in enumerate(keys) if key and _AMOUNT.fullmatch(key)]
    found = {i: i for i in pending if i < len(keys) and keys[i]}
    misplaced = (
        any(i in money and i not in numeric for i in found)  # text under a money label
        or any(j not in pending for j in numeric)  # a number in a column without a label above it
        or any(i in numeric and label_of(pending[i]) not in ("budget", "fiscal", "other", "code") for i in found)
    )  # (a number under a text label such as 资金用途)
    if not found or misplaced:
        # not aligned: the numbers of the row, in order, under the money labels, in order; with
        # fewer numbers than labels the empty cells were dropped, and the first labels (预算数
        # comes first) take the numbers there are
        if not money or not numeric or len(numeric) > len(money) or len(numeric) != len([k for k in keys if k]):
            return False
        found = dict(zip(sorted(money), numeric, strict=False))
    # rewritten as one "label | value | label | value" row and read like any label row
    out_cells: list[str] = []
    out_keys: list[str] = []
    labels: list[tuple[int, str]] = []
    for i in sorted(found):
        kind = label_of(pending[i])
        if kind:
            labels.append((len(out_cells), kind))
            out_cells += [pending[i], cells[found[i]]]
            out_keys += [pending[i], keys[found[i]]]
    last = state.last_label
    _header_labels(state, out_cells, out_keys, labels)
    state.last_label = last
    state.pending = {}
    return True


def _distinct(cells: list[str]) -> list[str]:
    """Non-empty cell texts with horizontal repeats (a merged cell read once per column) dropped."""
    out: list[str] = []
    for cell in cells:
        text = cell.strip()
        if text and (not out or out[-1] != text):
            out.append(text)
    return out


def _plan_row(state: _State, cells: list[str], start: int) -> None:
    """Collect 资金支出计划 checkpoints (3月底 …) and the values written under them, by column."""
    plan = state.checkpoints  # [column, checkpoint, value] in reading order
    values: list[tuple[int, str]] = []
    for index in range(start, len(cells)):
        text = cells[index].strip()
        if not text:
            continue
        match = _CHECKPOINT.search(text)
        if match:
            rest = (text[: match.start()] + text[match.end() :]).strip()
            plan.append([index, re.sub(r"\s+", "", match.group(1)), rest])
        else:
            values.append((index, text))
    if not values or not plan:
        return
    columns = {entry[0] for entry in plan}
    shift = 0
    if not all(i in columns for i, _ in values) and all(i - 1 in columns for i, _ in values):
        shift = 1  # values drawn one column right of their checkpoints
    for index, text in values:
        slots = [entry for entry in plan if not entry[2] and entry[0] <= index - shift]
        if slots:
            target = max(slots, key=lambda entry: (entry[0], plan.index(entry)))
            target[2] = text


def _store_plan(state: _State) -> None:
    project = state.project
    if project is None or not state.checkpoints or project.spend_plan:
        return
    ordered = sorted(enumerate(state.checkpoints), key=lambda item: (item[1][0], item[0]))
    project.spend_plan = [(entry[1], entry[2]) for _, entry in ordered]


def clean_markup(text: str) -> str:
    """Goal text without HTML markup (<p>, <br>, entities) and with tidy white space."""
    text = re.sub(r"(?i)<\s*br\s*/?\s*>|</\s*p\s*>|</\s*div\s*>|</\s*li\s*>", "\n", text)
    text = re.sub(r"<[^>]{0,200}>", "", text)
    text = html.unescape(text)
    lines = [re.sub(r"[ \t]+", " ", line).strip() for line in text.split("\n")]
    return "\n".join(line for line in lines if line)


# --------------------------------------------------------------------------- indicator rows


def _indicator_row(state: _State, cells: list[str], block: Block) -> None:
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
        level1 = FRAME.get(norm(got.get("level2", "")), "")  # no 一级指标 column: the official frame
    indicator = Indicator(
        row=len(project.indicators) + 1,
        level1=level1 or (last.level1 if last else ""),
        level2=got.get("level2", "") or (last.level2 if last else ""),
        name=got.get("name", ""),
        description=got.get("description", ""),
        value=value,
        basis=got.get("basis", ""),
        line=block.line,
    )
    if got.get("direction"):
        indicator.features["direction"] = got["direction"]
    if got.get("unit"):
        indicator.features["unit_column"] = got["unit"]
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
        frame = FRAME.get(norm(indicator.level2))
        if frame is None or frame == norm(indicator.level1) or frame not in (key, key + "指标"):
            break
        indicator.level1 = level1


_LEVEL_WORD = re.compile(r"指标|产出|效益|满意|成本|数量|质量|时效|影响")


def _foreign_row(state: _State, cells: list[str]) -> bool:
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
    if level2 and not level1 and norm(last.level2) not in FRAME and norm(last.level2 + level2) in FRAME:
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
    if direction and norm(direction) in _COMPARATORS and not value.startswith(direction):
        value = direction + value
    unit = unit.strip()
    if unit and value and not norm(value).endswith(norm(unit)):
        value = value + unit
    return value
