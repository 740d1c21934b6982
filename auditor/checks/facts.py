"""Per-row and per-project facts the rule conditions read (the vocabulary of rules/*.yaml).

A fact is a plain value computed once from an Indicator, its Project and Department: the
texts, the parsed value (comparator, number, unit, unit kind, date), the indicator's polarity
and kind, the unit its name calls for, whether the name is generic, and ready-made suggested
fixes (worked out only when a finding's message asks for them).
Word lists come from lexicons/ so that tuning a rule means editing data, not this module.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache, lru_cache, partial
from typing import Any

from auditor.chars import TEXT_CACHE, WordList, WordTable
from auditor.model import Department, Indicator, Project, Value
from auditor.resources import data_dir, lexicon
from auditor.values import fmt_number, format_value, parse_value

_PUNCT_RE = re.compile(r"[\s%％,，.。、;；:：!！?？'\"“”‘’()（）\[\]【】《》<>〈〉·\-—_/\\|]+")
_YEAR_RE = re.compile(r"(?:19|20)\d{2}\s*年度?")
_LIST_NO_RE = re.compile(r"^\s*(?:[(（]?\d+[)）.、．]|[一二三四五六七八九十]+[、.．])\s*")


@lru_cache(maxsize=TEXT_CACHE)
def norm_text(text: str) -> str:
    """NFKC, spaces and punctuation (and %) removed: what 'the same text' means in the rules."""
    return _PUNCT_RE.sub("", unicodedata.normalize("NFKC", text or ""))


@cache
def words(name: str) -> tuple[str, ...]:
    """A lexicon as a tuple (empty when the file does not exist)."""
    if not (data_dir("lexicons") / f"{name}.txt").is_file():
        return ()
    return tuple(lexicon(name))


def resolve(items: Any) -> tuple[str, ...]:
    """A condition's word list: strings, where '@name' stands for every entry of lexicons/name.txt."""
    if items is None:
        return ()
    if isinstance(items, str):
        items = [items]
    out: list[str] = []
    for item in items:
        item = str(item)
        out.extend(words(item[1:]) if item.startswith("@") else [item])
    return tuple(out)


def first_hit(text: str, items: Any) -> str | None:
    """The first word of ``items`` contained in ``text`` (longest first), or None."""
    key = (items,) if isinstance(items, str) else tuple(items or ())
    return longest_first(key).first_in(text)


@cache
def longest_first(items: tuple) -> WordList:
    """A word list ('@name' lexicons resolved), longest word first, empty words dropped."""
    return WordList(list(resolve(list(items))))


# ---------------------------------------------------------------- 二级指标 frame


@lru_cache(maxsize=1 << 12)
def official_levels(level1: str, level2: str) -> tuple[str, str]:
    """(一级, 二级) as official names; 101号-style cost classes map onto 产出指标/成本指标."""
    from auditor.classify import level1_of, normalise_level2

    l1 = norm_text(level1).rstrip(":")
    l2 = norm_text(level2).rstrip(":")
    official = normalise_level2(l2) or (None if l2 else normalise_level2(l1))
    if official:
        return level1_of(official) or l1, official
    if l1 and not l1.endswith("指标") and l1 in ("产出", "效益", "满意度"):
        l1 += "指标"
    if l1 == "成本指标":
        return "产出指标", "成本指标"
    return l1, l2


# ---------------------------------------------------------------- name classes


@lru_cache(maxsize=1)
def _name_classes() -> tuple[tuple[str, str, str], ...]:
    out = []
    for line in words("name_class"):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) >= 2:
            out.append((parts[0], parts[1], parts[2] if len(parts) > 2 else "suffix"))
    return tuple(out)


@lru_cache(maxsize=TEXT_CACHE)
def expected_unit(name: str) -> str | None:
    """The unit kind a 三级指标 name calls for (率 -> percent, 人数 -> count, 费用 -> money)."""
    n = norm_text(name)
    if first_hit(n, "@rule_unit_exempt_names"):
        return None
    for part, kind, where in _name_classes():
        if (where == "contains" and part in n) or (where != "contains" and n.endswith(part)):
            return kind
    return None


@lru_cache(maxsize=TEXT_CACHE)
def polarity(name: str) -> str | None:
    """'up' (higher is better), 'down' (lower is better) or None, from the polarity lexicons.

    The word nearest the end is the head of the name (故障维护及时率 is a 及时率: up); of two
    words ending there the longer wins.
    """
    return _polarity_table().find(norm_text(name), longest_first=False)


@cache
def _polarity_table():
    lists = (
        (("@polarity_neutral",), "up"),
        (("@polarity_down", "@rule_polarity_down"), "down"),
        (("@polarity_up",), "up"),
    )
    return WordTable([(word, pol) for names, pol in lists for word in resolve(names)])


@lru_cache(maxsize=TEXT_CACHE)
def indicator_kind(name: str) -> str | None:
    n = norm_text(name)
    for line in words("indicator_kind"):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) >= 2 and parts[0] in n:
            return parts[1]
    return None


@lru_cache(maxsize=TEXT_CACHE)
def is_generic_name(name: str) -> bool:
    """True when the name says nothing project-specific.

    Either it is listed in generic_names, or nothing is left once the generic parts
    (rule_generic_parts: 工作, 任务, 完成, 率, 满意度, 服务对象 ...) and years are removed, or it
    is a generic object plus a category word (奖补 + 数量).
    """
    n = norm_text(_YEAR_RE.sub("", name or ""))
    if not n:
        return False
    if n in resolve("@generic_names"):
        return True
    rest = n
    for part in sorted(resolve("@rule_generic_parts"), key=len, reverse=True):
        rest = rest.replace(part, "")
    if not rest:
        return True
    for suffix in resolve("@generic_suffixes"):
        if n.endswith(suffix) and n[: -len(suffix)] in resolve("@rule_generic_objects"):
            return True
    return False


# ---------------------------------------------------------------- the parsed value


def parsed(ind: Indicator) -> Value:
    if ind.parsed is None:
        ind.parsed = parse_value(ind.value)
    return ind.parsed


_SYMBOL = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "=": "="}


def _percent_guess(number: float) -> float | None:
    """95100 -> 95: the longest leading digits that make a percentage (a value fused with 100)."""
    digits = fmt_number(number)
    for cut in range(len(digits) - 1, 0, -1):
        head = digits[:cut]
        if head.isdigit() and 0 < int(head) <= 100:
            return float(head)
    return None


def _is_year(v: Value) -> bool:
    n = v.number
    return v.unit == "年" and v.comparator is None and n is not None and n == int(n) and 1990 <= n <= 2100


LATER = "_later"  # a row's facts for message templates only, computed when a finding is written


def _fixes(ind: Indicator, v: Value, level2: str, dept: Department, per_unit: bool) -> dict[str, str]:
    """Ready-made corrected values for suggestion templates (cap_fix ≤558.42万元, pct_fix ≥95% ...)."""
    number, unit, wan = v.number, v.unit or "", v.amount_wan
    f = {k: "" for k in ("cap_fix", "floor_fix", "pct_fix", "unit_fix", "wan_fix", "year_fix", "number_text")}
    f["symbol"] = _SYMBOL.get(v.comparator or "", "")
    if number is not None:
        f["number_text"] = fmt_number(number)
        f["cap_fix"] = format_value("<=", number, unit)
        f["floor_fix"] = format_value(">=", number, unit)
        if v.unit_kind == "percent" and number >= 100:
            f["floor_fix"] = format_value(">=", 99, "%")  # 稳定率 ≤100% -> ≥99%: a reachable floor
        pct = _percent_guess(number) if number > 100 else number
        if pct is not None:
            f["pct_fix"] = format_value(v.comparator or ">=", pct, "%")
        if unit:
            f["unit_fix"] = format_value(v.comparator, number, unit)
    if wan is not None:
        f["wan_fix"] = format_value("<=" if level2 == "成本指标" else v.comparator, round(wan, 6), "万元")
        if unit == "元" and (dept.unit or "万元") == "万元" and number >= 10000 and not per_unit:
            f["cap_fix"] = format_value("<=", round(wan, 6), "万元")  # ≥100000元 -> ≤10万元
    if v.year and dept.year:
        f["year_fix"] = ind.value.replace(str(v.year), str(dept.year)).strip()
    return f


def row_facts(ind: Indicator, project: Project, dept: Department) -> dict[str, Any]:
    """Every fact a row condition or message template may name."""
    v = parsed(ind)
    level1, level2 = official_levels(ind.level1, ind.level2)
    cmp = v.comparator
    cap = cmp in ("<=", "<") or bool(v.cap_words)
    unit = v.unit or ""
    wan = v.amount_wan
    name_n = norm_text(ind.name)
    text = norm_text(ind.name + ind.description)
    features = ind.features or {}
    fpol = features.get("polarity") if features.get("polarity") in ("up", "down") else None
    # a 指标方向 column stated in the document wins; otherwise the head word of the name decides
    pol = fpol if (ind.direction and fpol) else (polarity(ind.name) or fpol)
    per_unit = v.unit_kind == "unit_cost" or bool(first_hit(text, "@rule_per_unit"))
    number = v.number
    f: dict[str, Any] = {
        "name": ind.name.strip(),
        "description": ind.description.strip(),
        "value": ind.value.strip(),
        "basis": ind.basis.strip(),
        "name_n": name_n,
        "description_n": norm_text(ind.description),
        "value_n": norm_text(ind.value),
        "text_n": text,
        "level1": level1,
        "level2": level2,
        "level2_raw": norm_text(ind.level2),
        "comparator": cmp,
        "cap": cap,
        "floor": cmp in (">=", ">"),
        "bare": cmp in (None, "="),
        "number": number,
        "unit": unit or None,
        "unit_kind": v.unit_kind,
        "amount_wan": wan,
        "problems": list(v.problems),
        "leftover": v.text,
        "date_year": v.year,
        # 比2023年有所提高: a year is not a target quantity
        "quantified": (number is not None and not _is_year(v)) or v.unit_kind in ("date", "frequency") or bool(v.date),
        "value_empty": not norm_text(ind.value),
        "polarity": pol,
        "kind": features.get("kind") or indicator_kind(ind.name),
        "expected_unit": expected_unit(ind.name),
        "generic": is_generic_name(ind.name),
        "desc_dup": bool(name_n) and name_n == norm_text(ind.description),
        "per_unit": per_unit,
        "budget": project.budget,
        "budget_text": fmt_number(project.budget) if project.budget is not None else "",
        "budget_year": dept.year,
        "table_unit": dept.unit or "万元",
        "level2_pred": features.get("level2_pred"),
        "level1_pred": official_levels("", features.get("level2_pred") or "")[0] or None,
        "proba_text": f"{features['level2_proba']:.0%}" if features.get("level2_proba") is not None else "",
        "level2_proba": features.get("level2_proba"),
        "project": project.name,
    }
    f["level1_mismatch"] = bool(f["level1_pred"]) and f["level1_pred"] != level1
    f["years_before"] = (dept.year - v.year) if (v.year and dept.year) else None
    f[LATER] = partial(_fixes, ind, v, level2, dept, per_unit)  # only a finding's message needs them
    return f


def project_facts(project: Project, dept: Department) -> dict[str, Any]:
    return {
        "project": project.name,
        "project_code": project.code,
        "budget": project.budget,
        "budget_text": fmt_number(project.budget) if project.budget is not None else "",
        "goal": project.goal,
        "goal_items": [
            norm_text(_LIST_NO_RE.sub("", line)) for line in re.split(r"[\n；;]|(?=\s\d+[.、．])", project.goal or "")
        ],
        "budget_year": dept.year,
    }
