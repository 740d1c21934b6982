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

from auditor.chars import TEXT_CACHE, WordList
from auditor.model import Department, Indicator, Project, Value
from auditor.resources import data_dir, lexicon, lexicon_rows
from auditor.values import fmt_number, format_value, parse_value

# The facts a rule condition may name, with a one-line doc each (`audit explain` and the loader
# read this; a condition naming any other fact is refused when the catalog loads).
FACTS: dict[str, str] = {
    "name": "三级指标 as printed",
    "name_clean": "三级指标 without template residue (指标1:, (≥**人), ★)",
    "name_n": "name_clean without spaces and punctuation",
    "name_raw_n": "the printed name without spaces and punctuation",
    "description": "绩效指标描述 as printed",
    "description_n": "description without spaces and punctuation",
    "value": "指标值 as the table states it (指标方向 and 计量单位 cells joined)",
    "value_n": "value without spaces and punctuation",
    "basis": "指标值确定依据 as printed",
    "text_n": "name and description, normalised",
    "level1": "official 一级指标 (产出指标/效益指标/满意度指标) or the label as printed",
    "level2": "official 二级指标 or the label as printed",
    "level1_raw": "一级 label normalised, notes kept",
    "level2_raw": "二级 label normalised, notes kept",
    "comparator": "the value's comparator: >= <= = > < or None",
    "cap": "the value states an upper bound (≤, <, 不超过, 以内)",
    "floor": "the value states a lower bound (≥, >)",
    "bare": "the value has no comparator or '='",
    "number": "the value's number (the bottom of a range)",
    "unit": "the value's unit, normalised (%, 万元, 元/人)",
    "unit_kind": "percent|money|count|time|date|frequency|unit_cost|other or None",
    "amount_wan": "money in 万元",
    "problems": "what the value parser noticed (values of auditor.values.Problem)",
    "leftover": "value text the parser could not read",
    "date_year": "the year a date or deadline names",
    "years_before": "budget year minus date_year",
    "name_date_year": "the year of a deadline the name carries",
    "name_years_before": "budget year minus name_date_year",
    "quantified": "the value has a number (not a bare year), a date or a frequency",
    "value_empty": "the value cell is empty",
    "name_empty": "the name has no letters or characters (empty, 0)",
    "polarity": "up (more is better) or down, from a 指标方向 cell or the name's head word (analysis)",
    "kind": "rate|count|money|time|satisfaction from the name (analysis)",
    "expected_unit": "the unit kind the name calls for (率 → percent, 人数 → count, 费用 → money)",
    "objects": "nouns of the clean name that say what is measured (jieba, analysis)",
    "actions": "specific verbs of the clean name (jieba, analysis)",
    "has_object": "objects is not empty",
    "question": "the name is a yes/no question (是否, 有无, 与否)",
    "outcome_name": "the name opens with an aim verb (保障, 提高, 促进 ...)",
    "generic": "the name could stand in any project (listed, or no object, action or aim)",
    "generic_words": "the name is generic by the word lists alone (no jieba)",
    "residue": "template pieces found in the name",
    "residue_text": "the template pieces joined",
    "level_note": "a template note in the level labels (必填, 选填) or None",
    "name_unit": "a unit the name states (bracketed at its end, in residue, or its last word)",
    "unit_column": "the 计量单位 cell, or None",
    "name_quantity": "the name states its own target (治理河长11.6公里)",
    "name_value_differs": "the name's own target disagrees with the value",
    "desc_dup": "the description repeats the name",
    "per_unit": "the value or name is a per-unit amount",
    "budget": "the project's 预算数 in 万元",
    "budget_text": "budget as text",
    "budget_year": "the document's budget year",
    "table_unit": "the tables' money unit (万元 or 元)",
    "level2_pred": "the classifier's 二级指标",
    "level1_pred": "the 一级 of level2_pred",
    "level2_proba": "the classifier's probability of level2_pred",
    "level1_mismatch": "level1_pred differs from level1",
    "proba_text": "level2_proba as a percentage",
    "project": "the project's name",
}
# Project facts (project-level kinds) and the fields only a message template may name.
PROJECT_FACTS = ("project", "project_code", "budget", "budget_text", "goal", "goal_items", "budget_year")
# The ready-made corrections ``_fixes`` works out for a row (every one always present, maybe empty).
_FIX_FIELDS = (
    "cap_fix",
    "floor_fix",
    "pct_fix",
    "unit_fix",
    "wan_fix",
    "year_fix",
    "number_text",
    "empty_fix",
    "unit_hint",
)
MESSAGE_FIELDS = (
    "hit",
    "object_hint",
    *_FIX_FIELDS,
    "symbol",
    "missing",
    "total",
    "items",
    "amount",
    "share",
    "other",
    "other_no",
    "other_code",
    "other_source",
    "other_department",
    "other_year",
    "count",
    "rows",
)

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
    return word_list(items).first_in(text)


def word_list(items: Any) -> WordList:
    """``items`` (a word, or a list; '@name' for a lexicon) as a ``WordList``, built once per list."""
    return longest_first((items,) if isinstance(items, str) else tuple(items or ()))


@cache
def longest_first(items: tuple) -> WordList:
    """A word list ('@name' lexicons resolved), longest word first, empty words dropped."""
    return WordList(list(resolve(list(items))))


# ---------------------------------------------------------------- 二级指标 frame


@lru_cache(maxsize=1 << 12)
def official_levels(level1: str, level2: str) -> tuple[str, str]:
    """(一级, 二级) as official names; 101号-style cost classes map onto 产出指标/成本指标."""
    from auditor.classify import level1_of, normalise_level2, strip_label_note

    l1 = norm_text(strip_label_note(level1)).rstrip(":")
    l2 = norm_text(strip_label_note(level2)).rstrip(":")
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
    for parts in lexicon_rows("name_class"):
        if len(parts) >= 2:
            out.append((parts[0], parts[1], parts[2] if len(parts) > 2 else "suffix"))
    return tuple(out)


@lru_cache(maxsize=TEXT_CACHE)
def expected_unit(name: str) -> str | None:
    """The unit kind a 三级指标 name calls for (率 -> percent, 人数 -> count, 费用 -> money)."""
    n = norm_text(name)
    if first_hit(n, "@rule_unit_exempt_names"):
        return None
    ends, sizes, inside = _name_class_table()
    best = None  # (position in the list, kind) of the first entry that fits
    for size in sizes:
        found = ends.get(n[len(n) - size :]) if size <= len(n) else None
        if found is not None and (best is None or found < best):
            best = found
    for entry in inside:
        if best is not None and entry[0] > best[0]:
            break
        if entry[2] in n:
            best = entry[:2]
            break
    return best[1] if best is not None else None


@lru_cache(maxsize=1)
def _name_class_table() -> tuple[dict[str, tuple[int, str]], tuple[int, ...], tuple[tuple[int, str, str], ...]]:
    """lexicons/name_class.txt for ``expected_unit``: (ending -> (position, kind) of its first entry,
    the endings' lengths, (position, kind, part) of each 'contains' entry in order), so a name is
    tested by a few look-ups of its endings instead of every entry in turn; the first entry in the
    list that fits still wins."""
    ends: dict[str, tuple[int, str]] = {}
    inside = []
    for position, (part, kind, where) in enumerate(_name_classes()):
        if where == "contains":
            inside.append((position, kind, part))
        else:
            ends.setdefault(part, (position, kind))
    return ends, tuple(sorted({len(part) for part in ends})), tuple(inside)


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
    names, parts, suffixes, objects, characters = _generic_words()
    if n in names:
        return True
    if characters.issuperset(n):  # else a character no generic part holds is left over anyway
        rest = n
        for part in parts:
            if part in rest:
                rest = rest.replace(part, "")
        if not rest:
            return True
    for suffix in suffixes:
        if n.endswith(suffix) and n[: -len(suffix)] in objects:
            return True
    return False


@cache
def _generic_words() -> tuple[frozenset, tuple[str, ...], tuple[str, ...], frozenset, frozenset]:
    """(generic names, generic parts longest first, generic suffixes, generic objects, the
    characters of the generic parts) for is_generic_name."""
    parts = tuple(sorted(resolve("@rule_generic_parts"), key=len, reverse=True))
    return (
        frozenset(resolve("@generic_names")),
        parts,
        resolve("@generic_suffixes"),
        frozenset(resolve("@rule_generic_objects")),
        frozenset("".join(parts)),
    )


# ---------------------------------------------------------------- the parsed value


def parsed(ind: Indicator) -> Value:
    """The analysed value of a row (the analyse stage must have run: checks never re-analyse)."""
    if ind.parsed is None:
        raise ValueError(f"row {ind.row} “{ind.name}” was not analysed: run auditor.analyse first")
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


@lru_cache(maxsize=TEXT_CACHE)
def _measure_unit(name_n: str) -> str | None:
    """The unit a name's measure word usually takes (面积 → 平方米), from lexicons/measure_units.txt."""
    best = None
    for line in words("measure_units"):
        measure, _, unit = line.partition("\t")
        if name_n.endswith(measure.strip()) and (best is None or len(measure) > len(best[0])):
            best = (measure, unit.strip())
    return best[1] if best else None


LATER = "_later"  # a row's facts for message templates only, computed when a finding is written
LATER_FIELDS = frozenset((*_FIX_FIELDS, "symbol", "object_hint"))  # the fields they add


_LEADING_FRAME = re.compile(r"^(?:本?项目|各项|整体|年度|全年)+")
_HAS_TEXT = re.compile(r"[A-Za-z\u4e00-\u9fff]")


@lru_cache(maxsize=TEXT_CACHE)
def _object_hint(name: str, project_name: str) -> str:
    """The name with the project's own subject put in front (项目完成时间 in 小型水库管护补助 ->
    如“小型水库管护完成时间”): a concrete, row-drawn way to say what the name is about."""
    from auditor.nlp import _frame_patterns

    subject = _YEAR_RE.sub("", norm_text(project_name or ""))
    frame = _frame_patterns()[0]
    for _ in range(3):  # 资金/补助/项目/经费 … at the end say nothing about the subject
        m = next((m for m in frame.finditer(subject) if m.end() == len(subject)), None)
        if m is None or m.start() == 0:
            break
        subject = subject[: m.start()]
    rest = _LEADING_FRAME.sub("", name) or name
    if not subject or subject in name or len(subject) > 16:
        return "写明是哪个群体、哪项产出"
    return f"如“{subject}{rest}”"


def _hint(name: str, project_name: str) -> dict[str, str]:
    return {"object_hint": _object_hint(name, project_name)}


def _fixes(
    ind: Indicator, v: Value, level2: str, dept: Department, per_unit: bool, project_name: str = ""
) -> dict[str, str]:
    """Ready-made corrected values for suggestion templates (cap_fix ≤558.42万元, pct_fix ≥95% ...)."""
    number, unit, wan = v.number, v.unit or "", v.amount_wan
    f: dict[str, Any] = dict.fromkeys(_FIX_FIELDS, "")
    clean = ind.features.get("name_clean", ind.name)
    hint = _measure_unit(norm_text(clean))
    f["unit_hint"] = hint or "（个、次、天等单位）"
    f[LATER] = partial(_hint, clean, project_name)  # the object hint: only when a template names it
    only_unit = v.text if "only_unit" in v.problems else ""
    f["empty_fix"] = f"{_SYMBOL.get(v.comparator or '', '≥')}N{only_unit.lstrip('%') or hint or '（单位）'}"
    if only_unit.startswith("%"):
        f["empty_fix"] = f"{_SYMBOL.get(v.comparator or '', '≥')}N%"
    f["symbol"] = _SYMBOL.get(v.comparator or "", "")
    if number is not None:
        f["number_text"] = fmt_number(number)
        f["cap_fix"] = format_value("<=", number, unit)
        f["floor_fix"] = format_value(">=", number, unit)
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
        f["year_fix"] = ind.features.get("value_text", ind.value).replace(str(v.year), str(dept.year)).strip()
    return f


_QUESTION = re.compile(r"是否|有无|与否|能否|有没有")
_BRACKET_UNIT = re.compile(r"[(（]([^()（）]{1,6})[)）]\s*$")


@lru_cache(maxsize=TEXT_CACHE)
def _name_unit(name: str, residue: tuple[str, ...]) -> str | None:
    """The unit a name states: a bracketed unit at its end (开设课程数量(门)), a unit inside template
    residue ((≥**头)), or a counting unit before its final 数 (户数, 人次)."""
    from auditor.values import units

    table = units()
    m = _BRACKET_UNIT.search(name)
    if m and _unit_word(m.group(1), table):
        return m.group(1)
    for piece in residue:
        found = _unit_word(re.sub(r"[()（）≥≤<>=*＊\s]", "", piece), table)
        if found:
            return found
    n = norm_text(name)
    for tail in (n[-2:], n[-3:-1] if n.endswith("数") else "", n[-2:-1] if n.endswith("数") else ""):
        if tail and tail in table and table[tail].kind == "count":
            return tail  # a name ending in its counting unit (培训人次) or unit + 数 (座数, 人数, 个数)
    return None


def _unit_word(text: str, table) -> str | None:
    text = text.strip()
    if not text:
        return None
    head = re.split(r"[/·]", text)[0]
    return text if (text in table or head in table or text in ("%", "％")) else None


@lru_cache(maxsize=TEXT_CACHE)
def _name_quantity(name: str) -> Value | None:
    """A target the name itself states (治理河长11.6公里, 差错率低于万分之一), or None."""
    if not re.search(r"\d|分之", name):
        return None  # 二次供水, 一户多残: a numeral in a name is rarely its target
    v = parse_value(name)
    if v.number is None or v.unit_kind in (None, "date") or _is_year(v):
        return None
    if v.unit is None and v.comparator is None:
        return None
    return v


@lru_cache(maxsize=TEXT_CACHE)
def _name_date_year(name: str) -> int | None:
    """The year of a deadline the name carries (2023年底前完成改造), or None."""
    if not re.search(r"\d{4}", name):
        return None
    v = parse_value(name)
    return v.year if v.unit_kind == "date" else None


@lru_cache(maxsize=TEXT_CACHE)
def _name_facts(
    name: str, clean: str, residue: tuple, objects: tuple, actions: tuple
) -> tuple[dict[str, Any], Value | None]:
    """What a row's facts take from its 三级指标 name alone, worked out once per distinct name:
    (those facts, the target the name states or None). Rows share the facts' lists: facts are only read."""
    name_n = norm_text(clean)
    question = bool(_QUESTION.search(name_n))
    outcome = bool(first_hit(name_n[:2], "@name_outcome_verbs")) and not question
    quantity = _name_quantity(clean)
    return {
        "name": name.strip(),
        "name_clean": clean,
        "name_n": name_n,
        "name_raw_n": norm_text(name),
        "name_empty": not _HAS_TEXT.search(clean),
        "expected_unit": expected_unit(clean),
        "objects": list(objects),
        "has_object": bool(objects),
        "question": question,
        "outcome_name": outcome,
        "generic_words": is_generic_name(clean),
        "actions": list(actions),
        "generic": _generic(clean, name_n, objects, actions, question, outcome),
        "residue": list(residue),
        "residue_text": "".join(residue),
        "name_unit": _name_unit(clean, residue),
        "name_quantity": quantity is not None,
        "name_date_year": _name_date_year(clean),
    }, quantity


@lru_cache(maxsize=TEXT_CACHE)
def _levels(level1: str, level2: str) -> dict[str, str]:
    """A row's official 一级 and 二级 and both labels normalised."""
    official1, official2 = official_levels(level1, level2)
    return {"level1": official1, "level2": official2, "level2_raw": norm_text(level2), "level1_raw": norm_text(level1)}


@lru_cache(maxsize=TEXT_CACHE)
def _text_facts(clean: str, description: str) -> tuple[dict[str, Any], bool]:
    """(the facts of a row's name and description together, whether they name a per-unit amount)."""
    text = norm_text(clean + description)
    description_n = norm_text(description)
    name_n = norm_text(clean)
    return {
        "description": description.strip(),
        "description_n": description_n,
        "text_n": text,
        "desc_dup": bool(name_n) and name_n == description_n,
    }, bool(first_hit(text, "@rule_per_unit"))


def row_facts(ind: Indicator, project: Project, dept: Department) -> dict[str, Any]:
    """Every fact a row condition or message template may name (see FACTS), read from the analysis:
    those of its name, level labels and texts ready-made per distinct text, the rest per row."""
    v = parsed(ind)
    features = ind.features
    levels = _levels(ind.level1, ind.level2)
    cmp = v.comparator
    cap = cmp in ("<=", "<") or bool(v.cap_words)
    unit = v.unit or ""
    wan = v.amount_wan
    clean = features.get("name_clean", ind.name)
    named, nq = _name_facts(
        ind.name,
        clean,
        tuple(features.get("residue") or ()),
        tuple(features.get("objects") or ()),
        tuple(features.get("actions") or ()),
    )
    texts, per_unit_words = _text_facts(clean, ind.description)
    value_text = features.get("value_text", ind.value)
    per_unit = v.unit_kind == "unit_cost" or per_unit_words
    number = v.number
    level2_pred = features.get("level2_pred")
    level1_pred = official_levels("", level2_pred or "")[0] or None
    proba = features.get("level2_proba")
    year = dept.year
    f: dict[str, Any] = {
        **named,
        **levels,
        **texts,
        "value": value_text.strip(),
        "basis": ind.basis.strip(),
        "value_n": norm_text(value_text),
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
        "value_empty": not norm_text(value_text),
        "polarity": features.get("polarity"),
        "kind": features.get("kind"),
        "level_note": features.get("level_note"),
        "unit_column": ind.unit_column.strip() or None,
        "per_unit": per_unit,
        "budget": project.budget,
        "budget_text": _money_text(project.budget),
        "budget_year": year,
        "table_unit": dept.unit or "万元",
        "level2_pred": level2_pred,
        "level1_pred": level1_pred,
        "proba_text": f"{proba:.0%}" if proba is not None else "",
        "level2_proba": proba,
        "project": project.name,
        "name_value_differs": bool(
            nq is not None
            and number is not None
            and (v.unit_kind in (None, nq.unit_kind))
            and abs(nq.number - number) > 1e-9
        ),
        "level1_mismatch": bool(level1_pred) and level1_pred != levels["level1"],
        "years_before": (year - v.year) if (v.year and year) else None,
    }
    name_year = named["name_date_year"]
    f["name_years_before"] = (year - name_year) if (name_year and year) else None
    if named["expected_unit"] is None and not named["name_n"] and first_hit(levels["level2_raw"], ["满意"]):
        f["expected_unit"] = "percent"  # a row with no name under a 满意度 二级 measures satisfaction
    f[LATER] = partial(
        _fixes, ind, v, levels["level2"], dept, per_unit, project.name
    )  # only a finding's message needs them
    return f


@lru_cache(maxsize=TEXT_CACHE)
def _money_text(budget: float | None) -> str:
    return fmt_number(budget) if budget is not None else ""


@lru_cache(maxsize=TEXT_CACHE)
def _generic(clean: str, name_n: str, objects: tuple, actions: tuple, question: bool, outcome: bool) -> bool:
    """A name that could stand in any project: listed, or (jieba) naming no object, action or aim.

    A specific action is enough (支付及时率, 出访批次), except where the measure counts people or
    households (发放人数, 补助兑付户数) or the name is a yes/no question (是否按期兑付): those must
    name a group or thing.
    """
    if not name_n:
        return False
    if is_generic_name(clean):
        return True
    if objects or outcome:
        return False
    if actions and not question and not first_hit(name_n[-3:], "@name_group_measures"):
        return False
    return True


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
