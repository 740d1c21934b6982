"""Indicator table headers: which row is a header and which column plays which role."""

from __future__ import annotations

from functools import lru_cache

from auditor.parse.vocab import column_of as _column_of
from auditor.parse.vocab import label_of


def combine_header(first: list[str], second: list[str]) -> list[str]:
    """Two header lines as one: per column the line that names a field, else both texts joined."""
    width = max(len(first), len(second))
    out = []
    for a, b in zip(first + [""] * width, second + [""] * width, strict=False):
        if b and header_fields([b]):
            out.append(b)
        elif a and header_fields([a]) and not b:
            out.append(a)
        else:
            out.append(a + b)
    return out[:width]


def join_header(first: list[str], second: list[str]) -> list[str]:
    width = max(len(first), len(second))
    return [a + b for a, b in zip(first + [""] * width, second + [""] * width, strict=False)][:width]


def header_fields_set(keys: list[str]) -> set[str]:
    return {kind for kind in (_column_of(key)[0] for key in keys) if kind}


def header_fields(keys: list[str]) -> int:
    return len(header_fields_set(keys))


def indicator_header(keys: list[str]) -> dict[int, str]:
    """Column index → field when the row is an indicator table header, else {}."""
    columns: dict[int, str] = {}
    best: dict[str, tuple[int, int]] = {}  # field → (rank of the spelling, column index)
    for index, key in enumerate(keys):
        if key:
            columns[index] = "skip"  # a named column we do not use (序号, 备注 ...): never borrow its text
        kind, rank = _column_of(key)
        if kind and kind not in ("skip", "note"):
            if kind not in best or rank < best[kind][0]:
                best[kind] = (rank, index)
    if len(best) < 3:
        return {}
    for kind, (_, index) in best.items():
        columns[index] = kind  # the most specific spelling wins: 三级指标 over a spanning 绩效指标 column
    found = set(columns.values()) - {"skip"}
    if "name" in found and ({"level1", "level2"} & found) and len(found) >= 3:
        return columns
    if "name" in found and "value" in found and len(found) >= 4:
        return columns  # a table without level columns (指标 | 指标权重 | 计量单位 | 指标性质 | 指标值)
    return {}


_SET_ROLES = ("level2", "name", "value")


def header_roles(keys: list[str], columns: dict[int, str]) -> list[str]:
    return list(_roles(tuple(keys), tuple(sorted(columns.items()))))


@lru_cache(maxsize=256)
def _roles(keys: tuple[str, ...], items: tuple[tuple[int, str], ...]) -> tuple[str, ...]:
    return tuple(_header_roles(list(keys), dict(items)))


def _header_roles(keys: list[str], columns: dict[int, str]) -> list[str]:
    """The role of every header column in order, for placing cells by content.

    A column naming a project field (单位名称, 项目名称, 预算数, 年度目标 in a flat sheet)
    is a ``ctx:`` column; a second column of the same role is kept too (two direction columns);
    where two indicator sets stand side by side (中期 | 年度, 长期 | 年度) the earlier set's
    columns become ``mid:`` columns and the last set is the table's indicators.
    """
    roles = [columns.get(i, "skip") for i in range(len(keys))]
    for i, key in enumerate(keys):
        if roles[i] != "skip" or not key:
            continue
        role, _ = _column_of(key)
        if role not in ("skip", "note"):
            roles[i] = "caption"  # a spanning caption (绩效指标, 年度绩效目标(90分)): holds no row's cell
        if role in ("direction", "weight", "score", "actual", "deviation", "note", "description", "basis", "unit"):
            roles[i] = role
        elif role in _SET_ROLES and all(r in columns.values() for r in _SET_ROLES):
            roles[i] = "mid:" + role
        elif (field := label_of(key)) in ("unit", "code", "name", "budget", "goal"):
            roles[i] = "ctx:" + field
    if not any(r in ("ctx:name", "ctx:code") for r in roles):
        roles = [r if not r.startswith("ctx:") else "caption" for r in roles]  # not a flat sheet
    if not all(("mid:" + r) in roles for r in _SET_ROLES):
        return [r if not r.startswith("mid:") else "caption" for r in roles]
    # the set that comes first is the 中期/长期 one, whichever spelling the header gave it
    first = min(roles.index(r) for r in _SET_ROLES if r in roles)
    later = min(roles.index("mid:" + r) for r in _SET_ROLES)
    if later > first:
        for i, role in enumerate(roles):
            if role in _SET_ROLES and i < later:
                roles[i] = "mid:" + role
            elif role.startswith("mid:") and i >= later:
                roles[i] = role[4:]
    return roles


def merge_header_lines(first: list[str], second: list[str]) -> list[str] | None:
    """Two header lines as one ordered list of header cells, or None when the second line is
    not a header line. The second line either goes on where the first broke off (二级指标 |
    三级指标 … after 绩效指标 | 一级 指标) or splits cells of the first: a spanning 绩效指标
    cell into 一级/二级/三级, a 指标值 cell into 指标性质/指标值/度量单位 or into
    2022年实际实现值/预期2023年实现值."""
    first = [k for k in first if k]
    second = [k for k in second if k]
    roles1 = [_column_of(k)[0] for k in first]
    roles2 = [_column_of(k)[0] for k in second]
    if not second or not all(roles2):
        return None
    caption = {i for i, k in enumerate(first) if roles1[i] == "name" and _column_of(k)[1] >= 5}
    shared = {r for i, r in enumerate(roles1) if r and i not in caption} & set(roles2)
    if not shared:
        return first + second  # the header row broken after a cell that ended in a line break
    out: list[str] = []
    levels = [k for k, r in zip(second, roles2, strict=True) if r in ("level1", "level2", "name")]
    values = [k for k, r in zip(second, roles2, strict=True) if r in ("direction", "value", "unit", "actual")]
    rest = [
        k
        for k, r in zip(second, roles2, strict=True)
        if r not in ("level1", "level2", "name", "direction", "value", "unit", "actual")
    ]
    used_levels = used_values = False
    for key, role in zip(first, roles1, strict=True):
        if role in ("name", "level1", "level2") and levels and not used_levels:
            out += levels
            used_levels = True
        elif role == "value" and values and not used_values:
            out += values
            used_values = True
        elif role in ("name", "level1", "level2") and used_levels:
            continue
        else:
            out.append(key)
    if not used_levels:
        out = levels + out
    if not used_values:
        out += values
    return out + rest
