"""Row assembly: cells placed under the table's column roles by what they are.

Two cases. A row whose empty cells vanished (padded pipe rows, a merged label written once)
is aligned to the header's roles in order, each cell where it fits best (``align``: a small
dynamic programme over cells × columns; every cell is placed unless there are more cells than
columns). A run of cells without row boundaries (one cell a line, blank-line cells) is cut
into rows as it is read (``stream_rows``): a 一级 label starts a row, a 二级 label starts one
unless the row holds only labels so far, and a cell that fits no column after the last one
filled starts the next row. Explicit empty cells take a column each.
"""

from __future__ import annotations

from auditor.parse.roles import EMPTY, LEVEL1, LEVEL2, LEVEL12, NUMBER, fit, in_context, kind_of
from auditor.parse.vocab import norm, parent_of

_DROP = 20.0  # cost of leaving a cell out (only when there are more cells than columns)
_FRAGMENT_TAILS = ("指标", "指标)", "标")


def join_fragments(cells: list[str]) -> tuple[list[str], list[int]]:
    """Level labels split over two cells (``社会效益`` / ``指标``) joined into one; with the index
    of each resulting cell's first part."""
    if not any(norm(c) in _FRAGMENT_TAILS for c in cells):
        return cells, list(range(len(cells)))
    out: list[str] = []
    index: list[int] = []
    for i, cell in enumerate(cells):
        key = norm(cell)
        if key in _FRAGMENT_TAILS and out and kind_of(out[-1] + key) in (LEVEL1, LEVEL2, LEVEL12):
            out[-1] = norm(out[-1]) + key
            continue
        out.append(cell)
        index.append(i)
    return out, index


def resolve(cells: list[str], level1: str) -> list[str]:
    """The kind of every cell in reading order, 一级/二级 ambiguity settled by the table so far:
    a label followed by another level label is a 一级; otherwise a 二级 where the current 一级
    lists it, else a 一级."""
    kinds = [kind_of(c) for c in cells]
    current = level1
    for i, kind in enumerate(kinds):
        if kind == LEVEL12:
            after = kinds[i + 1] if i + 1 < len(kinds) else EMPTY
            kinds[i] = in_context(kind, cells[i], current)
            before = kinds[i - 1] if i > 0 else EMPTY
            if kinds[i] == LEVEL2 and after in (LEVEL2, LEVEL12) and before != LEVEL1 and not _rowless(cells, i):
                kinds[i] = LEVEL1
        if kinds[i] == LEVEL1:
            current = cells[i]
        elif kinds[i] == LEVEL2 and not (current and in_context(LEVEL12, cells[i], current) == LEVEL2):
            current = parent_of(cells[i]) or current  # a 二级 without its 一级: the frame's 一级
    return kinds


def _rowless(cells: list[str], i: int) -> bool:
    """Whether the label at ``i`` would leave its row without a name if read as a 一级: the
    next label is followed straight away by a value-like cell or a direction word."""
    rest = [c for c in cells[i + 2 :] if norm(c)]
    return bool(rest) and kind_of(rest[0]) in ("qual", "cmp", "num")


def align(roles: list[str], cells: list[str], level1: str = "", above: dict[int, str] | None = None) -> dict[int, str]:
    """Column index → cell text for a row whose empty cells were dropped: each non-empty cell
    in order, in the column where it fits best (``roles``: the header's column roles)."""
    items = [c for c in cells if norm(c)]
    kinds = [kind_of(c) for c in items]
    lean: list[float] = []  # for a label that can be a 一级 or a 二级: how much the table leans to 二级
    current = level1
    for text, kind in zip(items, kinds, strict=True):
        lean.append(2.0 if kind == LEVEL12 and in_context(kind, text, current) == LEVEL2 else -2.0)
        if kind == LEVEL1:
            current = text
    n, m = len(items), len(roles)
    if n == 0:
        return {}
    neg = float("-inf")
    # best[i][j]: score of placing the first i cells within the first j columns
    best = [[neg] * (m + 1) for _ in range(n + 1)]
    move = [[0] * (m + 1) for _ in range(n + 1)]  # 0 skip column, 1 place, 2 drop cell
    for j in range(m + 1):
        best[0][j] = 0.0
    for i in range(1, n + 1):
        kind = kinds[i - 1]
        for j in range(0, m + 1):
            top, how = best[i - 1][j] - _DROP, 2
            if j > 0:
                if best[i][j - 1] > top:
                    top, how = best[i][j - 1], 0
                score = fit(roles[j - 1], kind)
                if kind == LEVEL12 and score is not None and roles[j - 1] == "level2":
                    score += lean[i - 1]
                if score is not None and above and above.get(j - 1) == items[i - 1]:
                    score += 3  # the same text as the row above in this column (a boilerplate column)
                if score is not None and best[i - 1][j - 1] + score > top:
                    top, how = best[i - 1][j - 1] + score, 1
            best[i][j], move[i][j] = top, how
    placed: dict[int, str] = {}
    i, j = n, m
    while i > 0:
        how = move[i][j]
        if how == 1:
            placed[j - 1] = items[i - 1]
            i, j = i - 1, j - 1
        elif how == 0:
            j -= 1
        else:
            i -= 1
    return _name_from_levels(roles, placed)


def _name_from_levels(roles: list[str], placed: dict[int, str]) -> dict[int, str]:
    """A row read as 一级 + 二级 with no 三级 although it has a value: where the 一级 could be a
    二级, the labels move one column right (成本指标 | 经济成本指标 | 定量 | 100: the 二级 and a
    二级 label used as the 三级 name)."""
    where = {roles[k]: k for k in placed}
    if "name" in where or "level1" not in where or "level2" not in where or "name" not in roles:
        return placed
    if not any(roles[k] in ("value", "direction", "unit") for k in placed):
        return placed
    if kind_of(placed[where["level1"]]) != LEVEL12:
        return placed
    moved = dict(placed)
    moved[where["level2"]] = placed[where["level1"]]
    moved[roles.index("name")] = placed[where["level2"]]
    del moved[where["level1"]]
    return moved


def _beyond_levels(row: dict[int, str], roles: list[str]) -> bool:
    return any(roles[k] not in ("level1", "level2") and not roles[k].startswith("mid:") for k in row)


def stream_rows(roles: list[str], cells: list[str], level1: str = "") -> list[tuple[dict[int, str], int]]:
    """Cut a run of cells without row boundaries into rows: (column index → text, index of the
    row's first cell in ``cells``)."""
    cells, index = join_fragments(cells)
    kinds = resolve(cells, level1)
    m = len(roles)
    rows: list[tuple[dict[int, str], int]] = []
    row: dict[int, str] = {}
    first = 0
    last = -1

    def next_fit(start: int, kind: str) -> int | None:
        for k in range(max(start, 0), m):
            if fit(roles[k], kind) is not None:
                return k
        return None

    for position, (text, kind) in enumerate(zip(cells, kinds, strict=True)):
        if kind == EMPTY:
            last += 1
            if last >= m - 1:
                if row:
                    rows.append((row, first))
                row, last = {}, -1
            continue
        if row:
            starts = kind == LEVEL1 or (kind == LEVEL2 and _beyond_levels(row, roles))
            target = None if starts else next_fit(last + 1, kind)
            if target is None and kind == NUMBER and any(roles[k] == "name" for k in row):
                continue  # a score written after the row's cells, with no column of its own
            if target is None:
                rows.append((row, first))
                row, last = {}, -1
        if not row and kind == NUMBER and last < 0:
            continue  # a bare number never starts a row: a score after the row, a total under the header
        if not row:
            target = next_fit(last + 1, kind)
            if target is None:
                target = next_fit(0, kind)
            if target is None:
                continue
        if not row:
            first = index[position]
        row[target] = text
        last = target
        if last >= m - 1:
            rows.append((row, first))
            row, last = {}, -1
    if row:
        rows.append((row, first))
    return rows
