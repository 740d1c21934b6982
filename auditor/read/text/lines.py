"""Line layouts of plain text: one table row a line.

- ``tabs``: text copied out of a PDF, cells split by tabs; a blank line (page break) ends a table,
  so every page is its own ``table`` number.
- ``markdown``: the same with ``#`` headings; the ``#`` marks are dropped from paragraphs.
- ``pipe``: markdown pipe tables (``| a | b |``), ``|---|`` separator lines skipped.

Paragraphs outside tables become one-cell Blocks with ``table=None``.
"""

from __future__ import annotations

import re

from auditor.model import Block

_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+")
_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_SEPARATOR = re.compile(r"^\s*:?-{2,}:?\s*$")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_BREAK = re.compile(r"<br\s*/?>", re.IGNORECASE)
_SECTION = re.compile(r"^\s*(#{1,6}\s|\[bookmark|[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")
_WORD_CELL = re.compile(r"^\t[^\t]*$")


def score_pipe(lines: list[str]) -> float:
    """Markdown pipe tables: at least three ``| a | b |`` rows and no more tab lines than those."""
    if "|" not in _joined(lines):
        return 0.0
    pipe_rows = sum(1 for line in lines if _PIPE_ROW.match(line))
    tab_lines = sum(1 for line in lines if "\t" in line)
    return 3.0 if pipe_rows >= 3 and pipe_rows >= tab_lines else 0.0


def score_markdown(lines: list[str]) -> float:
    if "#" not in _joined(lines):
        return 0.0
    return 1.0 if any(_HEADING.match(line) for line in lines) else 0.0


_JOINED: list = [None, ""]  # the last text joined (every layout's score asks for it)


def _joined(lines: list[str]) -> str:
    if _JOINED[0] is not lines:
        _JOINED[0], _JOINED[1] = lines, "\n".join(lines)
    return _JOINED[1]


def read_tabs(lines: list[str]) -> list[Block]:
    return _read_lines(lines, pipe=False)


def read_pipe(lines: list[str]) -> list[Block]:
    return _read_lines(lines, pipe=True)


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
            parts = line.split("\t")
            cells = [_unmark(cell).strip() for cell in parts] if "**" in line else [cell.strip() for cell in parts]
        else:
            in_table = False
            blocks.append(Block([_paragraph(line)], number, None))
            continue
        if not in_table:
            table += 1
            in_table = True
        blocks.append(Block(_trim(cells), number, table))
    return blocks
