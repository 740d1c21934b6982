"""Text documents (.txt/.md) → Blocks. Owns layout detection for plain-text exports.

Four layouts are recognised from the content (never the file name):

- ``tabs``: text copied out of a PDF, one table row a line, cells split by tabs; a blank line
  (page break) ends a table, so every page is its own ``table`` number.
- ``markdown``: the same with ``#`` headings; the ``#`` marks are dropped from paragraphs.
- ``cells``: a Word export with one cell a line (each cell line starts with a tab), blank
  lines between rows, and lines without a leading tab continuing the previous cell.
- ``pipe``: markdown pipe tables (``| a | b |``), ``|---|`` separator lines skipped.

Paragraphs outside tables become one-cell Blocks with ``table=None``.
"""

from __future__ import annotations

import re

from auditor.chars import Translation
from auditor.model import Block
from auditor.read.detect import decode

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*:?-{2,}:?\s*$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SECTION = re.compile(r"^\s*(#{1,6}\s|\[bookmark|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")
_WORD_CELL = re.compile(r"^\t[^\t]*$")
# Zero-width characters and BOMs are dropped; exotic spaces (NBSP, en/em, ideographic) become a plain space.
_INVISIBLE = Translation(
    {
        **dict.fromkeys(["\ufeff", "\u200b", "\u200c", "\u200d", "\u2060", "\u00ad"], ""),
        **dict.fromkeys(["\u00a0", "\u3000", "\u202f", "\u205f", *map(chr, range(0x2000, 0x200B))], " "),
    }
)


def read(data: bytes, name: str) -> tuple[list[Block], dict]:
    """Decode ``data`` and split it into Blocks using the layout the content shows."""
    text, encoding = decode(data, name)
    text = _INVISIBLE(text)
    lines = text.split("\n")
    layout = detect_layout(lines)
    if layout == "cells":
        blocks = _read_cells(lines)
    else:
        blocks = _read_lines(lines, pipe=layout == "pipe")
    return blocks, {"layout": layout, "encoding": encoding}


def detect_layout(lines: list[str]) -> str:
    """Name the layout of a text document: tabs, markdown, cells or pipe."""
    pipe_rows = sum(1 for line in lines if _PIPE_ROW.match(line))
    tab_lines = [line for line in lines if "\t" in line.rstrip("\n")]
    word_cells = sum(1 for line in tab_lines if _WORD_CELL.match(line.rstrip(" \r")))
    if pipe_rows >= 3 and pipe_rows >= len(tab_lines):
        return "pipe"
    if tab_lines and word_cells / len(tab_lines) > 0.6:
        return "cells"
    if any(_HEADING.match(line) for line in lines):
        return "markdown"
    return "tabs"


def _paragraph(line: str) -> str:
    return _unmark(_HEADING.sub("", line)).strip()


def _unmark(text: str) -> str:
    """Drop markdown bold marks (**text**) around document text."""
    return _BOLD.sub(r"\1", text) if "**" in text else text


def _pipe_cells(line: str) -> list[str] | None:
    """Cells of a pipe-table line, or None for a separator line."""
    body = line.strip()[1:-1]
    cells = [_unmark(_BREAK.sub("\n", cell.replace("\\|", "|"))).strip() for cell in re.split(r"(?<!\\)\|", body)]
    if all(_PIPE_SEPARATOR.match(cell) or not cell for cell in cells) and any(cells):
        return None
    return cells


def _trim(cells: list[str]) -> list[str]:
    while len(cells) > 1 and not cells[-1]:
        cells.pop()
    return cells


def _read_lines(lines: list[str], pipe: bool) -> list[Block]:
    """One line = one row (tab or pipe separated) or one paragraph; blank lines end tables."""
    blocks: list[Block] = []
    table = 0
    in_table = False
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            in_table = False
            continue
        if pipe and _PIPE_ROW.match(line):
            cells = _pipe_cells(line)
            if cells is None:
                continue
        elif "\t" in line:
            cells = [_unmark(cell).strip() for cell in line.split("\t")]
        else:
            in_table = False
            blocks.append(Block([_paragraph(line)], number, None))
            continue
        if not in_table:
            table += 1
            in_table = True
        blocks.append(Block(_trim(cells), number, table))
    return blocks


def _read_cells(lines: list[str]) -> list[Block]:
    """Word layout: cell lines start with a tab; a blank line ends a row; a paragraph ends a table."""
    blocks: list[Block] = []
    table = 0
    in_table = False
    row: list[str] = []
    row_line = 0

    def flush() -> None:
        nonlocal row
        if row:
            blocks.append(Block([cell.strip() for cell in row], row_line, table))
            row = []

    for number, line in enumerate(lines, start=1):
        if "\t" not in line and not line.strip():
            flush()
            continue
        parts = line.split("\t")
        if parts[0].strip() and "\t" not in line.strip() and (not row or _SECTION.match(line)):
            # a line without a leading tab after a blank line (or a section heading): a paragraph
            flush()
            in_table = False
            blocks.append(Block([_paragraph(line)], number, None))
            continue
        if not row:
            if not in_table:
                table += 1
                in_table = True
            row_line = number
        if parts[0].strip():
            if row:
                row[-1] = row[-1].rstrip() + "\n" + parts[0].strip()
            else:
                row.append(parts[0])
        row.extend(parts[1:])
    flush()
    return _mend_split_rows(blocks)


def _mend_split_rows(blocks: list[Block]) -> list[Block]:
    """Join a row that an empty paragraph inside a cell cut in two.

    Word exports such a cell as a blank line, so one row arrives as two short rows whose
    cell counts add up to the width of the rows around them.
    """
    out: list[Block] = []
    i = 0
    while i < len(blocks):
        block = blocks[i]
        prev = out[-1] if out else None
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        after = blocks[i + 2] if i + 2 < len(blocks) else None
        if (
            prev is not None
            and nxt is not None
            and block.table is not None
            and prev.table == block.table == nxt.table
            and len(block.cells) + len(nxt.cells) == len(prev.cells)
            and min(len(block.cells), len(nxt.cells)) >= 2
            and (after is None or after.table != block.table or len(after.cells) == len(prev.cells))
        ):
            out.append(Block(block.cells + nxt.cells, block.line, block.table))
            i += 2
            continue
        out.append(block)
        i += 1
    return out
