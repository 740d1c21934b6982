"""Indicator table headers: which row is a header and which column plays which role."""

from __future__ import annotations

from auditor.parse.vocab import column_of as _column_of


def combine_header(first: list[str], second: list[str]) -> list[str]:
    """Two header lines as one: per column the line that names a field, else both texts joined."""
    width = max(len(first), len(second))
    out = []
    for a, b in zip(first + [""] * width, second + [""] * width, strict=False):
        if b and header_fields([b]):
            out.append(b)
        elif a and header_fields([a]) and not b:
            out.append(a)
        else:
            out.append(a + b)
    return out[:width]


def join_header(first: list[str], second: list[str]) -> list[str]:
    width = max(len(first), len(second))
    return [a + b for a, b in zip(first + [""] * width, second + [""] * width, strict=False)][:width]


def header_fields_set(keys: list[str]) -> set[str]:
    return {kind for kind in (_column_of(key)[0] for key in keys) if kind}


def header_fields(keys: list[str]) -> int:
    return len(header_fields_set(keys))


def indicator_header(keys: list[str]) -> dict[int, str]:
    """Column index → field when the row is an indicator table header, else {}."""
    columns: dict[int, str] = {}
    best: dict[str, tuple[int, int]] = {}  # field → (rank of the spelling, column index)
    for index, key in enumerate(keys):
        if key:
            columns[index] = "skip"  # a named column we do not use (序号, 备注 ...): never borrow its text
        kind, rank = _column_of(key)
        if kind:
            if kind not in best or rank < best[kind][0]:
                best[kind] = (rank, index)
    if len(best) < 3:
        return {}
    for kind, (_, index) in best.items():
        columns[index] = kind  # the most specific spelling wins: 三级指标 over a spanning 绩效指标 column
    found = set(columns.values()) - {"skip"}
    if "name" in found and ({"level1", "level2"} & found) and len(found) >= 3:
        return columns
    return {}
