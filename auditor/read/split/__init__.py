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

# A run is looked at only when it names an indicator column or a level label somewhere.
_HINT = re.compile(r"三级指标|指标名称|指标内容|产出指标|数量指标|效益指标|满意度指标|绩效指标")


def mend(blocks: list[Block], info: dict, lines: list[str] | None = None, name: str = "") -> list[Block]:
    """Replace runs of paragraph Blocks that hold delimiter-less indicator tables by table Blocks.

    ``lines`` (the document's lines) give the paragraphs' text as written, markup included.
    Tables whose cells could not be told apart are named in ``info["warnings"]`` (Chinese)."""
    if not any(b.table is None and b.cells and _HINT.search(b.cells[0]) for b in blocks):
        return blocks
    from auditor.read.split import flat, glued, prose, spaced

    out: list[Block] = []
    changed = False
    i = 0
    while i < len(blocks):
        if blocks[i].table is not None:
            out.append(blocks[i])
            i += 1
            continue
        j = i
        while j < len(blocks) and blocks[j].table is None:
            j += 1
        run = blocks[i:j]
        texts = [(b.line, _raw(b, lines)) for b in run]
        found = None
        if any(_HINT.search(text) for _, text in texts):
            for kind in (spaced, glued, prose):
                found = kind.segment(texts)
                if found:
                    info.setdefault("split", []).append(kind.__name__.rsplit(".", 1)[-1])
                    break
            else:
                warnings: list[str] = []
                found = flat.segment(texts, warnings, f"文件 {name} " if name else "")
                if found:
                    info.setdefault("split", []).append("flat")
                    info.setdefault("warnings", []).extend(warnings)
        if found:
            out.extend(found)
            changed = True
        else:
            out.extend(run)
        i = j
    return _renumber(out) if changed else blocks


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
