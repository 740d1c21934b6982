"""YEAR_COPY: a project table carried over from the same department's earlier year with only the
years changed — the same 三级指标 and the same 指标值 once years are taken out (the targets did
not move). A cross-document kind: it runs when last year's documents are in the same run.

Each ``Table`` carries ``content`` (dup.content_key: names and values without years, hashed);
tables are grouped by it once per run, so the check costs one dictionary look-up per table.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from auditor.checks.dup import Table, TableIndex
from auditor.checks.facts import norm_text


def _department(t: Table) -> str:
    return t.department_code or norm_text(t.department)


def _same_project(a: Table, b: Table) -> bool:
    return bool(a.code and a.code == b.code) or a.key_without_year == b.key_without_year


def _by_content(index: TableIndex) -> dict[tuple[str, str], list[Table]]:
    """The tables by (content, department): a template copied verbatim by a thousand departments
    makes a thousand small groups, not one that every copy would look through."""
    groups = getattr(index, "_year_copy_groups", None)
    if groups is None:
        groups = defaultdict(list)
        for t in index.tables:
            if t.content and t.year is not None:
                groups[t.content, _department(t)].append(t)
        index._year_copy_groups = groups
    return groups


def check_year_copy(rule, tables: list[Table], index: TableIndex) -> Iterator[tuple[Table, dict[str, Any], dict]]:
    """Tables of ``tables`` whose content equals the same project's in an earlier year of the same department."""
    min_rows = int(rule.params.get("min_rows", 3))
    groups = _by_content(index)
    for t in tables:
        if t.year is None or not t.content or len(t.names) < min_rows:
            continue
        earlier = [
            o for o in groups.get((t.content, _department(t)), ())
            if o.doc != t.doc and o.year < t.year and _same_project(t, o)
        ]  # fmt: skip
        if not earlier:
            continue
        other = max(earlier, key=lambda o: (o.year, -o.doc))
        facts = {
            "project": t.name,
            "project_code": t.code,
            "budget_year": t.year,
            "rows": len(t.names),
            "other": other.name,
            "other_year": other.year,
            "other_source": other.source,
            "other_no": other.no,
        }
        yield t, facts, {"related": f"{other.source}#{other.no} {other.name}"}
