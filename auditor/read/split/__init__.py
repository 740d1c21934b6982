"""Tables whose cells lost their delimiters, read by what the cells are.

The text reader first reads the delimited layouts (tabs, pipes, one cell a line); what is left
as paragraphs may still hold an indicator table whose cells were run together or separated by
the same spaces that occur inside text. ``mend`` looks at each run of paragraph lines that names
indicator columns or levels and hands it to the segmenter of its kind:

- ``spaced``: space-separated rows (spreadsheet and web previews), also a whole table on one line;
- ``glued``: cells run together on one line, scores glued to values;
- ``prose``: indicators written as sentences under 一、产出指标 headings;
- ``flat``: document-site previews with whole tables on one line (read where confident).

Each returns Blocks (a header of plain column names and full-width rows) or None. Only paragraph
Blocks are touched, so documents of the delimited layouts keep their Blocks.
"""

from __future__ import annotations

import re

from auditor.model import Block

# A document is looked at only when a line without tabs or bars names a column, opens with a
# 一级 label or opens a sentence with a 二级 label.
_COLUMN_WORDS = ("三级指标", "指标名称", "指标内容", "指标描述", "评价内容", "评价标准", "绩效标准")
_COLUMN_WORDS += ("\n产出指标", "\n效益指标", "\n满意度指标")  # a line opening with a 一级 label
_SENTENCE_MARKS = ("指标:", "指标：", "指标,", "指标，", "目标:", "目标：")
_LEVEL_TAILS = ("数量", "质量", "时效", "成本", "效益", "影响", "意度")


def _document_hint(lines: list[str]) -> bool:
    """Some line without tabs or bars names a column, opens with a 一级, or opens a sentence with a
    二级 label. (Plain substring tests over the candidate lines joined: cheaper than any pattern.)"""
    text = "\n" + "\n".join(line.lstrip() for line in lines if "指" in line and "\t" not in line and "|" not in line)
    if any(word in text for word in _COLUMN_WORDS):
        return True
    for mark in _SENTENCE_MARKS:
        at = text.find(mark)
        while at != -1:
            if text[at - 2 : at] in _LEVEL_TAILS:
                return True
            at = text.find(mark, at + 1)
    return False


# Within a run of paragraphs: a line naming three columns (a header), two labels opening sentences
# (数量指标:…), or a line opening with a 一级 label (a table extract without its header).
_COLUMN = re.compile(
    r"一级指标|二级指标|三级指标|指标名称|指标内容|指标描述|指标值|目标值|评价指标|评价内容|评价标准|绩效标准|指标分类|确定依据"
)
_OPENER = re.compile(r"(?:数量|质量|时效|成本|效益|影响|满意度)(?:指标|目标)\s*[:：,，]")
_LEVEL_FIRST = re.compile(r"^\s*(?:产出|效益|满意度|项目完成|项目效益)\s*指\s*标")


def _worth_a_look(texts: list[tuple[int, str]]) -> bool:
    openers = 0
    for _, text in texts:
        if "指" not in text:
            continue
        if _LEVEL_FIRST.match(text):
            return True
        key = "".join(text.split()) if " " in text else text
        if len(set(_COLUMN.findall(key))) >= 3:
            return True
        openers += len(_OPENER.findall(text))
        if openers >= 2:
            return True
    return False


def mend(blocks: list[Block], info: dict, lines: list[str] | None = None, name: str = "") -> list[Block]:
    """Replace runs of paragraph Blocks that hold delimiter-less indicator tables by table Blocks.

    ``lines`` (the document's lines) give the paragraphs' text as written, markup included.
    Tables whose cells could not be told apart are named in ``info["warnings"]`` (Chinese)."""
    if lines is not None and not _document_hint(lines):
        return blocks  # (one scan at C speed: most documents hold no such line)
    out: list[Block] = []
    changed = False
    i = 0
    n = len(blocks)
    while i < n:
        if blocks[i].table is not None:
            out.append(blocks[i])
            i += 1
            continue
        j = i
        while j < n and blocks[j].table is None:
            j += 1
        run = blocks[i:j]
        i = j
        found = None
        if _worth_a_look([(b.line, b.cells[0] if b.cells else "") for b in run]):
            texts = [(b.line, _raw(b, lines)) for b in run]
            try:
                found = _segment(texts, info, name, lines)
            except Exception as err:  # noqa: BLE001 - a heuristic reader must not cost the document
                found = None
                where = f"文件 {name} " if name else ""
                info.setdefault("warnings", []).append(
                    f"{where}第{texts[0][0]}行起的文字疑似绩效指标表，但无法区分单元格，按段落处理（{type(err).__name__}）"
                )
        if found:
            out.extend(found)
            changed = True
        else:
            out.extend(run)
    return _renumber(out) if changed else blocks


def _segment(texts: list[tuple[int, str]], info: dict, name: str, lines: list[str] | None) -> list[Block] | None:
    from auditor.read.split import flat, glued, prose, spaced

    for kind in (spaced, glued, prose):
        found = prose.segment(texts, lines) if kind is prose else kind.segment(texts)
        if found:
            info.setdefault("split", []).append(kind.__name__.rsplit(".", 1)[-1])
            return found
    warnings: list[str] = []
    found = flat.segment(texts, warnings, f"文件 {name} " if name else "")
    if found:
        info.setdefault("split", []).append("flat")
        info.setdefault("warnings", []).extend(warnings)
    return found


def _raw(block: Block, lines: list[str] | None) -> str:
    if lines and 0 < block.line <= len(lines) and lines[block.line - 1].strip():
        return lines[block.line - 1].strip()
    return block.cells[0] if block.cells else ""


def _renumber(blocks: list[Block]) -> list[Block]:
    """Table numbers in reading order. Segmenters mark the first Block of a table 0 and the rest -1;
    the reader's own tables keep their grouping."""
    table = 0
    prev: int | None = None
    for block in blocks:
        if block.table is None:
            prev = None
            continue
        if block.table == -1 and table:
            block.table = table
            continue
        if block.table == 0 or block.table != prev:
            table += 1
        prev = block.table
        block.table = table
    return blocks
