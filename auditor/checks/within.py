"""Near-duplicate project tables inside one document (DUP_TABLE), in plain Python.

A document has a handful of project tables, so every pair is compared directly; this gives
what ``dup.similar_tables(..., cross=False)`` gives over a ``TableIndex`` of the document,
without building arrays for a few dozen names (tests/test_within.py holds the two equal; with
exact names only, of two other tables at the same share this one names the earlier).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence

from rapidfuzz import fuzz, process

FUZZY_REFINE = 5  # of the other tables, how many (most exact hits first) are compared name by name


def near_hits(mine: Sequence[str], other: Sequence[str], similarity: float, need: int = 0) -> int:
    """How many of ``mine`` (repeats counted) that ``other`` lacks have a name in ``other`` at
    least ``similarity`` alike (rapidfuzz ratio). With ``need``, the count may stop short once
    it can no longer reach ``need`` (the answer is then some number below ``need``)."""
    missing = [n for n in mine if n not in other]
    found = 0
    for left, n in enumerate(reversed(missing)):
        if found + len(missing) - left < need:
            break
        if process.extractOne(n, other, scorer=fuzz.ratio, score_cutoff=similarity):
            found += 1
    return found


def _least(threshold: float, size: int) -> int:
    """The fewest shared names out of ``size`` whose share reaches ``threshold``."""
    least = max(math.ceil(threshold * size), 0)
    while least > 0 and (least - 1) / size >= threshold:
        least -= 1
    while least / size < threshold:
        least += 1
    return least


def best_share(
    candidates: Iterable[tuple[int, int]],
    size: int,
    threshold: float,
    near: Callable[[int, int, int], int] | None = None,
) -> tuple[int, float] | None:
    """Of ``candidates`` (other table, exact hits), in order, the one whose share of the ``size``
    names is largest and at least ``threshold`` (the first of equals), as (other, share);
    ``near(other, exact, need)`` adds the names matched by near spelling, and may stop counting
    (answering some number below ``need``) once the candidate can no longer reach the threshold
    or beat the best so far. A candidate holding every name ends the search: nothing can beat it."""
    best: tuple[int, float] | None = None
    least = _least(threshold, size)  # the fewest shared names that reach the threshold
    for other, exact in candidates:
        if near is not None:
            exact += near(other, exact, least - exact)
        share = exact / size
        if share >= threshold and (best is None or share > best[1]):
            best = (other, share)
            if exact >= size:
                break
            least = exact + 1  # to win now a candidate must share more
    return best


def similar_within(
    tables: Sequence[tuple[str, tuple[str, ...]]], threshold: float = 0.8, similarity: float = 100
) -> Iterator[tuple[int, int, float]]:
    """For each table, given as (project key, its names with repeats), the most similar other
    table of another project at or above ``threshold``: (table, other, share), by position.

    Per table (of two names or more): the first other table holding every name wins; otherwise
    the ``FUZZY_REFINE`` others with most exact hits (1 when ``similarity`` is 100), in table
    order among equals, are also given their near-identical names, and the largest share wins
    (the first of equals).
    """
    refine = FUZZY_REFINE if similarity < 100 else 1
    holds = [frozenset(names) for _, names in tables]
    for q, (key, names) in enumerate(tables):
        size = len(names)
        if size < 2:
            continue
        mine = Counter(names).items()
        ranked: list[tuple[int, int]] = []
        winner = None
        for k, (other_key, _) in enumerate(tables):
            if k == q or other_key == key:
                continue
            theirs = holds[k]
            hits = sum(m for n, m in mine if n in theirs)
            if hits == size:
                winner = k
                break
            ranked.append((-hits, k))
        if winner is not None:
            yield q, winner, 1.0
            continue
        ranked.sort()
        near = (
            (lambda k, exact, need, names=names: near_hits(names, tables[k][1], similarity, need))
            if similarity < 100
            else None
        )
        best = best_share(((k, -minus) for minus, k in ranked[:refine]), size, threshold, near)
        if best:
            yield q, best[0], best[1]
