"""Vocabulary that tells where one cell ends and the next begins, when a text lost its delimiters.

A token (a run of text between spaces, or a piece cut out of glued text) is typed by what it is:
an official 一级 or 二级 label (``lexicons/level2.txt`` and ``lexicons/cell_words.txt``), a header
word naming a column, a comparator or direction word, a unit (``lexicons/units.txt``), a bare
number, a value (a number with its unit or comparator, a date, a qualitative phrase) or plain text.
"""

from __future__ import annotations

import re
from functools import cache, lru_cache

from auditor.chars import TEXT_CACHE
from auditor.resources import lexicon, lexicon_rows
from auditor.values import parse_value, units

# Template notes a level label may carry: (50分), (0-20)分, (必填硬性指标), (选填).
LEVEL_NOTE = re.compile(r"\s*[(（][^()（）]{0,12}[)）]\s*分?$|\s*\d+(?:-\d+)?分$")
NUMBER = re.compile(r"[-+]?\d[\d,]*(?:\.\d+)?")
_SPACES = re.compile(r"\s+")
# sign, number and a short unit of any spelling: ≥5万册次, 2100人次以上, 598.35万元以内
_PLAIN_VALUE = re.compile(
    r"^(?:[≥≤≧≦><=＞＜＝]{1,2}|大于等于|小于等于|不低于|不少于|不超过|不高于|达到)?\s*\d[\d,]*(?:\.\d+)?\s*"
    r"[%％‰]?[\u4e00-\u9fffA-Za-z/·]{0,3}(?:以上|以下|以内|之内|左右)?$"
)


@cache
def _sections() -> dict[str, list[str]]:
    """lexicons/cell_words.txt: ``[section]`` headings, one entry a line."""
    out: dict[str, list[str]] = {}
    current = ""
    for line in lexicon("cell_words"):
        if line.startswith("[") and line.endswith("]"):
            current = line[1:-1]
            out.setdefault(current, [])
        elif current:
            out[current].append(line)
    return out


@cache
def level2_frame() -> dict[str, str]:
    """二级 spelling (any alias, spaces removed) → the 一级 it belongs to."""
    frame = {}
    for parts in lexicon_rows("level2"):
        if len(parts) >= 3:
            frame[parts[0]] = parts[2]
    for line in _sections().get("level2", []):
        alias, _, level1 = line.partition("\t")
        frame.setdefault(alias.strip(), level1.strip())
    return frame


@cache
def level1_words() -> frozenset[str]:
    return frozenset(_sections().get("level1", []))


@cache
def header_roles() -> dict[str, str]:
    """Header spelling → column role (level1, level2, name, description, value, sign, unit, weight,
    actual, score, deviation, remark, basis, project, unit_name, budget, goal, caption)."""
    roles = {}
    for line in _sections().get("header", []):
        spelling, _, role = line.partition("\t")
        roles[spelling.strip()] = role.strip()
    return roles


@cache
def header_pattern() -> re.Pattern:
    """Every header spelling, longest first (to cut a glued header line into its words)."""
    words = sorted(header_roles(), key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in words))


@cache
def sign_words() -> frozenset[str]:
    return frozenset(_sections().get("sign", []))


@cache
def value_openers() -> tuple[str, ...]:
    """Words a qualitative 指标值 starts with (较上年…, 持续…, 按期…)."""
    return tuple(sorted(_sections().get("value_opener", []), key=len, reverse=True))


@cache
def value_endings() -> tuple[str, ...]:
    return tuple(sorted(_sections().get("value_ending", []), key=len, reverse=True))


@cache
def description_openers() -> tuple[str, ...]:
    return tuple(sorted(_sections().get("description_opener", []), key=len, reverse=True))


@cache
def measure_endings() -> tuple[str, ...]:
    """How a 三级指标 name typically ends (…率, …人数, …次数, …满意度): a name/value boundary."""
    return tuple(sorted(_sections().get("measure_ending", []), key=len, reverse=True))


@cache
def fact_labels() -> frozenset[str]:
    """Labels of project and department facts (项目名称, 主管部门, 年度资金总额 …)."""
    return frozenset(_sections().get("fact_label", []))


@cache
def strong_endings(weak: bool = True) -> re.Pattern:
    """Endings that close a 三级指标 name (…率, …人数, …满意度; with ``weak`` also …面积, …时间):
    where a glued value or description begins."""
    ends = _sections().get("strong_ending", []) + (_sections().get("weak_ending", []) if weak else [])
    return re.compile("|".join(map(re.escape, sorted(ends, key=len, reverse=True))))


@cache
def label_pattern() -> re.Pattern:
    """A level label at the start of glued text, with its template note: 产出指标(50分), 数量指标."""
    labels = {w for w in level1_words() if len(w) >= 4 or w.endswith(("指标", "值"))}
    labels |= {w for w in level2_frame() if len(w) >= 4 or w.endswith(("指标", "值"))}
    alternation = "|".join(map(re.escape, sorted(labels, key=len, reverse=True)))
    return re.compile(rf"(?:{alternation})(?:[(（][^()（）]{{0,12}}[)）]分?)?")


@cache
def grade_words() -> frozenset[str]:
    return frozenset(lexicon("grade_words"))


@lru_cache(maxsize=TEXT_CACHE)
def bare(text: str) -> str:
    """A label without spaces and without its template note: 产 出 指 标 (50分) → 产出指标."""
    key = _SPACES.sub("", text or "")
    return LEVEL_NOTE.sub("", key) if key.endswith((")", "）", "分")) else key


@lru_cache(maxsize=TEXT_CACHE)
def level_kinds(text: str) -> frozenset[str]:
    """{"l1"}, {"l2"}, both (满意度指标) or none, for a cell's text."""
    key = bare(text)
    kinds = set()
    if key in level1_words():
        kinds.add("l1")
    if key in level2_frame():
        kinds.add("l2")
    return frozenset(kinds)


def inferred_level1(level2: str) -> str:
    """The 一级 the official frame puts a 二级 under (数量指标 → 产出指标), else ""."""
    return level2_frame().get(bare(level2), "")


def is_unit(text: str) -> bool:
    key = text.strip()
    if not key:
        return False
    table = units()
    if key in table:
        return True
    parts = re.split(r"[/·]", key)
    return len(parts) > 1 and all(p in table or p in ("天", "年", "月", "人", "次") for p in parts)


def is_number(text: str) -> bool:
    return bool(NUMBER.fullmatch(text.strip()))


@lru_cache(maxsize=TEXT_CACHE)
def value_score(text: str) -> float:
    """How much ``text`` looks like a 指标值 (0 none, 1 surely): a number with a unit or comparator,
    a date or deadline, a qualitative phrase."""
    text = text.strip()
    if not text:
        return 0.0
    if text in sign_words() or is_unit(text):
        return 0.0
    if text in grade_words() or re.fullmatch(r"[好较一般优良中差高低]{1,6}", text):
        return 0.9
    if text.startswith(value_openers()) and len(text) <= 16:
        return 0.9
    if len(text) <= 8 and text.endswith(value_endings()):
        return 0.8
    if _PLAIN_VALUE.match(text):
        return 1.0
    value = parse_value(text)
    if value.number is None and value.unit_kind is None:
        return 0.0
    left = len(re.sub(r"[\s,，、;；。.()（）]", "", value.text or ""))
    size = max(len(text), 1)
    if left == 0:
        return 1.0
    return max(0.0, 0.9 - left / size * 1.5)


@lru_cache(maxsize=TEXT_CACHE)
def kinds(text: str) -> frozenset[str]:
    """The kinds a token can be: l1 l2 head sign unit num value text."""
    key = text.strip()
    out = set(level_kinds(key))
    if out:
        return frozenset(out)
    if key in header_roles():
        return frozenset({"head"})
    if key in sign_words():
        return frozenset({"sign"})
    if is_unit(key):
        return frozenset({"unit"})
    if is_number(key):
        return frozenset({"num"})
    if value_score(key) >= 0.5:
        return frozenset({"value", "text"}) if re.search(r"[\u4e00-\u9fff]{4}", key) else frozenset({"value"})
    return frozenset({"text"})
