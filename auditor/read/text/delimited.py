"""Comma-separated text (.csv exports, e.g. a 预算管理一体化系统 download of a year's indicators):
one table row a line, read with the csv module (quoted cells may hold commas and line breaks)."""

from __future__ import annotations

import csv
from collections import Counter

from auditor.model import Block
from auditor.parse.vocab import column_of, norm


def _rows(lines: list[str]) -> list[list[str]]:
    try:
        return list(csv.reader(lines))
    except csv.Error:
        return []


def score_csv(lines: list[str]) -> float:
    """Most lines split into the same number (at least four) of comma-separated cells, one of them
    an indicator header row."""
    head = "\n".join(lines[:400])
    if head.count(",") < 8 or head.count("\t") > head.count(","):
        return 0.0
    sample = [line for line in lines[:400] if line.strip()]
    if len(sample) < 2:
        return 0.0
    rows = _rows(sample)
    widths = Counter(len(row) for row in rows)
    width, count = widths.most_common(1)[0] if widths else (0, 0)
    if width < 4 or count < 0.7 * len(rows):
        return 0.0
    header = any(sum(1 for cell in row if column_of(norm(cell))[0]) >= 3 for row in rows[:20])
    return 4.5 if header else 0.0


def read_csv(lines: list[str]) -> list[Block]:
    blocks: list[Block] = []
    for number, row in enumerate(_rows(lines), start=1):
        cells = [cell.strip() for cell in row]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            blocks.append(Block(cells, number, 1, where=f"第{number}行"))
    return blocks
