"""Project facts from the label rows above an indicator table: name, code, money, goal, spending plan."""

from __future__ import annotations

import html
import re

from auditor.model import Block, Project
from auditor.parse.state import DocState
from auditor.parse.vocab import label_of, label_spellings, norm

_CHECKPOINT = re.compile(
    r"(\d{1,2}\s*月\s*(?:底|末|份|前|\d{1,2}\s*日)|第[一二三四1-4]\s*季度|[一二三四1-4]\s*季度末?|上半年|下半年|全年|年底)"
)
_MONEY_UNIT = re.compile(r"(?:金额)?单位\s*[:：]\s*(万元|千元|元)")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_AMOUNT = re.compile(r"-?\d[\d,，]*(?:\.\d+)?(?:万元|千元|元)?")


def split_inline_labels(cells: list[str], keys: list[str]) -> tuple[list[str], list[str]]:
    """Cells written as "项目名称：X" become a label cell and a value cell."""
    if ":" not in "".join(keys):
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
                for kind in ("code", "name", "budget", "fiscal", "other", "purpose", "plan", "goal")
                for s in label_spellings(kind)
            ),
            key=len,
            reverse=True,
        )
    )
    + r")\s*(?:[（(](?:万元|元|千元)[)）])?\s*[:：]"
)


def _value_after(cells: list[str], keys: list[str], index: int) -> str:
    """The first non-empty cell after ``index`` that is not itself a label."""
    for j in range(index + 1, len(cells)):
        if not keys[j]:
            continue
        if label_of(keys[j]):
            return ""
        return cells[j].strip()
    return ""


def money(text: str, unit: str) -> float | None:
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


_ANNUAL = re.compile(r"^(?:其中:)?(?:年度|当年|本年|全年|年初)")
_MONEY_ONLY = re.compile(r"^(?:金额单位:|单位:)?(?:万元|元|千元)$")


def header_labels(state: DocState, cells: list[str], keys: list[str], labels: list[tuple[int, str]]) -> None:
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
        elif kind == "budget" and (project.budget is None or (_ANNUAL.match(keys[index]) and not state.annual_budget)):
            amount = money(value, unit)
            if amount is not None or project.budget is None:
                project.budget = amount  # the annual figure wins over a total over several years
                state.annual_budget = bool(_ANNUAL.match(keys[index])) and amount is not None
        elif kind == "fiscal" and project.fiscal_funds is None:
            project.fiscal_funds = money(value, unit)
        elif kind == "other" and project.other_funds is None:
            project.other_funds = money(value, unit)
        elif kind == "unit" and value and not project.owner and not _MONEY_ONLY.match(norm(value)):
            project.owner = value
        elif kind == "purpose" and value and not project.purpose:
            project.purpose = value
        elif kind == "midgoal":
            state.goal_pair = True  # 中期 and 年度 goals side by side: the 年度 text is the goal
        elif kind == "goal" and not project.goal:
            project.goal = clean_markup("\n".join(_distinct(cells[index + 1 :])))
        elif kind == "plan":
            _plan_row(state, cells, start=index + 1)
            state.last_label = "plan"
    if state.last_label in ("budget", "fiscal", "other") and any(k == "purpose" for _, k in labels):
        state.last_label = "budget"


def header_continuation(state: DocState, cells: list[str], keys: list[str]) -> None:
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


def _values_below(state: DocState, cells: list[str], keys: list[str], pending: dict[int, str]) -> bool:
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
    header_labels(state, out_cells, out_keys, labels)
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


def _plan_row(state: DocState, cells: list[str], start: int) -> None:
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


def store_plan(state: DocState) -> None:
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


def finish_project(state: DocState) -> None:
    state.in_indicators = False
    state.columns = {}
    if state.project is not None:
        store_plan(state)
        texts = [line for line in state.project.goal.split("\n") if line.strip()]
        if state.goal_pair and len(texts) >= 2:
            state.project.goal = texts[-1]  # the 年度 text after the 中期/长期 one
    state.project = None
    state.goal_pair = False


def start_project(state: DocState, block: Block) -> None:
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
    state.annual_budget = False
    project.year = state.table_year
