"""Near-duplicate project tables: the share of a project's 三级指标 names found in another table.

Tables are compared as small ``Table`` records (the project's identity and its normalised
names), so the cross-document check keeps only these in memory, not whole documents.

Candidates come from an inverted index of normalised names with prefix filtering: a table can
reach the share ``t`` only with another table that holds at least one of its rarest names
(the fewest that cover more than ``1 - t`` of its names), so each table probes only the short
posting lists of its rare names, and at most ``MAX_CANDIDATES`` of the tables found (those
holding most of those names) are compared, so cost grows close to linearly with the number of
tables, not with its square. With ``similarity`` below 100 a name also counts as shared when
rapidfuzz's ratio reaches it; candidates still need one exact rare name (within one document
every other table is a candidate).
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain

from auditor.checks.facts import norm_text
from auditor.model import Department

_YEAR = re.compile(r"(?:19|20)\d{2}年?")
MAX_CANDIDATES = 100  # other tables compared with one table, closest first (see TableIndex.candidates)
FUZZY_REFINE = 5  # of those, how many (most exact hits first) are also compared name by name with rapidfuzz


@dataclass(frozen=True, slots=True)
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
    content: str = field(default="", compare=False)  # names and 指标值 without years, hashed (yearcopy.py)
    key: str = field(default="", compare=False)  # the project name normalised
    key_without_year: str = field(default="", compare=False)  # ... and without years

    def __post_init__(self) -> None:
        # names interned: the same name in thousands of tables is stored once (also after pickling)
        object.__setattr__(self, "names", tuple(sys.intern(n) for n in self.names))
        for attr in ("source", "department", "department_code"):
            object.__setattr__(self, attr, sys.intern(getattr(self, attr)))
        # computed once: every comparison of two tables uses them (one string when they agree)
        key = norm_text(self.name)
        key = self.name if key == self.name else key
        bare = norm_text(_YEAR.sub("", self.name))
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "key_without_year", key if bare == key else bare)

    def __reduce__(self):  # rebuilt through __init__, so a table coming from a worker is interned too
        return (Table, (self.doc, self.source, self.department, self.department_code, self.year, self.no,
                        self.code, self.name, self.line, self.names, self.content))


def tables_of(dept: Department, doc: int = 0) -> list[Table]:
    """The ``Table`` records of a department's projects."""
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
            names=tuple(n for n in (norm_text(i.name) for i in p.indicators) if n),
            content=content_key(p),
        )
        for p in dept.projects
    ]


def content_key(project) -> str:
    """A project table's 三级指标 names and 指标值 with every year taken out, hashed: two tables with
    the same key say the same thing but for the year (what YEAR_COPY looks for)."""
    import hashlib

    text = "\x1e".join(
        norm_text(_YEAR.sub("", i.name)) + "\x1f" + norm_text(_YEAR.sub("", i.value)) for i in project.indicators
    )
    return hashlib.blake2b(text.encode("utf-8"), digest_size=8).hexdigest() if text else ""


def _same_department(a: Table, b: Table) -> bool:
    """Two documents of one department: the same code, or (without codes) the same name."""
    if a.department_code and b.department_code:
        return a.department_code == b.department_code
    return bool(a.department) and a.department == b.department


def _same_project(a: Table, b: Table, cross: bool) -> bool:
    """Same project? Across documents a year in the name does not count (the project goes on)."""
    return a.key_without_year == b.key_without_year if cross else a.key == b.key


class TableIndex:
    """Project tables indexed by normalised 三级指标 name.

    Kept small, as a run holds one for every table of every document: the posting lists are
    arrays of table numbers, and a table's names are checked against another table's names
    tuple (a few interned strings) rather than a set of its own.
    """

    def __init__(self, tables: Iterable[Table]):
        self.tables: list[Table] = list(tables)
        self.by_name: dict[str, array] = defaultdict(lambda: array("i"))
        for key, table in enumerate(self.tables):
            for n in set(table.names):
                self.by_name[n].append(key)

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

    def candidates(self, names: tuple[str, ...], threshold: float, limit: int | None = None) -> list[int]:
        """Tables holding a prefix name, those holding the most prefix names first (then table order).

        ``limit`` keeps only that many: a template copied into hundreds of tables is then
        compared with the closest hundred of them, not with all (cost stays linear).
        """
        lists = [self.by_name.get(n, ()) for n in self.prefix(names, threshold)]
        if len(lists) == 1:
            return list(lists[0][:limit] if limit else lists[0])
        counts = Counter(chain.from_iterable(lists))  # counted in C: how many prefix names each holds
        return [key for key, _ in counts.most_common(limit)]


def _fuzzy_hits(missing: list[str], other: frozenset[str], similarity: float) -> int:
    from rapidfuzz import fuzz, process

    return sum(1 for n in missing if process.extractOne(n, other, scorer=fuzz.ratio, score_cutoff=similarity))


def best_match(
    table: Table, index: TableIndex, keys: Iterable[int], threshold: float, similarity: float, cross: bool
) -> tuple[Table, float] | None:
    """The other table sharing the largest share (≥ threshold) of ``table``'s names, or None.

    Names are compared exactly first; with ``similarity`` below 100 the ``FUZZY_REFINE``
    candidates with most exact hits are then also given their near-identical names (rapidfuzz).
    """
    names, n = table.names, len(table.names)
    exact: list[tuple[int, int]] = []  # (exact hits, key), in candidate order
    for key in keys:
        other = index.tables[key]
        if (other.doc == table.doc) == cross or other is table or _same_project(table, other, cross):
            continue
        if cross and table.year == other.year and _same_department(table, other):
            continue  # a resubmission beside the original (named as such in the reports), not a copy
        others = other.names
        hits = sum(1 for x in names if x in others)
        if hits == n:
            return other, 1.0
        exact.append((hits, key))
    fuzzy = similarity < 100
    if fuzzy:
        exact = sorted(exact, key=lambda hk: -hk[0])[:FUZZY_REFINE]
    best: tuple[Table, float] | None = None
    for hits, key in exact:
        if fuzzy:
            others = index.tables[key].names
            hits += _fuzzy_hits([x for x in names if x not in others], frozenset(others), similarity)
        share = hits / n
        if share >= threshold and (best is None or share > best[1]):
            best = (index.tables[key], share)
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
            keys = index.candidates(table.names, threshold, MAX_CANDIDATES)
        else:
            keys = range(len(index.tables))
        found = best_match(table, index, keys, threshold, similarity, cross)
        if found:
            yield table, found[0], found[1]
