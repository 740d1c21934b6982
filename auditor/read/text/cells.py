"""The Word-export layout: one cell a line (each cell line starts with a tab), blank lines
between rows, and lines without a leading tab continuing the previous cell."""

from __future__ import annotations

from auditor.model import Block
from auditor.read.text.lines import _SECTION, _WORD_CELL, _paragraph


def score_word_cells(lines: list[str]) -> float:
    """Word exports: most lines holding a tab are one cell after a leading tab."""
    tab_lines = [line for line in lines if "\t" in line]
    word_cells = sum(1 for line in tab_lines if _WORD_CELL.match(line.rstrip(" \r")))
    return 2.0 if tab_lines and word_cells / len(tab_lines) > 0.6 else 0.0


def read_word_cells(lines: list[str]) -> list[Block]:
    return _read_cells(lines)


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
