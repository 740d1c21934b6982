"""Cells run together on one line: ``产出指标数量指标资助学生人数本科生800人以上``.

The header line is cut into its column words (一级指标二级指标三级指标指标值及单位). Each row
line is then taken apart from both ends: level labels are peeled off the front, bare numbers
the header puts after the value (分值, 实际完成值) off the back, and what is left is split into
name, description and value where the vocabulary says a name ends (…率, …人数, …满意度) or a
value begins (a number or sign, 较上年…, 持续…). A row that cannot be split keeps its whole
text as the name and no value, which never invents a number.
"""

from __future__ import annotations

import re
from functools import cache

from auditor.model import Block
from auditor.read.split import words
from auditor.read.split.align import Row, Token
from auditor.read.split.rows import build
from auditor.read.split.spaced import header_roles

_VALUE_START = re.compile(r"[\d≥≤≧≦><=＞＜＝]")
_TRAILING = re.compile(r"\d+(?:\.\d+)?$")
_SKIP = re.compile(r"^(?:…+|\.{3,}|—+)$")
_END = re.compile(r"^(?:总分|合计|总计|说明|注[:：]|附件|评价结论)")


def split_header(text: str) -> tuple[str, list[str], list[str]] | None:
    """(text before the header, header words, their roles) when ``text`` ends in a glued header."""
    key = "".join(text.split())
    chain: list[re.Match] = []
    best = None
    for m in words.header_pattern().finditer(key):
        if chain and m.start() != chain[-1].end():
            chain = []
        chain.append(m)
        if m.end() == len(key):
            best = list(chain)
    if not best:
        return None
    toks = [m.group() for m in best]
    roles = header_roles(toks)
    if roles is None:
        return None
    return key[: best[0].start()], toks, roles


def _header_words_only(text: str) -> bool:
    key = "".join(text.split())
    found = split_header(key + "三级指标指标值")  # a header's first line: 绩效指标一级 / 指标
    return bool(found) and not found[0]


def peel(text: str) -> tuple[list[str], str]:
    """Level labels at the start of glued text, and the rest."""
    labels = []
    pattern = words.label_pattern()
    while len(labels) < 3 and (m := pattern.match(text)):
        labels.append(m.group())
        text = text[m.end() :]
    return labels, text


def _place_labels(labels: list[str]) -> dict[str, str]:
    got: dict[str, str] = {}
    for label in labels:
        kinds = words.level_kinds(label)
        if "l1" in kinds and not got and (len(labels) > 1 or "l2" not in kinds):
            got["level1"] = label
        else:
            got["level2"] = label
    return got


def split_name_value(text: str, description: bool = False) -> tuple[str, str, str]:
    """(name, description, value) of glued text (see module doc)."""
    if description:
        for m in _VALUE_START.finditer(text, 2):
            if words.value_score(text[m.start() :]) >= 0.7:
                name, desc = _split_description(text[: m.start()])
                return name, desc, text[m.start() :]
        name, desc = _split_description(text)
        return name, desc, ""
    for m in words.strong_endings().finditer(text):
        after = text[m.end() :]
        if m.end() < 2 or not after:
            continue
        if _VALUE_START.match(after):
            if words.value_score(after) >= 0.5:
                return text[: m.end()], "", after
            continue
        first = _VALUE_START.search(after)
        if first and first.start() <= 10 and not words.strong_endings().search(after, 0, first.start()):
            pieces = [p for p in re.split(r"[,，;；、]", after) if p]
            if words.value_score(after[first.start() :]) >= 0.7 or all(_VALUE_START.search(p) for p in pieces):
                return text[: m.end()], "", after  # 本科生800人以上,专科生500人以上
    for m in _VALUE_START.finditer(text, 2):
        if words.value_score(text[m.start() :]) >= 0.7:
            return text[: m.start()], "", text[m.start() :]
    for opener in words.value_openers():
        at = text.find(opener, 2)
        while at != -1:
            rest = text[at:]
            if len(rest) <= 12 and words.value_score(rest) >= 0.7:
                return text[:at], "", rest
            at = text.find(opener, at + 1)
    return text, "", ""


def _split_description(text: str) -> tuple[str, str]:
    """Name and 指标说明 run together: at a two-character opener (体现…), else after the name's
    ending (…率|按期完成), else at a one-character opener (…路段|达计划数)."""
    openers = words.description_openers()
    for opener in (o for o in openers if len(o) > 1):
        at = text.find(opener, 3)
        if at != -1:
            return text[:at], text[at:]
    for pattern in (words.strong_endings(weak=False), words.strong_endings()):
        for m in pattern.finditer(text):
            if m.end() >= 3 and len(text) - m.end() >= 2:
                end = m.end()
                if unit := re.match(r"[(（][^()（）]{1,6}[)）]", text[end:]):
                    end += unit.end()  # 满意度(%): the unit in brackets belongs to the name
                return text[:end], text[end:]
    for opener in (o for o in openers if len(o) == 1):
        at = text.find(opener, 3)
        if at != -1:
            return text[:at], text[at:]
    return text, ""


def _tail_numbers(text: str, after: list[str]) -> tuple[str, dict[str, str]]:
    """Bare numbers glued after the value, by the columns the header puts there."""
    got: dict[str, str] = {}
    roles = [r for r in after if r not in ("deviation", "remark", "basis")]
    if roles and roles[-1] in ("weight", "score") and (m := _TRAILING.search(text)):
        digits = m.group()
        for size in (2, 1):
            piece = digits[-size:]
            if len(digits) >= size and piece.isdigit() and int(piece) % 5 == 0 and int(piece) > 0:
                got[roles[-1]] = piece
                text = text[:-size]
                break
        roles = roles[:-1]
    if roles[-2:] == ["value", "actual"] and (m := re.search(r"(?<![\d.])\d+$", text)):
        digits = m.group()
        half = len(digits) // 2
        if len(digits) % 2 == 0 and digits[:half] == digits[half:]:
            got["value"] = got["actual"] = digits[:half]  # target and actual the same, run together
            text = text[: -len(digits)]
    return text, got


def split_row(text: str, roles: list[str], first: bool = False) -> dict[str, str] | None:
    """Role → text for one glued row line, or None when the line is no row."""
    labels, rest = peel(text)
    got = _place_labels(labels)
    if not labels and first and "level1" in roles:
        m = re.match(r"^(.{2,30}?[)）])([\u4e00-\u9fff]{2,8}?指标)", text)
        if m:  # an evaluation table's 评价指标 and 评价内容 cells: 年度目标(定量)管理指标…
            got["level1"], got["level2"] = m.group(1), m.group(2)
            labels, rest = [m.group(2)], text[m.end() :]
    if not rest:
        return got if labels else None
    if _SKIP.match(rest):
        return got if labels else {}
    after = roles[roles.index("name") + 1 :] if "name" in roles else ["value"]
    rest, tail = _tail_numbers(rest, after)
    got.update(tail)
    if "value" in got:
        got["name"] = rest
        return got
    name, desc, value = split_name_value(rest, "description" in after)
    if not value and not labels and not tail:
        return None
    got.update({k: v for k, v in (("name", name), ("description", desc), ("value", value)) if v})
    return got


def segment(lines: list[tuple[int, str]]) -> list[Block] | None:
    """Blocks for a run of paragraph lines holding glued indicator tables, or None."""
    lines = _mend(lines)
    blocks: list[Block] = []
    found = False
    i = 0
    carry = ""
    while i < len(lines):
        number, text = lines[i]
        head = split_header(carry + text)
        if head is None and (inline := _headerless(number, text)):
            blocks.extend(inline)
            found = True
            i += 1
            continue
        if head is None:
            if _header_words_only(text):
                carry += "".join(text.split())
            else:
                carry = ""
                blocks.extend(_facts(number, text))
            i += 1
            continue
        carry = ""
        before, _, roles = head
        if before:
            blocks.append(Block([before], number))
        cols = {role: k for k, role in enumerate(roles)}
        rows: list[Row] = []
        pending: dict[str, str] = {}
        i += 1
        while i < len(lines):
            n2, t2 = lines[i]
            key = "".join(t2.split())
            if _END.match(key) or split_header(key):
                break
            got = split_row(key, roles, first=not rows)
            if got is None:
                break
            i += 1
            if not got:
                pending = {}
                continue
            if not got.get("name") and not got.get("value"):
                pending = got if "level1" in got or not pending else {**pending, **got}
                continue
            got = {**pending, **got}
            pending = {}
            row = Row(line=n2)
            for role, text2 in got.items():
                if role in cols:
                    row.cells[cols[role]] = [Token(text2, n2)]
            rows.append(row)
        table = build(rows, roles, number)
        if table:
            found = True
            blocks.extend(table)
    return blocks if found else None


_INLINE_ROLES = ["level1", "level2", "name", "value", "weight"]


def _headerless(number: int, text: str) -> list[Block] | None:
    """A one-line extract without a header: ``产出指标数量指标X=100% 25 Y≥120件 25 …合计100``."""
    toks = text.split()
    if len(toks) < 4 or len(peel(toks[0])[0]) < 2:
        return None
    rows: list[Row] = []
    pending: dict[str, str] = {}
    for tok in toks:
        if _END.match(tok):
            break
        if words.is_number(tok) and rows and 4 not in rows[-1].cells:
            rows[-1].cells[4] = [Token(tok, number)]
            continue
        got = split_row(tok, _INLINE_ROLES)
        if not got or not (got.get("name") and got.get("value")):
            if got and not got.get("name") and not got.get("value"):
                pending = got
                continue
            break
        got = {**pending, **got}
        pending = {}
        rows.append(
            Row({_INLINE_ROLES.index(r): [Token(t, number)] for r, t in got.items() if r in _INLINE_ROLES}, number)
        )
    if len(rows) < 2:
        return None
    return build(rows, _INLINE_ROLES, number)


def _mend(lines: list[tuple[int, str]]) -> list[tuple[int, str]]:
    """Lines with the end of a label wrapped onto the next line joined (经济效益 / 指标)."""
    out: list[tuple[int, str]] = []
    for number, text in lines:
        key = text.strip()
        if out and (key == "指标" or (_joins(out[-1][1], key))):
            out[-1] = (out[-1][0], out[-1][1].strip() + key)
            continue
        out.append((number, text))
    return out


def _joins(prev: str, key: str) -> bool:
    """``prev`` ends in half a label that ``key`` completes (满意度指标服务对象 / 满意度指标)."""
    labels, rest = peel("".join(prev.split()))
    if not labels or not rest or len(rest) > 8:
        return False
    more, left = peel(rest + key)
    return bool(more) and not left


@cache
def _fact_pattern() -> re.Pattern:
    return re.compile("|".join(map(re.escape, sorted(words.fact_labels(), key=len, reverse=True))))


def _facts(number: int, text: str) -> list[Block]:
    """A line of glued fact labels and values (项目名称X项目单位Y) as a row of cells, else a paragraph."""
    key = "".join(text.split())
    cuts = list(_fact_pattern().finditer(key))
    if not cuts or cuts[0].start() != 0:
        return [Block([text.strip()], number)]
    cells: list[str] = []
    for k, m in enumerate(cuts):
        end = cuts[k + 1].start() if k + 1 < len(cuts) else len(key)
        value = _SEAL.sub("", key[m.end() : end].lstrip(":："))
        cells += [m.group(), *_amounts(value)]
    return [Block(cells, number, 0)]


_SEAL = re.compile(r"^[(（](?:盖章|签章|签字|公章)[)）][:：]?")
_RUN = re.compile(r"^\d[\d.]*%[\d.]*")


def _amounts(value: str) -> list[str]:
    """A budget row whose numbers ran together (预算数 执行数 [分值] 执行率 [得分]: 24021690% →
    240 | 216 | 90%), split where the rate is the ratio of the first two; else the value as it is."""
    run = _RUN.match(value)
    if not run:
        return [value]
    left, _, right = run.group().partition("%")
    found = []
    for size in (3, 4):
        for parts in _partitions(left, size):
            a, b, rate = float(parts[0]), float(parts[1]), float(parts[-1])
            weight_ok = size == 3 or float(parts[2]) % 5 == 0 and 0 < float(parts[2]) <= 100
            if a > 0 and b > 0 and rate > 0 and weight_ok and abs(b / a * 100 - rate) <= 0.6:
                found.append(parts)
    if len(found) > 1:  # a printed decimal does not end in 0 (72.510 is 72.5 | 10)
        found = [p for p in found if not any("." in x and x.endswith("0") for x in p)]
    if len(found) != 1:
        return [value]
    cells = [*found[0][:-1], found[0][-1] + "%"]
    return cells + ([right] if right else []) + ([value[run.end() :]] if value[run.end() :] else [])


def _partitions(digits: str, size: int) -> list[list[str]]:
    """Every way to cut ``digits`` into ``size`` numbers without leading zeros."""
    if size == 1:
        return [[digits]] if re.fullmatch(r"(?:0|[1-9]\d*)(?:\.\d+)?", digits) else []
    out = []
    for cut in range(1, len(digits)):
        head = digits[:cut]
        if re.fullmatch(r"(?:0|[1-9]\d*)(?:\.\d+)?", head):
            out += [[head, *rest] for rest in _partitions(digits[cut:], size - 1)]
    return out
