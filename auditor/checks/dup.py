"""Near-duplicate project tables: the share of a project's 三级指标 names found in another table.

Tables are compared as small ``Table`` records (the project's identity and its normalised
names), so the cross-document check keeps only these in memory, not whole documents.

Candidates come from an inverted index of normalised names with prefix filtering: a table can
reach the share ``t`` only with another table that holds at least one of its rarest names
(the fewest that cover more than ``1 - t`` of its names). Two bounds keep the work per table
the same however many tables a run has: of each such name only the first ``POSTING_LIMIT``
tables holding it are counted (a name in thousands of tables says little about copying, and
a table copied thousands of times is still found through its earliest copies), and of the
tables found at most ``MAX_CANDIDATES`` (those holding most of those names) are compared.
The counting and the exact comparison run in numpy over all tables of one document at once.
With ``similarity`` below 100 a name also counts as shared when rapidfuzz's ratio reaches it;
candidates still need one exact rare name (within one document every other table is a
candidate).
"""

from __future__ import annotations

import math
import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np
from rapidfuzz import fuzz, process

from auditor.checks.facts import norm_text
from auditor.model import Department

_YEAR = re.compile(r"(?:19|20)\d{2}年?")
POSTING_LIMIT = 500  # tables counted per prefix name, the first in the run (see TableIndex.candidates_of)
MAX_CANDIDATES = 100  # other tables compared with one table, closest first
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
        return (
            Table,
            (
                self.doc,
                self.source,
                self.department,
                self.department_code,
                self.year,
                self.no,
                self.code,
                self.name,
                self.line,
                self.names,
                self.content,
            ),
        )


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


def _ranges(begin: np.ndarray, lengths: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions ``begin[i] .. begin[i] + lengths[i] - 1`` for every i, end to end, and the
    end of each range in that result."""
    ends = np.cumsum(lengths)
    if not len(ends) or not ends[-1]:
        return np.zeros(0, np.int64), ends
    return np.repeat(begin - ends + lengths, lengths) + np.arange(ends[-1]), ends


def _first_of_groups(groups: np.ndarray) -> np.ndarray:
    """In an array sorted by group: where each group starts (a boolean mask)."""
    mask = np.ones(len(groups), bool)
    mask[1:] = groups[1:] != groups[:-1]
    return mask


class TableIndex:
    """Project tables indexed by normalised 三级指标 name, in numpy arrays.

    Each name gets a number; the tables' distinct name numbers lie end to end in ``names``
    (table ``t``'s at ``starts[t]:starts[t + 1]``), and so do the posting lists (the tables
    holding name ``v``, in table order, at ``post_starts[v]:post_starts[v + 1]``). The tables
    of one document are compared with their candidates in a few array operations together,
    and memory is a few bytes per name of a table besides the Table records themselves.
    """

    def __init__(self, tables: Iterable[Table]):
        self.tables: list[Table] = list(tables)
        self.vocabulary: dict[str, int] = {}
        keys: dict[str, int] = {}
        ids, lengths, key, bare = array("q"), array("q"), array("q"), array("q")
        year, code, department = array("q"), array("q"), array("q")
        for table in self.tables:
            distinct = dict.fromkeys(table.names)
            ids.extend(self.vocabulary.setdefault(n, len(self.vocabulary)) for n in distinct)
            lengths.append(len(distinct))
            key.append(keys.setdefault(table.key, len(keys)))
            bare.append(keys.setdefault(table.key_without_year, len(keys)))
            year.append(-1 if table.year is None else table.year)
            code.append(keys.setdefault(table.department_code, len(keys)) if table.department_code else -1)
            department.append(keys.setdefault(table.department, len(keys)) if table.department else -1)
        self._keys = keys
        self.names = np.array(ids, np.int64)
        self.starts = np.zeros(len(self.tables) + 1, np.int64)
        np.cumsum(np.array(lengths, np.int64), out=self.starts[1:])
        self.doc = np.fromiter((t.doc for t in self.tables), np.int64, len(self.tables))
        self.key, self.bare = np.array(key, np.int64), np.array(bare, np.int64)
        self.year, self.code = np.array(year, np.int64), np.array(code, np.int64)
        self.department = np.array(department, np.int64)
        holder = np.repeat(np.arange(len(self.tables), dtype=np.int64), np.diff(self.starts))
        self.postings = holder[np.argsort(self.names, kind="stable")]
        df = np.bincount(self.names, minlength=len(self.vocabulary))
        self.post_starts = np.zeros(len(self.vocabulary) + 1, np.int64)
        np.cumsum(df, out=self.post_starts[1:])
        self.df: list[int] = df.tolist()  # how many tables hold each name

    def holders(self, name: str) -> np.ndarray:
        """The tables holding ``name``, in table order."""
        v = self.vocabulary.get(name)
        return self.postings[self.post_starts[v] : self.post_starts[v + 1]] if v is not None else self.postings[:0]

    def prefix(self, names: tuple[str, ...], threshold: float) -> list[str]:
        """The rarest distinct names that cover more than ``1 - threshold`` of ``names``."""
        counts: dict[str, int] = defaultdict(int)
        for n in names:
            counts[n] += 1
        vocabulary, df = self.vocabulary, self.df
        rare_first = sorted(counts, key=lambda n: (df[vocabulary[n]] if n in vocabulary else 0, n))
        # a table lacking every name of the prefix keeps at most len(names) - covered < min_hits
        min_hits = math.ceil(threshold * len(names) - 1e-9)
        covered, out = 0, []
        for n in rare_first:
            out.append(n)
            covered += counts[n]
            if len(names) - covered < min_hits:
                break
        return out

    def candidates_of(
        self, queries: list[tuple[str, ...]], threshold: float, limit: int | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """The candidates of several name lists at once, as pairs (query number, table), grouped by
        query; each query's tables are those holding one of its prefix names, those holding the
        most prefix names first, then in the order met (the rarest name's tables first, each list
        in table order).

        Only the first ``POSTING_LIMIT`` tables of each name's list are looked at, and ``limit``
        keeps only that many candidates per query, so the work per table does not grow with the run.
        """
        vocabulary, post_starts = self.vocabulary, self.post_starts
        query, name_ids = [], []
        for q, names in enumerate(queries):
            for n in self.prefix(names, threshold):
                if n in vocabulary:
                    query.append(q)
                    name_ids.append(vocabulary[n])
        v = np.array(name_ids, np.int64)
        begin = post_starts[v]
        lengths = np.minimum(post_starts[v + 1] - begin, POSTING_LIMIT)
        where, ends = _ranges(begin, lengths)
        found = self.postings[where]
        of = np.repeat(np.array(query, np.int64), lengths)
        # one entry per (query, table): how many of the query's prefix lists hold it, and when first met
        pair, first, count = np.unique(of * len(self.tables) + found, return_index=True, return_counts=True)
        of, found = of[first], found[first]
        order = np.lexsort((first, -count, of))
        of, found = of[order], found[order]
        if limit is not None and len(of):
            group_start = np.flatnonzero(_first_of_groups(of))
            rank = np.arange(len(of)) - np.repeat(group_start, np.diff(np.append(group_start, len(of))))
            keep = rank < limit
            of, found = of[keep], found[keep]
        return of, found

    def candidates(self, names: tuple[str, ...], threshold: float, limit: int | None = None) -> list[int]:
        """``candidates_of`` for one name list: its candidate tables, closest first."""
        return self.candidates_of([names], threshold, limit)[1].tolist()

    def hits(self, queries: list[tuple[str, ...]], of: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """For each pair (query ``of[i]``, table ``keys[i]``): how many of the query's names
        (repeats counted) the table holds."""
        vocabulary, size = self.vocabulary, len(self.vocabulary) + 1
        counts: dict[int, int] = defaultdict(int)
        for q, names in enumerate(queries):
            for n in names:
                counts[q * size + vocabulary.get(n, size - 1)] += 1
        code = np.fromiter(counts, np.int64, len(counts))
        order = np.argsort(code)
        code, weight = code[order], np.fromiter(counts.values(), np.int64, len(counts))[order]
        where, ends = _ranges(self.starts[keys], self.starts[keys + 1] - self.starts[keys])
        # every name of every candidate, as (its query, name): looked up among the queries' names
        wanted = np.repeat(of, np.diff(np.append(0, ends))) * size + self.names[where]
        at = np.minimum(np.searchsorted(code, wanted), len(code) - 1)
        weights = np.where(code[at] == wanted, weight[at], 0)
        total = np.zeros(len(weights) + 1, np.int64)
        np.cumsum(weights, out=total[1:])
        return total[ends] - total[np.append(0, ends[:-1])]

    def comparable(self, queries: list[Table], of: np.ndarray, keys: np.ndarray, cross: bool) -> np.ndarray:
        """Which pairs may be compared: a table of another document (``cross``) or of the same one,
        and not the same project (see ``_same_project``); across documents not one of the same
        department and year either (a resubmission beside the original, named as such in the
        reports, not a copy; see ``_same_department``)."""
        mine = np.array([t.doc for t in queries], np.int64)[of]
        same_doc = self.doc[keys] == mine
        if cross:
            project = np.array([self._keys.get(t.key_without_year, -1) for t in queries], np.int64)[of]
            year = np.array([-1 if t.year is None else t.year for t in queries], np.int64)[of]
            code = np.array([self._keys.get(t.department_code, -1) if t.department_code else -1 for t in queries])[of]
            name = np.array([self._keys.get(t.department, -1) if t.department else -1 for t in queries])[of]
            their_code = self.code[keys]
            same_department = np.where(
                (code >= 0) & (their_code >= 0), code == their_code, (name >= 0) & (self.department[keys] == name)
            )
            resubmitted = (self.year[keys] == year) & same_department
            return ~same_doc & (self.bare[keys] != project) & ~resubmitted
        project = np.array([self._keys.get(t.key, -1) for t in queries], np.int64)[of]
        itself = np.array([self.tables[k] is queries[q] for q, k in zip(of.tolist(), keys.tolist(), strict=True)], bool)
        return same_doc & (self.key[keys] != project) & ~itself


def _fuzzy_hits(missing: list[str], other: tuple[str, ...], similarity: float) -> int:
    """How many of ``missing`` have a name in ``other`` at least ``similarity`` alike (rapidfuzz ratio)."""
    return sum(1 for n in missing if process.extractOne(n, other, scorer=fuzz.ratio, score_cutoff=similarity))


def similar_tables(
    tables: list[Table], index: TableIndex, threshold: float = 0.8, similarity: float = 100, cross: bool = False
) -> Iterator[tuple[Table, Table, float]]:
    """For each of ``tables``, the most similar other table in ``index`` at or above ``threshold``.

    ``cross`` False: other projects of the same document (every one is a candidate). True:
    projects of other documents (another department, or the same one in another year).
    The tables are handled together (best: one document's at a time). Per table: names are
    compared exactly first, and the first candidate holding every name wins; otherwise with
    ``similarity`` below 100 the ``FUZZY_REFINE`` candidates with most exact hits are also given
    their near-identical names (rapidfuzz), and the largest share wins (the first of equals).
    """
    queries = [t for t in tables if len(t.names) >= 2]
    if not queries:
        return
    names = [t.names for t in queries]
    if cross or similarity >= 100:
        of, keys = index.candidates_of(names, threshold, MAX_CANDIDATES)
    else:  # within one document every other table is a candidate
        of = np.repeat(np.arange(len(queries)), len(index.tables))
        keys = np.tile(np.arange(len(index.tables)), len(queries))
    ok = index.comparable(queries, of, keys, cross)
    of, keys = of[ok], keys[ok]
    hits = index.hits(names, of, keys)
    size = np.array([len(n) for n in names], np.int64)
    full = np.flatnonzero(hits == size[of])
    winner = dict(zip(of[full].tolist()[::-1], keys[full].tolist()[::-1], strict=True))  # the first per query
    # the others' candidates, most exact hits first (then in candidate order), FUZZY_REFINE each (1 without fuzz)
    order = np.lexsort((np.arange(len(of)), -hits, of))
    of, keys, hits = of[order], keys[order], hits[order]
    rank = np.arange(len(of)) - np.repeat(np.flatnonzero(_first_of_groups(of)), np.bincount(of)[np.unique(of)])
    fuzzy = similarity < 100
    keep = rank < (FUZZY_REFINE if fuzzy else 1)
    refine: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for q, k, h in zip(of[keep].tolist(), keys[keep].tolist(), hits[keep].tolist(), strict=True):
        if q not in winner:
            refine[q].append((k, h))
    for q, table in enumerate(queries):
        if q in winner:
            yield table, index.tables[winner[q]], 1.0
            continue
        best: tuple[Table, float] | None = None
        for key, exact in refine.get(q, ()):
            other = index.tables[key]
            if fuzzy:
                exact += _fuzzy_hits([x for x in table.names if x not in other.names], other.names, similarity)
            share = exact / len(table.names)
            if share >= threshold and (best is None or share > best[1]):
                best = (other, share)
        if best:
            yield table, best[0], best[1]
