"""Column roles: what a cell is by its content (a level label, value, unit, direction word,
number, text …) and how well it fits each role of an indicator table column.

Where merged cells vanished and the remaining cells shifted, a cell is placed by what it is,
not by its position: the row assembler (``assemble``) scores each cell against each column
role with ``fit``.
"""

from __future__ import annotations

import re
from functools import lru_cache

from auditor.chars import TEXT_CACHE
from auditor.parse.vocab import QUALITATIVE, comparators, current_frames, is_unit, level_key, level_kind, norm

# Cell kinds.
WORD = "word"  # a word of one or two characters: a unit the list does not know (卷), 是, 无, 好
EMPTY, LEVEL1, LEVEL2, LEVEL12, COMPARATOR, QUALITY, UNIT, NUMBER, MONEY, VALUE, ORG, TEXT = (
    "empty",
    "l1",
    "l2",
    "l12",
    "cmp",
    "qual",
    "unit",
    "num",
    "money",
    "val",
    "org",
    "text",
)

_NUMBER = re.compile(r"^[-+]?\d+(?:\.\d+)?$")
_MONEY = re.compile(r"^\d{1,3}(?:,\d{3})+(?:\.\d+)?$|^\d+\.\d{2}$")
_DIGIT = re.compile(r"\d")
_ORG = re.compile(
    r"^(?:\[?\d{3,}\]?[-—_]?)?[\u4e00-\u9fff()]{2,30}(?:局|委|委员会|办|院|中心|所|站|馆|会|部|处|厅|政府|镇|乡|街道|学校|医院|分局|公司)$"
)
_VALUE_WORDS = re.compile(
    r"[≥≤≧≦><=＝﹦═%％]|以上|以下|以内|不低于|不少于|不超过|不高于|达到|小时|工作日|月底|年底|季度"
)


@lru_cache(maxsize=1)
def _trend_words() -> tuple[tuple[str, ...], tuple[str, ...]]:
    from auditor.resources import lexicon

    return tuple(lexicon("vague")), tuple(lexicon("name_measures"))


def _trend(key: str) -> bool:
    """A short degree or trend phrase (明显减少, 有所提高, 逐步完善): it opens with a word of
    lexicons/vague.txt and does not end in a measure of lexicons/name_measures.txt, as a
    三级指标 name would (有效投诉率, 带动务工人数)."""
    vague, measures = _trend_words()
    return len(key) <= 6 and key.startswith(vague) and not key.endswith(measures)


@lru_cache(maxsize=TEXT_CACHE)
def kind_of(text: str) -> str:
    """The kind of a cell's text, without context (a level label is ``l1``, ``l2`` or ``l12``)."""
    key = norm(text)
    if not key:
        return EMPTY
    level = level_kind(text)
    if level:
        return {"1": LEVEL1, "2": LEVEL2, "12": LEVEL12}[level]
    if key in comparators():
        return COMPARATOR
    if key in QUALITATIVE:
        return QUALITY
    if _NUMBER.match(key):
        return NUMBER
    if _MONEY.match(key):
        return MONEY
    if is_unit(key):
        return UNIT
    if len(key) <= 40 and _ORG.match(key):
        return ORG
    if _DIGIT.search(key) and len(key) <= 24:
        return VALUE
    if len(key) <= 8 and (_VALUE_WORDS.search(key) or _trend(key)):
        return VALUE  # 不超过20, 年底前, and a short trend phrase (明显减少, 有所提高, 逐步完善)
    if len(key) <= 2:
        return WORD
    return TEXT


def in_context(kind: str, text: str, level1: str) -> str:
    """A label that can be a 一级 or a 二级 (``l12``) read in its table: a 二级 where the current
    一级 lists it (成本指标 under 产出指标, 产出指标 under 实施效果指标), else a 一级."""
    if kind != LEVEL12:
        return kind
    if level1 and _lists(level1, text):
        return LEVEL2
    return LEVEL1


def _lists(level1: str, level2: str) -> bool:
    return level_key(level2) in current_frames().get(level_key(level1), ())


# How well a cell kind fits a column role (missing: never placed there).
_FIT: dict[str, dict[str, float]] = {
    "level1": {LEVEL1: 10, LEVEL12: 8},
    "level2": {LEVEL2: 10, LEVEL12: 8},
    "name": {
        WORD: 2,
        TEXT: 6,
        VALUE: 3,
        ORG: 3,
        NUMBER: 1,
        MONEY: 1,
        LEVEL2: 1,
        LEVEL12: 1,
        LEVEL1: 0.5,
        UNIT: 0.5,
        QUALITY: 0.5,
    },
    "value": {WORD: 4, VALUE: 8, NUMBER: 6, MONEY: 6, TEXT: 4, UNIT: 3, COMPARATOR: 1, QUALITY: 1, ORG: 1},
    "direction": {COMPARATOR: 9, QUALITY: 9},
    "unit": {UNIT: 9, WORD: 2},
    "weight": {NUMBER: 4, VALUE: 1},
    "score": {NUMBER: 4, VALUE: 1},
    "actual": {
        LEVEL1: 0.5,
        LEVEL2: 0.5,
        LEVEL12: 0.5,
        WORD: 3,
        VALUE: 5,
        NUMBER: 5,
        MONEY: 5,
        TEXT: 3,
        UNIT: 1,
        QUALITY: 1,
    },
    "description": {
        LEVEL1: 0.5,
        LEVEL2: 0.5,
        LEVEL12: 0.5,
        WORD: 2,
        TEXT: 5,
        VALUE: 2,
        NUMBER: 1,
        QUALITY: 1,
        ORG: 1,
        UNIT: 1,
    },
    "deviation": {LEVEL1: 0.5, LEVEL2: 0.5, LEVEL12: 0.5, WORD: 2, TEXT: 5, VALUE: 2, NUMBER: 1, QUALITY: 1},
    "note": {LEVEL1: 0.5, LEVEL2: 0.5, LEVEL12: 0.5, WORD: 2, TEXT: 3, VALUE: 2, NUMBER: 1, QUALITY: 1, UNIT: 1},
    # project context columns of a flat sheet (单位名称 | 项目名称 | 预算数 | 年度目标 | 一级指标 …)
    "ctx:unit": {ORG: 8, TEXT: 1},
    "ctx:code": {NUMBER: 5, VALUE: 3, TEXT: 1},
    "ctx:name": {TEXT: 5, ORG: 2, VALUE: 2},
    "ctx:budget": {MONEY: 8, NUMBER: 6, VALUE: 2},
    "ctx:goal": {TEXT: 5, VALUE: 1},
}
_FIT["basis"] = _FIT["description"]  # both are prose columns: the same cells fit them
LEVEL_ROLES = ("level1", "level2")


def fit(role: str, kind: str) -> float | None:
    """The score of a cell of ``kind`` in a column of ``role`` (None: it cannot sit there).

    ``mid:…`` roles are the 中期/长期 half of a table that gives two indicator sets side by side:
    they take the same cells at half the score, so the annual half wins when one half is missing.
    """
    if role.startswith("mid:"):
        score = _FIT.get(role[4:], {}).get(kind)
        return None if score is None else score / 2
    return _FIT.get(role, {}).get(kind)
