"""YEAR_COPY: a project table carried over from the same department's earlier year with only the
years changed — the same 三级指标 and the same 指标值 once years are taken out (the targets did
not move). A cross-document kind: it runs when last year's documents are in the same run.

Each ``Table`` carries ``content`` (dup.content_key: names and values without years, hashed);
the index holds it as a number, and the tables are grouped by (content, department) once per
run, so the check costs a look-up per table.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from auditor.checks.dup import BARE, DOC, YEAR, Table, TableIndex


def _groups(index: TableIndex) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The tables with a content and a year, ordered by (content, department, table), where each
    table's group of that order starts and ends: a template copied verbatim by a thousand
    departments makes a thousand small groups, not one that every copy would look through."""
    groups = getattr(index, "_year_copy_groups", None)
    if groups is None:
        index._ready()
        numbers = np.flatnonzero((index.content != 0) & (index.info[:, YEAR] >= 0))
        numbers = numbers[np.lexsort((numbers, index.owner[numbers], index.content[numbers]))]
        content, owner = index.content[numbers], index.owner[numbers]
        new = np.ones(len(numbers), bool)
        new[1:] = (content[1:] != content[:-1]) | (owner[1:] != owner[:-1])
        starts = np.flatnonzero(new)
        ends = np.append(starts, len(numbers))[1:]
        size = ends - starts
        begin, end = np.full(len(index), -1, np.int64), np.full(len(index), -1, np.int64)
        begin[numbers], end[numbers] = np.repeat(starts, size), np.repeat(ends, size)
        groups = index._year_copy_groups = (numbers, begin, end)
    return groups


def check_year_copy(rule, tables: range, index: TableIndex) -> Iterator[tuple[Table, dict[str, Any], dict]]:
    """Tables (numbers in ``index``) whose content equals the same project's in an earlier year of the same department."""
    min_rows = int(rule.params.get("min_rows", 3))
    numbers, begin, end = _groups(index)
    info, size = index.info, index.size
    for k in tables:
        if begin[k] < 0 or size[k] < min_rows or end[k] - begin[k] < 2:
            continue
        doc, year, bare = int(info[k, DOC]), int(info[k, YEAR]), int(info[k, BARE])
        earlier = [o for o in numbers[begin[k] : end[k]].tolist() if info[o, DOC] != doc and info[o, YEAR] < year]
        if not earlier:
            continue
        t = index.table(k)
        earlier = [o for o in earlier if info[o, BARE] == bare or (t.code and t.code == index.table(o).code)]
        if not earlier:
            continue
        other = index.table(max(earlier, key=lambda o: (info[o, YEAR], -info[o, DOC])))
        facts = {
            "project": t.name,
            "project_code": t.code,
            "budget_year": t.year,
            "rows": int(size[k]),
            "other": other.name,
            "other_year": other.year,
            "other_source": other.source,
            "other_no": other.no,
        }
        yield t, facts, {"related": f"{other.source}#{other.no} {other.name}"}
