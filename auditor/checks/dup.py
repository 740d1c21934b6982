"""Near-duplicate project tables: the share of a project's 三级指标 names found in another table.

Candidates come from an inverted index of normalised names (blocking), built once per run, so
the cost grows with the number of shared names, not with the square of the number of
projects. With ``similarity`` below 100 a name also counts as shared when rapidfuzz's ratio
reaches it (candidates are then the projects sharing at least one exact name, or the whole
document for the within-document check).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from auditor.checks.facts import norm_text
from auditor.model import Department, Project

_YEAR = re.compile(r"(?:19|20)\d{2}年?")


def _names(project: Project) -> list[str]:
    return [n for n in (norm_text(ind.name) for ind in project.indicators) if n]


def _same_project_name(a: Project, b: Project, ignore_years: bool) -> bool:
    """Same project? Across documents a year in the name does not count (the project goes on)."""
    if ignore_years:
        return norm_text(_YEAR.sub("", a.name)) == norm_text(_YEAR.sub("", b.name))
    return norm_text(a.name) == norm_text(b.name)


def _share(names: list[str], other: set[str], similarity: float) -> float:
    if not names:
        return 0.0
    if similarity >= 100:
        hits = sum(1 for n in names if n in other)
    else:
        from rapidfuzz import fuzz, process

        hits = sum(
            1 for n in names if n in other or process.extractOne(n, other, scorer=fuzz.ratio, score_cutoff=similarity)
        )
    return hits / len(names)


class TableIndex:
    """Every project table of some departments, indexed by normalised 三级指标 name."""

    def __init__(self, departments: list[Department]):
        self.tables: list[tuple[Department, Project, set[str]]] = []
        self.by_name: dict[str, set[int]] = defaultdict(set)
        for dept in departments:
            for project in dept.projects:
                names = set(_names(project))
                self.tables.append((dept, project, names))
                for n in names:
                    self.by_name[n].add(len(self.tables) - 1)

    def candidates(self, names: list[str]) -> set[int]:
        found: set[int] = set()
        for n in set(names):
            found |= self.by_name.get(n, set())
        return found


def similar_tables(
    dept: Department,
    index: TableIndex,
    threshold: float = 0.8,
    similarity: float = 100,
    cross: bool = False,
) -> Iterator[tuple[Project, Department, Project, float]]:
    """For each project of ``dept``, the most similar other table at or above ``threshold``.

    ``cross`` False: other projects of the same document. True: projects of other documents
    (another department, or the same department in another year).
    """
    for project in dept.projects:
        names = _names(project)
        if len(names) < 2:
            continue
        keys = index.candidates(names)
        if similarity < 100 and not cross:
            keys = set(range(len(index.tables)))
        best = None
        for key in sorted(keys):
            other_dept, other, other_names = index.tables[key]
            if (other_dept is dept) == cross or other is project:
                continue
            if _same_project_name(project, other, cross):
                continue
            share = _share(names, other_names, similarity)
            if share >= threshold and (best is None or share > best[3]):
                best = (project, other_dept, other, share)
        if best:
            yield best
