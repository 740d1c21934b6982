"""The parser's vocabulary, read once from ``lexicons/``: column synonyms, field labels, level frames,
comparator words (the list values.py uses), units and traditional-character forms.

Every lookup goes through a key: the text without white space, with half-width brackets and
colons (``norm``); header and level lookups also map traditional characters to simplified ones,
drop pinyin readings in brackets (``標(biāo)``), leading ``*`` marks and template notes.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from auditor.chars import TEXT_CACHE, Translation
from auditor.resources import lexicon, lexicon_rows

_HALF_WIDTH = Translation(
    {"（": "(", "）": ")", "：": ":", "【": "[", "】": "]", **dict.fromkeys("\u200b\u200c\u200d\u2060\ufeff\u00ad")}
)


@lru_cache(maxsize=TEXT_CACHE)
def norm(text: str) -> str:
    """A cell's text as a lookup key: no white space, half-width brackets and colons."""
    return _HALF_WIDTH("".join((text or "").split()))


def _pairs(name: str) -> list[tuple[str, ...]]:
    return lexicon_rows(name)


@cache
def _simplified() -> Translation:
    return Translation({trad: simp for trad, simp in _pairs("parse_traditional")})


_PINYIN = re.compile(r"\([a-zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}\)")
_NOTE = re.compile(
    r"\((?:必填|选填|可选|必选|硬性|核心|共性|个性|必填硬性指标|必填指标|选填指标|[^()]{0,8}?指标)\)$"
    r"|\(?\d+(?:\.\d+)?(?:-\d+(?:\.\d+)?)?\)?分\)?$"
)


@lru_cache(maxsize=TEXT_CACHE)
def simplify(text: str) -> str:
    """``norm`` plus simplified characters and without pinyin readings: a key for labels."""
    key = _simplified()(norm(text))
    if "(" in key:
        key = _PINYIN.sub("", key)
    return key


@lru_cache(maxsize=1 << 12)
def plain_label(text: str) -> str:
    """A level label as the output writes it: without spaces (产 出 指 标), pinyin readings or
    traditional characters; brackets and notes as printed."""
    label = _simplified()("".join((text or "").split()))
    return _PINYIN.sub("", label) if "(" in label or "（" in label else label


# --------------------------------------------------------------------------- column synonyms


@cache
def columns() -> tuple[dict[str, str], dict[str, int]]:
    """Header spelling key → column role, and the rank of that spelling within its role."""
    role_of: dict[str, str] = {}
    rank: dict[str, int] = {}
    counts: dict[str, int] = {}
    for role, spelling in _pairs("parse_columns"):
        key = simplify(spelling)
        if key not in role_of:
            role_of[key] = role
            rank[key] = counts.get(role, 0)
            counts[role] = counts.get(role, 0) + 1
    return role_of, rank


_UNIT_SUFFIX = re.compile(r"\((?:万元|元|千元|%|％|全称)\)$")
_YEAR_PREFIX = re.compile(r"^(?:20\d\d年度?|年度|全年|本年|当年|预期20\d\d年|预期)")
_SET_SUFFIX = re.compile(r"\((?:长期|年度|中期|目标值|\d+)\)$")
_COLUMN_PARTS = (
    ("实际", "actual"),
    ("完成值", "actual"),
    ("得分", "score"),
    ("偏差", "deviation"),
    ("未完成原因", "deviation"),
)


@lru_cache(maxsize=1 << 14)
def column_of(key: str) -> tuple[str | None, int]:
    """The column role a header cell names (``key`` from ``norm``), and the rank of its spelling."""
    role_of, rank = columns()
    if key in role_of:
        return role_of[key], rank[key]
    if len(key) > 40:
        return None, 99  # (no header word is that long, even with pinyin readings)
    key = simplify(key).lstrip("*")
    if key in role_of:
        return role_of[key], rank[key]
    if key.endswith(")"):  # (both suffix patterns end in a bracket: other keys are left as they are)
        for bare in (_UNIT_SUFFIX.sub("", key), _SET_SUFFIX.sub("", key)):
            if bare in role_of:
                return role_of[bare], rank[bare]
    bare = _YEAR_PREFIX.sub("", key)
    if bare != key and bare in role_of:
        return role_of[bare], rank[bare] + 1
    if 3 <= len(key) <= 12 and ("实现值" in key or "完成值" in key):
        return ("actual" if "实际" in key else "value"), 50
    return None, 99


@lru_cache(maxsize=1 << 14)
def names_column(key: str) -> bool:
    """Whether a cell (``norm`` key) names an indicator column: ``column_of(key)[0]`` is set."""
    return column_of(key)[0] is not None


# --------------------------------------------------------------------------- field labels


@cache
def _labels() -> dict[str, str]:
    return {simplify(spelling): field for field, spelling in _pairs("parse_labels")}


def label_spellings(field: str) -> list[str]:
    """The printed spellings of one label field (for finding "label：value" inside a cell)."""
    return [spelling for kind, spelling in _pairs("parse_labels") if kind == field]


def all_label_fields() -> list[str]:
    return sorted({kind for kind, _ in _pairs("parse_labels")})


@lru_cache(maxsize=1 << 14)
def label_of(key: str) -> str | None:
    """The Project field a header label names (``key`` already normalised), else None."""
    if not key:
        return None
    labels = _labels()
    found = labels.get(key)
    if found is not None or len(key) > 40:
        return found  # (no label is that long, even with pinyin readings)
    key = simplify(key).lstrip("*")
    found = labels.get(key) or labels.get(key.rstrip(":*"))
    if found is None and key.startswith("其中"):
        key = key[2:].lstrip(":")
        found = labels.get(key) or labels.get(key.rstrip(":*"))
    if found is None and key.endswith(")"):
        found = labels.get(_UNIT_SUFFIX.sub("", key))
        if found is None and (bare := _TRAILING_NOTE.sub("", key)) != key and len(bare) >= 4:
            found = labels.get(bare)  # 中期目标(2025年—2027年)
    return found


_TRAILING_NOTE = re.compile(r"\([^()]{1,20}\)$")


# --------------------------------------------------------------------------- level frames


@cache
def current_frames() -> dict[str, frozenset[str]]:
    """一级 → the 二级 labels listed under it, where an older frame's entry under a current 一级
    (满意度 under 效益指标) is left out: such a label there is read as a new 一级."""
    children: dict[str, set[str]] = {}
    entries = _pairs("parse_levels")
    current = {level1 for level1, _, frame in entries if frame != "old"}
    for level1, level2, frame in entries:
        if frame != "old" or level1 not in current:
            children.setdefault(level1, set()).add(level2)
    return {key: frozenset(value) for key, value in children.items()}


@cache
def frames() -> tuple[dict[str, list[str]], dict[str, str]]:
    """(一级 → the 二级 labels any frame lists under it, 二级 → the 一级 of the first frame listing it)."""
    children: dict[str, list[str]] = {}
    parent: dict[str, str] = {}
    for level1, level2, _frame in _pairs("parse_levels"):
        children.setdefault(level1, []).append(level2)
        parent.setdefault(level2, level1)
    return children, parent


_LEVEL_SUFFIX = re.compile(r"(?:指标|目标|值)$")


@lru_cache(maxsize=1 << 12)
def split_note(text: str) -> tuple[str, str, str]:
    """A level label as printed → (label, template note, weight): ``数量指标 (必填硬性指标)`` →
    (``数量指标``, ``(必填硬性指标)``, ``""``); ``产出指标 (40-50)分`` → (``产出指标``, ``""``, ``(40-50)分``)."""
    label = " ".join(text.split())
    note = weight = ""
    compact = norm(label)
    for _ in range(2):
        match = _NOTE.search(compact)
        if not match or match.start() == 0:
            break
        part = match.group(0)
        if part.endswith("分") or part.endswith("分)"):
            weight = part
        else:
            note = part
        compact = compact[: match.start()]
    if compact == norm(label):
        return label, "", ""
    return compact, note, weight


@lru_cache(maxsize=1 << 14)
def level_key(text: str) -> str:
    """A level label's key: simplified, without notes, spaces, stars or a trailing 等."""
    key = simplify(split_note(text)[0]).strip("★*")
    return key


@lru_cache(maxsize=1 << 14)
def level_kind(text: str) -> str:
    """ "1" for an official 一级 label, "2" for a 二级 label, "12" for one that can be both, "" for neither."""
    key = level_key(text)
    if not key or len(key) > 16:
        return ""
    children, parent = frames()
    kind = ("1" if key in children else "") + ("2" if key in parent else "")
    return kind


def parent_of(level2: str) -> str:
    """The 一级 a 二级 label sits under in the first frame that lists it (printed spelling), else ""."""
    return frames()[1].get(level_key(level2), "")


def allowed_under(level1: str, level2: str) -> bool:
    """Whether any frame lists ``level2`` under ``level1``."""
    return level_key(level2) in frames()[0].get(level_key(level1), ())


# --------------------------------------------------------------------------- comparators and units


@cache
def comparators() -> frozenset[str]:
    """Comparator spellings written before a number (the list values.py reads), plus the full-width ones."""
    found = {line.split("\t")[0] for line in lexicon("comparators") if line.split("\t")[-1].strip() == "pre"}
    return frozenset(found | {"＞", "＜", "＝", "═", "﹦", "≧", "≦", ">=", "<="})


@cache
def units() -> frozenset[str]:
    return frozenset(line.split("\t")[0] for line in lexicon("units")) | {"%", "百分比", "元"}


_UNIT_JOIN = re.compile(r"[/·*×]")


@lru_cache(maxsize=TEXT_CACHE)
def is_unit(text: str) -> bool:
    """A cell holding only a unit: ``%``, ``人次``, ``元/人·月``, ``万元/处``."""
    key = norm(text).strip("()")
    if not key or len(key) > 10:
        return False
    known = units()
    return all(part in known for part in _UNIT_JOIN.split(key) if part) and any(_UNIT_JOIN.split(key))


QUALITATIVE = frozenset({"定性", "定量", "正向", "反向", "正向指标", "反向指标", "中性", "定性指标", "定量指标"})


@cache
def _footers() -> tuple[str, ...]:
    return tuple(norm(text) for kind, text in _pairs("parse_furniture") if kind == "footer")


def is_footer(key: str) -> bool:
    """A cell (``norm`` key) that ends an indicator table: sign-off lines, totals, remarks, site widgets."""
    return key.startswith(_footers())
