"""Blank-line cells: a web page whose table was converted cell by cell, every cell followed by a
blank line (a cell holding a single space is an empty cell, a cell may run over several lines).

The whole text becomes one ``stream`` Block (row boundaries are lost); the parser cuts it into
label rows, header rows and indicator rows by content.
"""

from __future__ import annotations

import re

from auditor.model import Block
from auditor.parse.vocab import column_of, norm
from auditor.read.text.lines import _joined

_WORDS = re.compile(r"\s+")


def _chunks(lines: list[str]) -> list[tuple[int, list[str]]]:
    chunks: list[tuple[int, list[str]]] = []
    current: list[str] = []
    start = 0
    for number, line in enumerate(lines, start=1):
        if line == "" or (not line.strip() and current):
            if current:
                chunks.append((start, current))
                current = []
            continue
        if not current:
            start = number
        current.append(line)
    if current:
        chunks.append((start, current))
    return chunks


def score_blank_cells(lines: list[str]) -> float:
    """Many short chunks between blank lines, some of them indicator header words on their own."""
    text = _joined(lines)
    if text.count("\t") > 5 or text.count("|") > len(lines) // 10:
        return 0.0
    chunks = _chunks(lines)
    if len(chunks) < 30:
        return 0.0
    headers = sum(1 for _, chunk in chunks if len(chunk) <= 2 and column_of(norm("".join(chunk)))[0])
    short = sum(1 for _, chunk in chunks if len(chunk) <= 3)
    if headers >= 3 and short >= 0.8 * len(chunks):
        return 2.5
    return 0.0


def read_blank_cells(lines: list[str]) -> list[Block]:
    cells: list[str] = []
    numbers: list[int] = []
    for number, chunk in _chunks(lines):
        parts = [line.strip() for line in chunk]
        cells.append("".join(part for part in parts if part) if len(parts) > 1 else parts[0])
        numbers.append(number)
    return [Block(cells, numbers[0], 1, stream=True, lines=numbers)] if cells else []
