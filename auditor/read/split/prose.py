"""Indicators written as sentences in a notice, under headings such as 一、产出指标::

    数量指标:★新建大棚数量(≥**座)>=60座;改造旧棚>=20;质量指标:验收合格率>=98%。
    生态效益指标:减少化肥农药使用。可持续影响指标,长期受益。

A 二级 label followed by ``:`` or ``,`` opens a group; its items are separated by ``;`` or ``。``;
an item's value is the number (with sign and unit) at its end, outside any bracket (the bracket
is template residue and stays in the name). An item without a number is a phrase written straight
after the label: it is listed as the value, with no name.
"""

from __future__ import annotations

import re
from functools import cache

from auditor.model import Block
from auditor.read.split import words
from auditor.read.split.align import Row, Token
from auditor.read.split.glued import _VALUE_START
from auditor.read.split.rows import build

_ROLES = ["level1", "level2", "name", "value"]
_HEADING = re.compile(r"^\s*(?:[一二三四五六七八九十]+|\d+)\s*[、.．]\s*")


@cache
def _opener() -> re.Pattern:
    return re.compile(rf"({words.label_pattern().pattern})\s*[:：,，]")


def _value_at(item: str) -> int | None:
    depth = 0
    starts = []
    for k, ch in enumerate(item):
        if ch in "(（":
            depth += 1
        elif ch in ")）":
            depth = max(0, depth - 1)
        elif depth == 0 and k >= 2 and _VALUE_START.match(ch):
            starts.append(k)
    for k in starts:
        rest = item[k:]
        if "(" not in rest and "（" not in rest and words.value_score(rest) >= 0.6:
            return k
    return None


def segment(lines: list[tuple[int, str]], document: list[str] | None = None) -> list[Block] | None:
    """Blocks for indicator sentences, or None when the run holds fewer than two labelled groups.

    The notice's own title (关于…绩效目标…的公示), wherever the page put it, is written again as
    a paragraph before the table: it names the table's project."""
    if sum(len(_opener().findall(text)) for _, text in lines) < 2:
        return None
    rows: list[Row] = []
    level1 = ""
    first_line = 0
    out: list[Block] = []
    for number, text in lines:
        key = "".join(text.split())
        heading = _HEADING.sub("", text).strip()
        if _HEADING.match(text) and "l1" in words.level_kinds(heading):
            level1 = heading
            continue
        matches = list(_opener().finditer(key))
        if not matches:
            if not rows:
                out.append(Block([text.strip()], number))
            continue
        first_line = first_line or number
        for k, m in enumerate(matches):
            label = m.group(1)
            body = key[m.end() : matches[k + 1].start() if k + 1 < len(matches) else len(key)]
            kinds = words.level_kinds(label)
            if "l1" in kinds and (not body or "l2" not in kinds):
                level1 = label
                continue
            for item in re.split(r"[;；。]", body):
                item = item.strip(",， ")
                if not item:
                    continue
                at = _value_at(item)
                name, value = (item[:at], item[at:]) if at is not None else ("", item)
                cells = {0: level1, 1: label, 2: name, 3: value}
                rows.append(Row({c: [Token(t, number)] for c, t in cells.items() if t}, number))
    if not rows:
        return None
    title = _notice_title(document or [])
    if title and not any(title in b.cells[0] for b in out):
        out.append(Block([title], first_line))
    return out + build(rows, _ROLES, first_line)


_NOTICE = re.compile(r"关于[^|｜]{2,60}?绩效目标[^|｜]{0,12}?(?:公示|公告|通知)")


def _notice_title(document: list[str]) -> str:
    for line in document:
        if "绩效目标" in line and (m := _NOTICE.search(line)):
            return m.group()
    return ""
