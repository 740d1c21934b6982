"""Near-duplicate project tables: the share of a project's 三级指标 names found in another table.

Tables are compared as small ``Table`` records (the project's identity and its normalised
names), so the cross-document check keeps only these in memory, not whole documents.

Candidates come from an inverted index of normalised names with prefix filtering: a table can
reach the share ``t`` only with another table that holds at least one of its rarest names
(the fewest that cover more than ``1 - t`` of its names). Two bounds keep the work per table
the same however many tables a run has: of each such name only the first ``POSTING_LIMIT``
tables holding it are taken (a name in thousands of tables says little about copying, and a
table copied thousands of times is still found through its earliest copies), and of the tables
so found only the ``MAX_CANDIDATES`` that share most names with the table are compared name by
name. Which share most is told by 128-bit signatures of the tables' names (one bit per name,
``TableIndex.signatures``), so the shortlist costs a few operations per table found, not a look
at its names. The counting and the exact comparison run in numpy over all tables of one
document at once. With ``similarity`` below 100 a name also counts as shared when rapidfuzz's
ratio reaches it; candidates still need one exact rare name (within one document every other
table is a candidate).
"""

from __future__ import annotations

import ctypes
import itertools
import re
import sys
from array import array
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

import numpy as np

from auditor.checks.facts import norm_text
from auditor.checks.within import FUZZY_REFINE, best_share, near_hits
from auditor.model import Department

_YEAR = re.compile(r"(?:19|20)\d{2}年?")
POSTING_LIMIT = 64  # tables taken per prefix name, the first in the run (see TableIndex.shortlist)
MAX_CANDIDATES = 8  # other tables compared name by name with one table: those sharing most names
_HASH = np.uint64(0x9E3779B97F4A7C15)  # spreads name numbers over a signature's 128 bits (Fibonacci hashing)


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
        self._intern()
        # computed once: every comparison of two tables uses them (one string when they agree)
        key = norm_text(self.name)
        key = self.name if key == self.name else key
        bare = norm_text(_YEAR.sub("", self.name))
        object.__setattr__(self, "key", key)
        object.__setattr__(self, "key_without_year", key if bare == key else bare)

    def _intern(self) -> None:
        """The names and the department's strings interned: the same name in thousands of tables
        is stored once (a pickle of one document's tables then holds each once, see ``_unpickled``)."""
        object.__setattr__(self, "names", tuple(map(sys.intern, self.names)))
        for attr in ("source", "department", "department_code"):
            object.__setattr__(self, attr, sys.intern(getattr(self, attr)))

    def __reduce__(self):  # rebuilt by _unpickled: keys as computed here, strings interned again
        return (
            _unpickled,
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
                self.key,
                self.key_without_year,
            ),
        )


_UNPICKLED = tuple(f for f in Table.__dataclass_fields__)  # the order of Table.__reduce__'s values


def _unpickled(*values) -> Table:
    """A ``Table`` pickled in another process (a worker's, for the cross-document check): its
    fields as they were, ``__post_init__``'s keys not computed again. Not interned again: the
    pickle of a document's tables holds each string once already (interned where they were
    made), and the copy check's index keeps each name once in its own vocabulary, so interning
    in the receiving process would only add a second table of every name (43 MB at 100,000
    departments of bench/make_corpus.py's templates corpus, 1.6 million distinct names)."""
    table = object.__new__(Table)
    put = object.__setattr__
    for name, value in zip(_UNPICKLED, values, strict=True):
        put(table, name, value)
    return table


def tables_of(dept: Department, doc: int = 0) -> list[Table]:
    """The ``Table`` records of a department's projects."""
    return [table_of(dept, p, doc) for p in dept.projects]


def table_of(dept: Department, project, doc: int = 0) -> Table:
    """One project's ``Table`` record."""
    return Table(
        doc=doc,
        source=dept.source,
        department=dept.name,
        department_code=dept.code,
        year=dept.year,
        no=project.no,
        code=project.code,
        name=project.name,
        line=project.line,
        names=project_names(project),
        content=content_key(project),
    )


def project_names(project) -> tuple[str, ...]:
    """A project table's normalised 三级指标 names, in table order (repeats kept, empty ones left out)."""
    return tuple(n for n in (norm_text(i.name) for i in project.indicators) if n)


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


def _rank_in_groups(groups: np.ndarray) -> np.ndarray:
    """In an array sorted by group: each element's position within its group."""
    start = np.flatnonzero(_first_of_groups(groups))
    return np.arange(len(groups)) - np.repeat(start, np.diff(np.append(start, len(groups))))


def _give_back() -> None:
    """Memory freed while building the index handed back to the system. glibc keeps freed heap
    for reuse, and building frees a lot (the name-to-number dict, the sorts' transients: about
    100 MB at 100,000 departments) that the copy-check process would hold to its end. Elsewhere
    (no glibc) nothing is done."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None).malloc_trim(0)
        except (OSError, AttributeError):  # another C library (musl has no malloc_trim)
            pass


class _Recent:
    """What was rebuilt for the last few documents (tables, their names), so that a table named
    again soon is not rebuilt: when ``size`` are held, those used since the last time it was full
    stay and the others go (two generations), so the tables that many name stay too."""

    __slots__ = ("new", "old", "size")

    def __init__(self, size: int = 4096):
        self.new: dict = {}
        self.old: dict = {}
        self.size = size

    def get(self, key):
        value = self.new.get(key)
        if value is None:
            value = self.old.get(key)
            if value is not None:
                self.put(key, value)
        return value

    def put(self, key, value) -> None:
        if len(self.new) >= self.size:
            self.old, self.new = self.new, {}
        self.new[key] = value


# the columns of TableIndex.info, one row per table: compared for every candidate, so read together
DOC, KEY, BARE, YEAR, CODE, DEPARTMENT = range(6)


class TableIndex:
    """Project tables as numbered rows of numpy arrays, and an inverted index of their names.

    Each table is a number (its position in the run); its distinct 三级指标 names are numbers
    too (the dict ``vocabulary`` while tables are added, then the list ``words``), end to end in
    ``names`` (table ``t``'s at ``starts[t]:starts[t + 1]``, how often each occurs in ``mult``),
    and so are the posting lists (the first ``POSTING_LIMIT`` tables holding name ``v``, in
    table order, at ``post_starts[v]:post_starts[v + 1]``). What comparing two tables needs
    (document, project keys, year, department) is one row of ``info``. The tables of one
    document are compared with their candidates in a few array operations together.

    ``TableIndex(tables)`` keeps the ``Table`` records themselves (one document's, or a test's);
    ``TableIndex(keep=False)`` fed document by document with ``add`` keeps only the arrays and
    the strings a report needs, a few dozen bytes per table, and rebuilds a ``Table`` on demand
    (``table``): what a run over a hundred thousand documents holds. Queries start once all
    tables are in (``add`` after a query is an error).
    """

    def __init__(self, tables: Iterable[Table] = (), keep: bool = True):
        self.tables: list[Table] | None = [] if keep else None
        self.vocabulary: dict[str, int] = {}
        self._strings: dict[str, int] = {}  # project keys, departments, sources: stored once
        self._owners: dict[tuple[str, str], int] = {}  # (department code, name) -> whose document (YEAR_COPY)
        self._columns: dict[str, array] | None = {
            "names": array("i"),
            "mult": array("i"),
            "count": array("q"),
            "size": array("i"),
            "info": array("i"),
            "no": array("q"),
            "line": array("q"),
            "source": array("i"),
            "owner": array("i"),
            "content": array("Q"),
            "text": array("q"),  # ends of each table's code and name in _text
        }
        self._text = bytearray()
        self.add(tables)

    def add(self, tables: Iterable[Table]) -> None:
        """Tables of the run, in run order (a document's together)."""
        c = self._columns
        if c is None:
            raise RuntimeError("TableIndex.add after the index was queried")
        vocabulary, strings = self.vocabulary, self._strings
        names, mult, count, size, info = c["names"], c["mult"], c["count"], c["size"], c["info"]
        keep = self.tables
        for t in tables:
            counts: dict[str, int] = {}
            for n in t.names:
                counts[n] = counts.get(n, 0) + 1
            names.extend(vocabulary.setdefault(n, len(vocabulary)) for n in counts)
            mult.extend(counts.values())
            count.append(len(counts))
            size.append(len(t.names))
            info.extend(
                (
                    t.doc,
                    strings.setdefault(t.key, len(strings)),
                    strings.setdefault(t.key_without_year, len(strings)),
                    -1 if t.year is None else t.year,
                    strings.setdefault(t.department_code, len(strings)) if t.department_code else -1,
                    strings.setdefault(t.department, len(strings)) if t.department else -1,
                )
            )
            if keep is not None:
                keep.append(t)
                continue
            c["owner"].append(self._owner(t))
            c["content"].append(int(t.content, 16) if t.content else 0)
            c["no"].append(t.no)
            c["line"].append(t.line)
            c["source"].append(strings.setdefault(t.source, len(strings)))
            self._text += t.code.encode("utf-8")
            c["text"].append(len(self._text))
            self._text += t.name.encode("utf-8")
            c["text"].append(len(self._text))

    def _owner(self, t: Table) -> int:
        """The number of the department a table belongs to for YEAR_COPY: its code, else its name."""
        owner = self._owners.get((t.department_code, t.department))
        if owner is None:
            owner = self._owners[t.department_code, t.department] = self._strings.setdefault(
                t.department_code or norm_text(t.department), len(self._strings)
            )
        return owner

    def __len__(self) -> int:
        return len(self.size) if self._columns is None else len(self._columns["size"])

    def _build(self) -> None:
        c = self._columns
        if c is None:
            return
        self._columns = None
        n = len(c["size"])
        # numpy views of the arrays filled by ``add`` (no copies); the arrays stay for reading one table
        self.names = np.frombuffer(c["names"], np.int32)
        self.mult = np.frombuffer(c["mult"], np.int32)
        self.count = np.frombuffer(c["count"], np.int64)
        self.starts = np.zeros(n + 1, np.int64)
        np.cumsum(self.count, out=self.starts[1:])
        c["starts"] = array("q", self.starts.tobytes())
        self.size = np.frombuffer(c["size"], np.int32).astype(np.int64)
        # a numpy copy, then the array goes: numpy puts a large array on huge pages, and this one is
        # read at random (a row for each table found), where small pages cost a TLB miss per row
        self.info = np.frombuffer(c.pop("info"), np.int32).reshape(n, 6).copy()
        if self.tables is None:
            self._owner_numbers = np.frombuffer(c["owner"], np.int32).astype(np.int64)
            self._content = np.frombuffer(c["content"], np.uint64)
        self._py = c
        # the names by number; then the name-to-number dict goes (``add`` is over)
        vocabulary = self.vocabulary
        self.words, self.width = list(vocabulary), len(vocabulary)
        self.df = np.bincount(self.names, minlength=self.width)  # how many tables hold each name
        # each name's place from rarest to commonest: fewest tables first, then in text order (the
        # order worked out through the dict, so no number object is made per name)
        in_text_order = np.fromiter(map(vocabulary.__getitem__, sorted(vocabulary)), np.int64, self.width)
        self.rare = self.df.astype(np.int64) * self.width
        self.rare[in_text_order] += np.arange(self.width)
        self.vocabulary = {}
        self._postings: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._signatures: np.ndarray | None = None
        self._string_list: list[str] | None = None
        self._recent = _Recent()  # names_of
        self._made = _Recent()  # table
        _give_back()

    def _ready(self) -> TableIndex:
        if self._columns is not None:
            self._build()
        return self

    @property
    def owner(self) -> np.ndarray:
        """Each table's department for YEAR_COPY (``_owner``), by number."""
        self._ready()
        if self.tables is not None and not hasattr(self, "_owner_numbers"):
            self._owner_numbers = np.array([self._owner(t) for t in self.tables], np.int64)
        return self._owner_numbers

    @property
    def content(self) -> np.ndarray:
        """Each table's ``content`` as a number (0: none)."""
        self._ready()
        if self.tables is not None and not hasattr(self, "_content"):
            self._content = np.array([int(t.content, 16) if t.content else 0 for t in self.tables], np.uint64)
        return self._content

    @property
    def postings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(the first ``POSTING_LIMIT`` tables holding each name, end to end in table order; where
        each name's list starts; each of those tables' ``signatures``, in the same order). The
        signatures are copied beside the tables so that ranking the tables found reads a name's
        list and their signatures in one stretch of memory, not one scattered row per table."""
        self._ready()
        if self._postings is None:
            self._postings = self._build_postings()
            _give_back()  # the sorts' transients
        return self._postings

    def _build_postings(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        held = np.minimum(self.df, POSTING_LIMIT)
        post_starts = np.zeros(self.width + 1, np.int64)
        np.cumsum(held, out=post_starts[1:])
        entry_starts = np.zeros(self.width, np.int64)
        np.cumsum(self.df[:-1], out=entry_starts[1:])
        # the entries by name (stable: in table order), the first of each name's list taken
        first, _ = _ranges(entry_starts, held)
        entries = np.argsort(self.names, kind="stable")[first]
        holders = (np.searchsorted(self.starts, entries, side="right") - 1).astype(np.int32)
        return holders, post_starts, self.signatures[holders]

    def table(self, k: int) -> Table:
        """Table number ``k`` (rebuilt from the arrays when the records were not kept, for a
        report that names it: then without ``names``, which ``names_of`` and ``size`` give)."""
        self._ready()
        if self.tables is not None:
            return self.tables[k]
        made = self._made.get(k)
        if made is not None:
            return made
        if self._string_list is None:
            self._string_list = list(self._strings)
        strings, py = self._string_list, self._py
        info, text = self.info[k].tolist(), py["text"]
        start = text[2 * k - 1] if k else 0
        content = py["content"][k]
        t = object.__new__(Table)
        put = object.__setattr__
        put(t, "doc", info[DOC])
        put(t, "source", strings[py["source"][k]])
        put(t, "department", strings[info[DEPARTMENT]] if info[DEPARTMENT] >= 0 else "")
        put(t, "department_code", strings[info[CODE]] if info[CODE] >= 0 else "")
        put(t, "year", None if info[YEAR] < 0 else info[YEAR])
        put(t, "no", py["no"][k])
        put(t, "code", self._text[start : text[2 * k]].decode("utf-8"))
        put(t, "name", self._text[text[2 * k] : text[2 * k + 1]].decode("utf-8"))
        put(t, "line", py["line"][k])
        put(t, "names", ())
        put(t, "content", f"{content:016x}" if content else "")
        put(t, "key", strings[info[KEY]])
        put(t, "key_without_year", strings[info[BARE]])
        self._made.put(k, t)
        return t

    def by_document(self) -> Iterator[tuple[int, range]]:
        """(document, its tables' numbers) for each run of tables of one document."""
        doc = self._ready().info[:, DOC]
        bounds = [*np.flatnonzero(_first_of_groups(doc)).tolist(), len(doc)]
        for lo, hi in itertools.pairwise(bounds):
            yield int(doc[lo]), range(lo, hi)

    def documents(self) -> int:
        """How many documents the tables come from."""
        return len(np.unique(self._ready().info[:, DOC]))

    def holders(self, name: str) -> np.ndarray:
        """The first ``POSTING_LIMIT`` tables holding ``name``, in table order (the name looked for
        among ``words``: for tests and diagnostics)."""
        postings, post_starts, _ = self.postings
        try:
            v = self.words.index(name)
        except ValueError:
            return postings[:0]
        return postings[post_starts[v] : post_starts[v + 1]]

    def _prefixes(self, queries: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        """The prefix names of the tables ``queries`` (the rarest distinct names that cover more
        than ``1 - threshold`` of a table's names; a table lacking them all cannot reach the
        threshold), as pairs (query position, name number), each query's rarest first."""
        where, _ = _ranges(self.starts[queries], self.count[queries])
        of = np.repeat(np.arange(len(queries)), self.count[queries])
        ids, mult = self.names[where], self.mult[where]
        order = np.lexsort((self.rare[ids], of))
        of, ids, mult = of[order], ids[order], mult[order]
        covered = np.cumsum(mult) - mult  # before each name, within its query:
        covered -= np.repeat(covered[_first_of_groups(of)], self.count[queries])
        size = self.size[queries]
        # a name is taken while those before it cover at most len - min_hits
        room = size - np.ceil(threshold * size - 1e-9).astype(np.int64)
        keep = covered <= room[of]
        return of[keep], ids[keep]

    @property
    def signatures(self) -> np.ndarray:
        """Each table's names as 128 bits (two uint64; a name sets one bit chosen by its number):
        the bits two tables share count about how many names they share, with no look at the names."""
        self._ready()
        if self._signatures is None:
            bit = (np.arange(self.width, dtype=np.uint64) * _HASH) >> np.uint64(57)
            signatures = np.zeros((len(self) + 1, 2), np.uint64)  # a spare last row: reduceat's end
            entries = np.zeros(len(self.names) + 1, np.uint64)  # each entry's bit; a spare last one too
            for word in (0, 1):
                mask = np.where(bit >> np.uint64(6) == word, np.uint64(1) << (bit & np.uint64(63)), np.uint64(0))
                np.take(mask, self.names, out=entries[:-1])
                signatures[:-1, word] = np.bitwise_or.reduceat(entries, self.starts[:-1])
            signatures[:-1][self.count == 0] = 0  # reduceat gives an empty table its next entry
            self._signatures = signatures[:-1]
        return self._signatures

    def shortlist(self, queries: np.ndarray, threshold: float) -> tuple[np.ndarray, np.ndarray]:
        """The tables to compare name by name with each of the tables ``queries``, as pairs (query
        position, table) grouped by query: of the first ``POSTING_LIMIT`` tables holding each of
        its prefix names (``_prefixes``), the ``MAX_CANDIDATES`` that may be compared with it
        (``comparable`` across documents) and share most bits of its ``signatures``. They come
        in candidate order: those holding more prefix names first, then as met (the rarest
        name's tables first, each list in table order)."""
        of, ids = self._ready()._prefixes(queries, threshold)
        postings, post_starts, post_signatures = self.postings
        begin = post_starts[ids]
        lengths = post_starts[ids + 1] - begin
        where, _ = _ranges(begin, lengths)
        keys = postings[where].astype(np.int64)
        of = np.repeat(of, lengths)
        # one entry per (query, table): how many of the query's prefix lists hold it, and when first met
        _, first, count = np.unique(of * len(self) + keys, return_index=True, return_counts=True)
        of, keys = of[first], keys[first]
        if not len(of):
            return of, keys
        theirs = post_signatures[where[first]]
        shared = np.bitwise_count(self.signatures[queries][of] & theirs).sum(axis=1, dtype=np.int64)
        # candidate order: by (query, most prefix lists, first met), one number per pair
        most = int(count.max())
        met = (of * (most + 1) + most - count) * len(where) + first
        # the pairs by (query, most bits shared, candidate order): one sort of one number per pair
        order = np.argsort((of * 129 + 128 - shared) * (met.max() + 1) + met)
        of, keys, met = of[order], keys[order], met[order]
        # of the first four times as many as are compared, those that may be compared (another document ...)
        keep = np.flatnonzero(_rank_in_groups(of) < 4 * MAX_CANDIDATES)
        keep = keep[self.comparable(queries, of[keep], keys[keep], cross=True)]
        keep = keep[_rank_in_groups(of[keep]) < MAX_CANDIDATES]
        keep = keep[np.argsort(met[keep])]  # back in candidate order
        return of[keep], keys[keep]

    def hits(self, queries: np.ndarray, of: np.ndarray, keys: np.ndarray) -> np.ndarray:
        """For each pair (table ``queries[of[i]]``, table ``keys[i]``): how many of the first one's
        names (repeats counted) the second one holds."""
        width = self.width
        where, _ = _ranges(self.starts[queries], self.count[queries])
        code = np.repeat(np.arange(len(queries)), self.count[queries]) * width + self.names[where]
        order = np.argsort(code)
        code, weight = code[order], self.mult[where][order]
        where, ends = _ranges(self.starts[keys], self.count[keys])
        # every name of every candidate, as (its query, name): looked up among the queries' names
        wanted = np.repeat(of, self.count[keys]) * width + self.names[where]
        at = np.minimum(np.searchsorted(code, wanted), len(code) - 1)
        weights = np.where(code[at] == wanted, weight[at], 0)
        total = np.zeros(len(weights) + 1, np.int64)
        np.cumsum(weights, out=total[1:])
        return total[ends] - total[np.append(0, ends[:-1])]

    def comparable(self, queries: np.ndarray, of: np.ndarray, keys: np.ndarray, cross: bool) -> np.ndarray:
        """Which pairs (table ``queries[of[i]]``, table ``keys[i]``) may be compared: a table of
        another document (``cross``) or of the same one, and not the same project (see
        ``_same_project``); across documents not one of the same department and year either (a
        resubmission beside the original, named as such in the reports, not a copy; see
        ``_same_department``)."""
        mine, theirs = self.info[queries[of]], self.info[keys]
        same_doc = theirs[:, DOC] == mine[:, DOC]
        if cross:
            code, their_code = mine[:, CODE], theirs[:, CODE]
            name = mine[:, DEPARTMENT]
            same_department = np.where(
                (code >= 0) & (their_code >= 0), code == their_code, (name >= 0) & (theirs[:, DEPARTMENT] == name)
            )
            resubmitted = (theirs[:, YEAR] == mine[:, YEAR]) & same_department
            return ~same_doc & (theirs[:, BARE] != mine[:, BARE]) & ~resubmitted
        return same_doc & (theirs[:, KEY] != mine[:, KEY]) & (keys != queries[of])

    def names_of(self, k: int) -> tuple[str, ...]:
        """Table ``k``'s names (repeats kept; in table order only when the records are kept)."""
        if self.tables is not None:
            return self.tables[k].names
        names = self._recent.get(k)
        if names is None:
            words, py = self.words, self._py
            lo, hi = py["starts"][k], py["starts"][k + 1]
            ids, mult = py["names"][lo:hi], py["mult"][lo:hi]
            if mult.count(1) == len(mult):
                names = tuple(map(words.__getitem__, ids))
            else:
                names = tuple(words[i] for i, m in zip(ids, mult, strict=True) for _ in range(m))
            self._recent.put(k, names)
        return names

    def fuzzy_hits(self, a: int, b: int, similarity: float, need: int = 0) -> int:
        """How many of table ``a``'s names that table ``b`` lacks (repeats counted) have a name in
        ``b`` at least ``similarity`` alike (within.near_hits; with ``need`` it may stop short)."""
        return near_hits(self.names_of(a), self.names_of(b), similarity, need)


def similar_tables(
    queries: Iterable[int], index: TableIndex, threshold: float = 0.8, similarity: float = 100, cross: bool = False
) -> Iterator[tuple[int, int, float]]:
    """For each of the tables numbered ``queries``, the most similar other table in ``index`` at or
    above ``threshold``: (table, other, share), tables by number.

    ``cross`` False: other projects of the same document (every one is a candidate). True:
    projects of other documents (another department, or the same one in another year), the
    candidates those of ``TableIndex.shortlist``.
    The tables are handled together (best: one document's at a time). Per table: names are
    compared exactly first, and the first candidate holding every name wins; otherwise with
    ``similarity`` below 100 the ``FUZZY_REFINE`` candidates with most exact hits are also given
    their near-identical names (rapidfuzz), and the largest share wins (the first of equals).
    """
    index._ready()
    queries = np.fromiter(queries, np.int64)
    queries = queries[index.size[queries] >= 2]
    if not len(queries):
        return
    if cross:
        of, keys = index.shortlist(queries, threshold)
    else:  # within one document every other table is a candidate
        of = np.repeat(np.arange(len(queries)), len(index))
        keys = np.tile(np.arange(len(index)), len(queries))
        ok = index.comparable(queries, of, keys, cross)
        of, keys = of[ok], keys[ok]
    hits = index.hits(queries, of, keys)
    size = index.size[queries]
    full = np.flatnonzero(hits == size[of])
    winner = dict(zip(of[full].tolist()[::-1], keys[full].tolist()[::-1], strict=True))  # the first per query
    # the others' candidates, most exact hits first (then in candidate order), FUZZY_REFINE each (1 without fuzz)
    if len(of):  # by (query, most exact hits, candidate order): one sort of one number per pair
        most = int(hits.max())
        order = np.argsort((of * (most + 1) + most - hits) * len(of) + np.arange(len(of)))
        of, keys, hits = of[order], keys[order], hits[order]
    fuzzy = similarity < 100
    keep = _rank_in_groups(of) < (FUZZY_REFINE if fuzzy else 1)
    refine: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for q, k, h in zip(of[keep].tolist(), keys[keep].tolist(), hits[keep].tolist(), strict=True):
        if q not in winner:
            refine[q].append((k, h))
    for q, (table, length) in enumerate(zip(queries.tolist(), size.tolist(), strict=True)):
        if q in winner:
            yield table, winner[q], 1.0
            continue
        near = (lambda key, exact, need, table=table: index.fuzzy_hits(table, key, similarity, need)) if fuzzy else None
        best = best_share(refine.get(q, ()), length, threshold, near)
        if best:
            yield table, best[0], best[1]
