"""Bar-delimited text that is not a markdown table: web pages and previews whose converter wrote
table cells with ``|`` marks.

- ``padded``: one row a line, cells joined by `` | ``, empty cells dropped and counted as a run of
  bars at the end (``a | b | ||||``); a line may or may not open with a bar.
- ``bar cells``: one cell a line. A cell ends at a bar (``text |``, or a line holding ``|`` after
  the text); a lone ``|`` with no open text is an empty cell; a run of two or more bars is the
  padding that ends a row. Lines without a bar continue the open cell (a cell broken over lines).
- ``indented bar cells``: a row starts at column 0 and its other cells are indented ``| text``
  lines, a cell continued on indented lines without a bar.

Rows whose boundaries are known become one Block each; a run of cells between two row ends
(padding) becomes a ``stream`` Block that the parser cuts into rows by content.
"""

from __future__ import annotations

import re

from auditor.model import Block
from auditor.read.text.lines import _joined

_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_BARS = re.compile(r"^[|\s]+$")
_SENTENCE_END = ("。", "；", ";", "：", ":")


def _split(line: str) -> list[str]:
    cells = [cell.strip() for cell in line.split("|")]
    if line.lstrip().startswith("|"):
        cells = cells[1:]  # the opening bar of a markdown-style row
    while cells and not cells[-1]:
        cells.pop()  # the closing bar and the padding
    return cells


_LAST: list = [None, (0, 0, 0, 0, 0)]  # the last text profiled (layout scoring asks three times)


def _profile(lines: list[str]) -> tuple[int, int, int, int, int]:
    """Counts of (multi-cell bar lines, one-cell lines ending in a bar, bar-only lines,
    indented ``| text`` lines, non-blank lines)."""
    if _LAST[0] is lines:
        return _LAST[1]
    _LAST[0], _LAST[1] = lines, _count(lines)
    return _LAST[1]


def _count(lines: list[str]) -> tuple[int, int, int, int, int]:
    multi = single = bars = indented = filled = 0
    if "|" not in _joined(lines):
        return 0, 0, 0, 0, len(lines)
    for line in lines:
        text = line.strip()
        if not text:
            continue
        filled += 1
        if "|" not in text:
            continue
        if _BARS.match(text):
            bars += 1
            continue
        cells = [c for c in text.split("|") if c.strip()]
        if line[:1] in (" ", "\t") and text.startswith("|"):
            indented += 1
        elif len(cells) >= 2:
            multi += 1
        elif text.endswith("|"):
            single += 1
    return multi, single, bars, indented, filled


def score_padded(lines: list[str]) -> float:
    """Pipe rows that are not a markdown table (no ``|---|`` line): rows without the opening bar,
    padded with runs of bars."""
    multi, single, bars, indented, filled = _profile(lines)
    if multi < 3 or multi < single + indented:
        return 0.0
    if any("-" in line and _SEPARATOR.match(line) for line in lines):
        return 0.0  # a markdown table: its |---| line under the header
    return 3.5


def score_bar_cells(lines: list[str]) -> float:
    multi, single, bars, indented, filled = _profile(lines)
    if single + bars >= 12 and single + bars > 2 * multi and single + bars > indented:
        return 4.0
    return 0.0


def score_indented(lines: list[str]) -> float:
    multi, single, bars, indented, filled = _profile(lines)
    if indented >= 8 and indented > single:
        return 4.0
    return 0.0


def read_padded(lines: list[str]) -> list[Block]:
    """One row a line; a line without a bar is a paragraph; a blank line ends a table."""
    blocks: list[Block] = []
    table = 0
    in_table = False
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            in_table = False
            continue
        if "|" not in text:
            in_table = False
            blocks.append(Block([text], number, None))
            continue
        if _SEPARATOR.match(text):
            continue
        cells = _split(line)
        if not cells:
            continue
        if not in_table:
            table += 1
            in_table = True
        blocks.append(Block(cells, number, table))
    return blocks


def read_bar_cells(lines: list[str]) -> list[Block]:
    """One cell a line, ended by a bar; padding lines end rows."""
    blocks: list[Block] = []
    run: list[str] = []
    numbers: list[int] = []
    pending: list[tuple[int, str]] = []  # lines of the open cell
    separator = _separator_style(lines)

    def flush_run() -> None:
        nonlocal run, numbers
        if run:
            blocks.append(Block(run, numbers[0], 1, stream=True, lines=numbers))
        run, numbers = [], []

    def add(cell: str, number: int) -> None:
        run.append(cell)
        numbers.append(number)

    def close(number: int) -> None:
        """The open cell ends here; lines before it that read as prose are paragraphs."""
        if not pending:
            add("", number)
            return
        keep = 1
        if not separator:
            while keep < len(pending) and keep < 5:
                prior = pending[-keep - 1][1]
                if len(prior) > 30 or prior.endswith(_SENTENCE_END):
                    break
                keep += 1
        prose, cell = pending[:-keep], pending[-keep:]
        if prose:
            flush_run()
            blocks.extend(Block([text], n, None) for n, text in prose)
        add("".join(text for _, text in cell), cell[0][0])
        pending.clear()

    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if "|" not in text:
            if separator and pending:
                close(number)  # in the separator style every line is a cell of its own
            pending.append((number, text))
            continue
        if _BARS.match(text) and text.count("|") >= 2:
            if pending:
                close(number)
            flush_run()  # padding: the row ends
            continue
        head, _, tail = text.partition("|")
        if head.strip():
            pending.append((number, head.strip()))
        close(number)
        inner = [c.strip() for c in tail.split("|")]
        for cell in inner[:-1]:
            if cell:
                add(cell, number)
        if len(inner) > 1:
            flush_run()  # bars after the cell's own: padding, the row ends
        elif inner[-1]:
            pending.append((number, inner[-1]))
    if pending:
        flush_run()
        blocks.extend(Block([text], n, None) for n, text in pending)
    flush_run()
    return blocks


def _separator_style(lines: list[str]) -> bool:
    """Cells on lines of their own with a line holding ``|`` after each (a PDF converted cell by cell)."""
    lone = sum(1 for line in lines if line.strip() == "|")
    ending = sum(1 for line in lines if line.strip().endswith(" |") and line.strip() != "|")
    return lone >= 10 and lone > 3 * ending


def read_indented(lines: list[str]) -> list[Block]:
    """A row starts at column 0, its other cells are indented ``| text`` lines."""
    blocks: list[Block] = []
    row: list[str] = []
    row_line = 0

    def flush() -> None:
        nonlocal row
        if len(row) >= 2:
            blocks.append(Block(row, row_line, 1))
        elif row:
            blocks.append(Block(row, row_line, None))
        row = []

    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text:
            continue
        if line[:1] not in (" ", "\t"):
            flush()
            if "|" in text and len([c for c in text.split("|") if c.strip()]) >= 2:
                blocks.append(Block(_split(text), number, 1))
            else:
                row, row_line = [text], number
            continue
        if text.startswith("|"):
            rest = text[1:].strip()
            if rest and not _BARS.match(rest):
                if not row:
                    row_line = number
                row.append(rest)
            continue
        if row:
            row[-1] = row[-1] + text  # a cell continued on an indented line
        else:
            blocks.append(Block([text], number, None))
    flush()
    return blocks
