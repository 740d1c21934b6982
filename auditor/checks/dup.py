"""Near-duplicate project tables: the share of a project's 三级指标 names found in another table.

Tables are compared as small ``Table`` records (the project's identity and its normalised
names), so the cross-document check keeps only these in memory, not whole documents.

Candidates come from an inverted index of normalised names with prefix filtering: a table can
reach the share ``t`` only with another table that holds at least one of its rarest names
(the fewest that cover more than ``1 - t`` of its names), so each table probes only the short
posting lists of its rare names and cost grows close to linearly with the number of tables,
not with its square. With ``similarity`` below 100 a name also counts as shared when
rapidfuzz's ratio reaches it; candidates still need one exact rare name (within one document
every other table is a candidate).
"""

from __future__ import annotations

import math
import re
import sys
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from auditor.checks.facts import norm_text
from auditor.model import Department

_YEAR = re.compile(r"(?:19|20)\d{2}年?")


@dataclass(frozen=True)
class Table:
    """One project table as the duplicate check sees it."""

    doc: int  # which document (position in the run): tables of one document share it
    source: str
    department: str
    department_code: str
    year: int | None
    no: int
    code: str
    name: str
    line: int
    names: tuple[str, ...]  # normalised 三级指标 names, in table order (repeats kept)

    @property
    def key(self) -> str:
        return norm_text(self.name)

    @property
    def key_without_year(self) -> str:
        return norm_text(_YEAR.sub("", self.name))


def tables_of(dept: Department, doc: int = 0) -> list[Table]:
    """The ``Table`` records of a department's projects (names interned: repeats cost nothing)."""
    return [
        Table(
            doc=doc,
            source=dept.source,
            department=dept.name,
            department_code=dept.code,
            year=dept.year,
            no=p.no,
            code=p.code,
            name=p.name,
            line=p.line,
            names=tuple(sys.intern(n) for n in (norm_text(i.name) for i in p.indicators) if n),
        )
        for p in dept.projects
    ]


def _same_project(a: Table, b: Table, cross: bool) -> bool:
    """Same project? Across documents a year in the name does not count (the project goes on)."""
    return a.key_without_year == b.key_without_year if cross else a.key == b.key


class TableIndex:
    """Project tables indexed by normalised 三级指标 name."""

    def __init__(self, tables: Iterable[Table]):
        self.tables: list[Table] = list(tables)
        self.by_name: dict[str, list[int]] = defaultdict(list)
        for key, table in enumerate(self.tables):
            for n in set(table.names):
                self.by_name[n].append(key)
        self._sets = [frozenset(t.names) for t in self.tables]

    def prefix(self, names: tuple[str, ...], threshold: float) -> list[str]:
        """The rarest distinct names that cover more than ``1 - threshold`` of ``names``."""
        counts: dict[str, int] = defaultdict(int)
        for n in names:
            counts[n] += 1
        rare_first = sorted(counts, key=lambda n: (len(self.by_name.get(n, ())), n))
        # a table lacking every name of the prefix keeps at most len(names) - covered < min_hits
        min_hits = math.ceil(threshold * len(names) - 1e-9)
        covered, out = 0, []
        for n in rare_first:
            out.append(n)
            covered += counts[n]
            if len(names) - covered < min_hits:
                break
        return out

    def candidates(self, names: tuple[str, ...], threshold: float) -> list[int]:
        found: set[int] = set()
        for n in self.prefix(names, threshold):
            found.update(self.by_name.get(n, ()))
        return sorted(found)


def _fuzzy_hits(missing: list[str], other: frozenset[str], similarity: float) -> int:
    from rapidfuzz import fuzz, process

    return sum(1 for n in missing if process.extractOne(n, other, scorer=fuzz.ratio, score_cutoff=similarity))


def best_match(
    table: Table, index: TableIndex, keys: Iterable[int], threshold: float, similarity: float, cross: bool
) -> tuple[Table, float] | None:
    """The other table sharing the largest share (≥ threshold) of ``table``'s names, or None."""
    names, n = table.names, len(table.names)
    best: tuple[Table, float] | None = None
    for key in keys:
        other = index.tables[key]
        if (other.doc == table.doc) == cross or other is table or _same_project(table, other, cross):
            continue
        other_set = index._sets[key]
        hits = sum(1 for x in names if x in other_set)
        fuzzy = similarity < 100 and hits < n
        upper = n if fuzzy else hits  # the most this table could share
        if upper / n < threshold or (best is not None and upper / n <= best[1]):
            continue
        if fuzzy:
            hits += _fuzzy_hits([x for x in names if x not in other_set], other_set, similarity)
        share = hits / n
        if share >= threshold and (best is None or share > best[1]):
            best = (other, share)
            if share >= 1:
                break
    return best


def similar_tables(
    tables: list[Table], index: TableIndex, threshold: float = 0.8, similarity: float = 100, cross: bool = False
) -> Iterator[tuple[Table, Table, float]]:
    """For each of ``tables``, the most similar other table in ``index`` at or above ``threshold``.

    ``cross`` False: other projects of the same document (every one is a candidate). True:
    projects of other documents (another department, or the same one in another year).
    """
    for table in tables:
        if len(table.names) < 2:
            continue
        if cross or similarity >= 100:
            keys = index.candidates(table.names, threshold)
        else:
            keys = range(len(index.tables))
        found = best_match(table, index, keys, threshold, similarity, cross)
        if found:
            yield table, found[0], found[1]
