"""Space-separated tables: spreadsheet and web previews where single spaces both separate cells
and occur inside text, one row a line (or a whole table on one line).

Before cells are placed, the line structure is mended: a label written vertically one
character a line (产/出/指/标) is joined, a label split over lines (项目完成 / 指标) is joined,
lines holding only level labels are carried onto the row they head, and spaced-out captions
(绩 效 指 标) are closed up. The header line names the columns; ``align`` places the tokens.
"""

from __future__ import annotations

import re

from auditor.model import Block
from auditor.read.split import words
from auditor.read.split.align import Token, align
from auditor.read.split.rows import build

_HEADER_WORD = re.compile(r"(?:^|\s)(?:[一二三]级指标|指标名称|指标值|目标值|年度指标值|二级指标|三级指标)")
_CJK_CHAR = re.compile(r"^[\u4e00-\u9fff]$")
_FRAGMENTS = ("指标", "目标", "标")
_TITLE = re.compile(r"(表|[(（]\d{4}年度?[)）])$")


def tokens_of(text: str) -> list[str]:
    """Whitespace-separated tokens, runs of single characters closed up (绩 效 指 标 → 绩效指标)."""
    out: list[str] = []
    run: list[str] = []
    for tok in text.split():
        if _CJK_CHAR.match(tok):
            run.append(tok)
            continue
        if len(run) >= 2:
            out.append("".join(run))
        else:
            out.extend(run)
        run = []
        out.append(tok)
    if len(run) >= 2:
        out.append("".join(run))
    else:
        out.extend(run)
    return out


def _forms_label(text: str) -> bool:
    key = words.bare(text)
    return bool(words.level_kinds(key)) or key in words.header_roles()


def mend_lines(lines: list[tuple[int, str]]) -> list[tuple[int, list[str]]]:
    """(line number, tokens) with vertical and split labels joined (see module doc)."""
    out: list[tuple[int, list[str]]] = []
    chars = ""
    for number, text in lines:
        toks = tokens_of(text)
        if not toks:
            continue
        if len(toks) == 1 and _CJK_CHAR.match(toks[0]):
            chars += toks[0]  # a label written one character a line
            continue
        if chars:
            if _forms_label(chars + toks[0]) or toks[0] in _FRAGMENTS:
                toks[0] = chars + toks[0]
            else:
                toks.insert(0, chars)
            chars = ""
        if toks[0] in _FRAGMENTS and out and out[-1][1] and _forms_label(out[-1][1][-1] + toks[0]):
            out[-1][1][-1] += toks.pop(0)  # 项目完成 / 指标: the end of a label wrapped onto the next line
            if not toks:
                continue
        out.append((number, toks))
    if chars:
        out.append((lines[-1][0], [chars]))
    return out


def header_roles(toks: list[str]) -> list[str] | None:
    """Column roles when ``toks`` is an indicator header, else None."""
    table = words.header_roles()
    roles = [table.get(words.bare(t)) or table.get(t) for t in toks]
    known = [r for r in roles if r]
    if len(known) < 3 or "name" not in known or not ({"level1", "level2", "value"} & set(known)):
        return None
    if roles.count("name") > 1:  # 绩效指标 spanning the level columns, next to 三级指标
        first = roles.index("name")
        roles[first] = "caption"
    return [r or "remark" for r in roles]


def _find_header(toks: list[str]) -> tuple[int, int, list[str]] | None:
    """The longest run of header words in a token list: (start, end, roles)."""
    table = words.header_roles()
    best = None
    i = 0
    while i < len(toks):
        if words.bare(toks[i]) not in table:
            i += 1
            continue
        j = i
        while j < len(toks) and words.bare(toks[j]) in table:
            j += 1
        roles = header_roles(toks[i:j])
        if roles and (best is None or j - i > best[1] - best[0]):
            best = (i, j, roles)
        i = j
    return best


def _row_like(toks: list[str]) -> bool:
    if any(words.level_kinds(t) for t in toks):
        return True
    valued = any(words.kinds(t) & {"value", "num", "sign", "unit"} for t in toks)
    return valued if len(toks) > 1 else bool(words.kinds(toks[0]) & {"value", "num"})


def segment(lines: list[tuple[int, str]]) -> list[Block] | None:
    """Blocks for a run of paragraph lines holding space-separated indicator tables, or None."""
    if not any(" " in text.strip() and len(_HEADER_WORD.findall(text)) >= 2 for _, text in lines):
        return None  # no line names columns with spaces between them
    mended = mend_lines(lines)
    blocks: list[Block] = []
    found = False
    i = 0
    carry: list[tuple[int, list[str]]] = []
    while i < len(mended):
        number, toks = mended[i]
        head = _find_header(toks)
        if head is None:
            if all(_forms_label(t) for t in toks):
                carry.append((number, toks))  # 一级 / 指标 over the rest of the header
            else:
                blocks.extend(_facts(number, toks, carry))
                carry = []
            i += 1
            continue
        start, end, roles = head
        if carry and start == 0:
            extra = [t for _, c in carry for t in c]
            joined = header_roles(extra + toks[:end])
            if joined:
                roles, toks, end = joined, extra + toks, end + len(extra)
        else:
            blocks.extend(_facts(number, [t for _, c in carry for t in c], []))
        carry = []
        blocks.extend(_facts(number, toks[:start], []))
        stream: list[Token] = [Token(t, number, False) for t in toks[end:]]
        i += 1
        pending: list[Token] = []
        while i < len(mended):
            n2, t2 = mended[i]
            if _find_header(t2):
                break
            if all(_forms_label(t) for t in t2) and any(words.level_kinds(t) for t in t2):
                pending.extend(Token(t, n2, k == 0 and not pending) for k, t in enumerate(t2))
                i += 1
                continue
            if not _row_like(t2) and not _inside(mended, i):
                break
            toks2 = [Token(t, n2, k == 0) for k, t in enumerate(t2)]
            if pending:
                toks2[0].starts_line = False
                toks2 = pending + toks2
                pending = []
            stream.extend(toks2)
            i += 1
        stream = [t for t in stream if not (roles and words.bare(t.text) in _captions(toks[:end], roles))]
        rows = align(stream, roles, lines=len({t.line for t in stream}) > 1)
        table = build(rows, roles, number)
        if table:
            found = True
            blocks.extend(table)
    return blocks if found else None


def _captions(header: list[str], roles: list[str]) -> set[str]:
    return {words.bare(t) for t, r in zip(header, roles, strict=False) if r == "caption"}


def _inside(mended: list[tuple[int, list[str]]], i: int) -> bool:
    """A line without values inside a table (a name without a value, a text value): kept when it
    follows the previous line directly and a table row follows it."""
    number, toks = mended[i]
    if number != mended[i - 1][0] + 1 or len(toks) > 3 or any(len(t) > 60 for t in toks):
        return False
    if _TITLE.search(toks[-1]) or _fact_label(toks[0]):
        return False
    nxt = mended[i + 1][1] if i + 1 < len(mended) else None
    return nxt is not None and _row_like(nxt)


def _facts(number: int, toks: list[str], carry: list) -> list[Block]:
    """Tokens outside the indicator rows: from each fact label on (项目名称 X, 主管部门 Y …) a row of
    cells, anything before the first label one paragraph."""
    if not toks:
        return []
    out: list[Block] = []
    cells: list[str] = []
    for k, tok in enumerate(toks):
        if _fact_label(tok) and (k + 1 < len(toks) or ":" in tok or "：" in tok):
            if cells:
                out.append(
                    Block(cells, number, 0) if out or _fact_label(cells[0]) else Block([" ".join(cells)], number)
                )
            cells = []
        label, sep, rest = tok.replace("：", ":").partition(":")
        if sep and rest and words.bare(label) in words.fact_labels():
            cells += [label, rest]
        else:
            cells.append(tok.rstrip(":："))
    if cells:
        out.append(
            Block(cells, number, 0)
            if out or (len(cells) > 1 and _fact_label(cells[0]))
            else Block([" ".join(cells)], number)
        )
    return out


def _fact_label(tok: str) -> bool:
    key = words.bare(tok.split(":")[0].split("：")[0])
    return key in words.fact_labels() or key.startswith("其中")
