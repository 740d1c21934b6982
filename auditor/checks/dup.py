"""Near-duplicate project tables: the share of a project's 三级指标 names found in another table.

Candidates come from an inverted index of normalised names (blocking), so the cost grows with
the number of shared names, not with the square of the number of projects. With
``similarity`` below 100 a name also counts as shared when rapidfuzz's ratio reaches it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator

from auditor.checks.facts import norm_text
from auditor.model import Department, Project

_YEAR = re.compile(r"(?:19|20)\d{2}年?")


def _names(project: Project) -> list[str]:
    return [norm_text(ind.name) for ind in project.indicators if norm_text(ind.name)]


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

        hits = 0
        for n in names:
            if n in other or process.extractOne(n, other, scorer=fuzz.ratio, score_cutoff=similarity):
                hits += 1
    return hits / len(names)


def similar_tables(
    dept: Department,
    pool: list[Department],
    threshold: float = 0.8,
    similarity: float = 100,
    cross: bool = False,
) -> Iterator[tuple[Project, Department, Project, float]]:
    """For each project of ``dept``, the most similar other table in ``pool`` at or above threshold.

    ``cross`` False: other projects of the same document. True: projects of other documents
    (another department or another year).
    """
    index: dict[str, set[tuple[int, int]]] = defaultdict(set)
    tables: dict[tuple[int, int], tuple[Department, Project, set[str]]] = {}
    for d_i, other_dept in enumerate(pool):
        if cross == (other_dept is dept):
            continue
        for p_i, project in enumerate(other_dept.projects):
            names = set(_names(project))
            tables[(d_i, p_i)] = (other_dept, project, names)
            for n in names:
                index[n].add((d_i, p_i))
    for project in dept.projects:
        names = _names(project)
        if len(names) < 2:
            continue
        candidates: set[tuple[int, int]] = set()
        for n in set(names):
            candidates |= index.get(n, set())
        if similarity < 100 and not cross:
            candidates = set(tables)
        best = None
        for key in sorted(candidates):
            other_dept, other, other_names = tables[key]
            if other is project or _same_project_name(project, other, cross):
                continue
            share = _share(names, other_names, similarity)
            if share >= threshold and (best is None or share > best[3]):
                best = (project, other_dept, other, share)
        if best:
            yield best
