"""指标值 text -> Value: comparator, number, unit and unit kind, date/deadline, leftover text.

Spellings are data: lexicons/units.txt (unit -> kind, normalised spelling, 万元 factor,
non-standard flag), lexicons/comparators.txt (symbols and words before or after the number) and
lexicons/value_noise.txt (filler left around a value, e.g. 完成). Adding one needs no code change.

``parse_value`` never raises: anything it cannot read stays in ``Value.text``. What it notices
about a value is a ``Problem`` in ``Value.problems``; rule files name problems by these values
(a rule naming another one is refused when the catalog loads).
"""

from __future__ import annotations

import calendar
import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache

from auditor.chars import TEXT_CACHE
from auditor.model import Value
from auditor.resources import lexicon, lexicon_rows

SYMBOLS = {">=": "≥", "<=": "≤", "=": "=", ">": ">", "<": "<"}


class Problem(StrEnum):
    """What the value parser notices about a 指标值 (``Value.problems``)."""

    FUSED = "fused"  # digits run into words: ≥90企业满意度比上年所有提高
    OVER_100 = "over_100"  # a percentage above 100
    NO_UNIT = "no_unit"  # a number without a unit
    TWO_VALUES = "two_values"  # two values run together: ≥95100, ≥95%≥90%
    NONSTANDARD_UNIT = "nonstandard_unit"  # 95百分比, ≤2万, 45(台/套), 百分之九十
    NO_NUMBER = "no_number"  # a comparator with no number after it: ≥ %
    ONLY_UNIT = "only_unit"  # nothing but unit words (and maybe a comparator): 公里, ≧ %, 年 月
    PLACEHOLDER = "placeholder"  # template filler instead of a value: **, XX, ××, —, 无, 待定
    BAD_DATE = "bad_date"  # an impossible date: 2024年13月
    UNPARSED = "unparsed"  # the parser gave up (never expected)


_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_POWERS = {"十": 10, "百": 100, "千": 1000}
_CN_RUN = "[零〇一二两三四五六七八九十百千]+"
_NUMBER = r"\d+(?:,\d{3})*(?:\.\d+)?"
_NUMBER_RE = re.compile(_NUMBER)
_PUNCT = " \t,.;:!?、。，；：!？()（）[]【】“”\"'‘’<>《》/\\-—~·"
_PERIODS = "半年|年度|年|季度|季|月度|月|周|星期|旬|天|日|工作日"


@dataclass(frozen=True)
class Unit:
    spelling: str
    kind: str
    norm: str
    wan: float | None = None  # factor to 万元, money only
    nonstandard: bool = False


@dataclass
class _Quantity:
    start: int  # span start, including a comparator written before the number
    end: int  # span end, including unit, range and a comparator written after
    number: float
    comparator: str | None = None
    cmp_word: bool = False
    unit: str | None = None
    kind: str | None = None
    wan: float | None = None
    nonstandard: bool = False
    upper: float | None = None
    num_end: int = 0  # where the digits end (to spot fused text)


# ---------------------------------------------------------------- lexicons


@lru_cache(maxsize=1)
def units() -> dict[str, Unit]:
    """Every unit spelling in lexicons/units.txt."""
    table = {}
    for line in lexicon("units"):
        parts = line.split("\t")
        spelling, kind, keys = parts[0].strip(), parts[1].strip() if len(parts) > 1 else "other", parts[2:]
        opts = {}
        for key in keys:
            name, _, val = key.strip().partition("=")
            opts[name] = val
        wan = float(opts["wan"]) if opts.get("wan") else None
        table[spelling] = Unit(spelling, kind, opts.get("norm") or spelling, wan, "nonstandard" in opts)
    return table


@lru_cache(maxsize=1)
def _comparators() -> tuple[dict[str, str], dict[str, str]]:
    pre, post = {}, {}
    for parts in lexicon_rows("comparators"):
        if len(parts) >= 3:
            (pre if parts[2] == "pre" else post)[unicodedata.normalize("NFKC", parts[0])] = parts[1]
    return pre, post


def comparator_of(text: str) -> str | None:
    """The comparator a whole cell states (≥, 至少, 不得低于, 最高不超过 → '>=' / '<='), or None."""
    pre, post = _comparators()
    key = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return pre.get(key) or post.get(key)


def _alternation(words) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


@lru_cache(maxsize=1)
def _patterns() -> dict[str, re.Pattern]:
    pre, post = _comparators()
    unit = _alternation(units())
    noise = _alternation(lexicon("value_noise"))
    unit_expr = rf"(?:{unit})(?:(?:/|每)(?:{unit})(?:[·•*×/](?:{unit}))?)?"
    return {
        "pre": re.compile(rf"(?:{_alternation(pre)})$"),
        "post": re.compile(rf"(?:{_alternation(post)})"),
        "unit": re.compile(unit_expr),
        "punit": re.compile(rf"\(({unit_expr})\)"),
        "range": re.compile(rf"(?:-|~|至|到|—|–)({_NUMBER})"),
        "cn": re.compile(rf"(?<![\d.]){_CN_RUN}(?=(?:{unit})|[年月日号])"),
        "noise": re.compile(rf"(?:{noise})*\x00(?:{noise})*") if noise else re.compile("\x00"),
        "symbol": re.compile(r"^(?:≥|≤|>=|<=|≧|≦|>|<|=)"),
    }


# ---------------------------------------------------------------- helpers


def cn_number(s: str) -> int | None:
    """Chinese numeral -> int: 三 3, 十二 12, 两 2, 一百零五 105, 二〇二四 2024; None if not one."""
    if not s:
        return None
    if all(ch in _CN_DIGITS for ch in s):
        return int("".join(str(_CN_DIGITS[ch]) for ch in s)) if len(s) > 1 else _CN_DIGITS[s]
    total, current = 0, 0
    for ch in s:
        if ch in _CN_DIGITS:
            current = _CN_DIGITS[ch]
        elif ch in _CN_POWERS:
            total += (current or 1) * _CN_POWERS[ch]
            current = 0
        else:
            return None
    return total + current


def normalise(text: str) -> str:
    """NFKC, LaTeX comparators unwrapped, whitespace removed, Chinese numerals before a unit as digits."""
    s = unicodedata.normalize("NFKC", text or "")
    if "\\" in s or "$" in s:
        s = s.replace("$", "")
        s = re.sub(r"\\(?:geqslant|geq|ge)(?![A-Za-z])", "≥", s)
        s = re.sub(r"\\(?:leqslant|leq|le)(?![A-Za-z])", "≤", s)
        s = re.sub(r"\\(?:text|mathrm)\{([^}]*)\}", r"\1", s)
        s = s.replace("\\%", "%").replace("\\times", "×").replace("\\", "").replace("{", "").replace("}", "")
    s = s.replace("≧", "≥").replace("⩾", "≥").replace("≦", "≤").replace("⩽", "≤")
    s = _SPACES.sub("", s)
    if "分之" in s:
        s = _PERCENT_WORDS.sub(lambda m: f"{_cn_or_arabic(m.group(1))}%\x01", s)
        s = _PER_MILLE_WORDS.sub(_per_mille, s)
    return _patterns()["cn"].sub(_cn_digits, s)


_SPACES = re.compile(r"\s+")
_PERCENT_WORDS = re.compile(rf"百分之({_NUMBER}|{_CN_RUN})")
_PER_MILLE_WORDS = re.compile(rf"(千|万)分之({_NUMBER}|{_CN_RUN})")


def _per_mille(m: re.Match) -> str:
    """千分之三 -> 0.3%, 万分之一 -> 0.01% (a fraction spelled out, as a percentage)."""
    n = _cn_or_arabic(m.group(2))
    try:
        pct = float(n) / (10 if m.group(1) == "千" else 100)
    except ValueError:
        return m.group(0)
    return f"{fmt_number(pct)}%"


def _cn_digits(m: re.Match) -> str:
    """A Chinese numeral run before a unit, as digits, unless the run begins a unit (百分点, 千克)."""
    run, rest = m.group(0), m.string[m.start() :]
    if any(rest.startswith(u) for u in _cn_units()):
        return run
    n = cn_number(run)
    return run if n is None else str(n)


@lru_cache(maxsize=1)
def _cn_units() -> tuple[str, ...]:
    return tuple(u for u in units() if u[0] in _CN_DIGITS or u[0] in _CN_POWERS)


def _cn_or_arabic(s: str) -> str:
    n = cn_number(s)
    return str(n) if n is not None else s


def _to_float(s: str) -> float:
    return float(s.replace(",", ""))


def fmt_number(x: float) -> str:
    """95.0 -> '95', 558.42 -> '558.42' (no float noise)."""
    if x == int(x) and abs(x) < 1e15:
        return str(int(x))
    return f"{x:.6f}".rstrip("0").rstrip(".")


def format_value(comparator: str | None, number: float | None, unit: str | None = None) -> str:
    """('<=', 558.42, '万元') -> '≤558.42万元': the canonical spelling used in suggested fixes."""
    head = SYMBOLS.get(comparator or "", "")
    return f"{head}{fmt_number(number) if number is not None else ''}{unit or ''}"


# ---------------------------------------------------------------- dates

_DATE_PATTERNS = [
    # (regex, kind) ; groups y m d as named groups where present
    (r"(?:截至|截止)?(?P<y>\d{4})年(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]", "ymd"),
    (r"(?<![\d.])(?P<y>\d{4})[-/.](?P<m>\d{1,2})[-/.](?P<d>\d{1,2})(?!\d)", "ymd"),
    (r"(?:截至|截止)?(?P<y>\d{4})年(?P<m>\d{1,2})月(?:底|末|份|中旬|下旬|上旬)?", "ym"),
    (r"(?:截至|截止)?(?P<y>\d{4})年(?:度)?(?:年底|年末|底|末|内|全年)", "y_end"),
    (r"(?<![\d.])(?P<y>\d{4})年(?:度)?(?=前|之前|以前|$)", "y_end"),
    (r"(?<![\d.])(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]", "md"),
    (r"(?<![\d.])(?P<m>\d{1,2})月(?:底|末)", "m_end"),
    (r"(?:当年|本年度?|年度|全年)?(?:年底|年末|年内|年度内)", "year_end"),
    (
        r"(?:(?:每|当|本)?(?:个)?(?:季度|季|月度?|半年|年度?))(?:结束|末|终了)?后(?P<n>\d+(?:\.\d+)?)个?(?P<u>工作日|日|天)",
        "relative",
    ),
    (r"(?<![\d.])(?P<m>\d{1,2})月?(?:-|~|至|到|—|–)(?P<m2>\d{1,2})月(?:份)?", "months"),
    (r"(?:(?P<y>\d{4})年(?:度)?)?第?(?<![\d.])(?P<q>[1-4])季度(?:末|底)?", "quarter"),
    (r"(?:(?P<y>\d{4})年(?:度)?)?(?P<h>上|下)半年", "half"),
    (r"(?<![\d.])(?P<m>\d{1,2})月份?(?=之前|以前|前)", "m_end"),
]
_DATE_SUFFIX = re.compile(r"(?:之前|以前|前|以内|之内|内)")


_SPAN_KINDS = ("quarter", "half", "months", "m_end")


def _is_quantity(s: str, m: re.Match) -> bool:
    """A comparator written before, or a bound word after, marks a number of units, not a date."""
    pats = _patterns()
    return bool(pats["pre"].search(s, 0, m.start())) or bool(re.match(r"以上|以下|以内|之内|及以上", s[m.end() :]))


@lru_cache(maxsize=1)
def _date_res():
    return [(re.compile(p), k) for p, k in _DATE_PATTERNS]


@lru_cache(maxsize=1)
def _any_date() -> re.Pattern:
    """All the date patterns as one alternation (group names dropped): a text it finds nothing
    in (most values: ≥95%, 100人) holds no date, told by one search instead of one per pattern."""
    return re.compile("|".join(f"(?:{re.sub(r'[(][?]P<[a-z0-9]+>', '(?:', p)})" for p, _ in _DATE_PATTERNS))


def _find_date(s: str):
    """The first date/deadline in s: (start, end, fields dict) or None."""
    if _any_date().search(s) is None:
        return None
    for regex, kind in _date_res():
        for m in regex.finditer(s):
            g = m.groupdict()
            if kind in _SPAN_KINDS and not g.get("y") and _is_quantity(s, m):
                continue  # ≥2季度, 3月以上: a duration, not a point in the year
            fields: dict = {"kind": kind}
            try:
                if "y" in g and g["y"]:
                    y = int(g["y"])
                    if not 1950 <= y <= 2150:
                        continue
                    fields["year"] = y
                if kind == "ymd":
                    y, mo, d = int(g["y"]), int(g["m"]), int(g["d"])
                    if 1 <= mo <= 12 and 1 <= d <= calendar.monthrange(y, mo)[1]:
                        fields["date"] = f"{y:04d}-{mo:02d}-{d:02d}"
                    else:
                        fields["bad"] = True
                elif kind == "ym":
                    y, mo = int(g["y"]), int(g["m"])
                    if 1 <= mo <= 12:
                        fields["date"] = f"{y:04d}-{mo:02d}-{calendar.monthrange(y, mo)[1]:02d}"
                    else:
                        fields["bad"] = True
                elif kind == "y_end":
                    fields["date"] = f"{int(g['y']):04d}-12-31"
                elif kind in ("md", "m_end"):
                    mo = int(g["m"])
                    if not 1 <= mo <= 12 or (kind == "md" and not 1 <= int(g["d"]) <= 31):
                        continue
                elif kind in ("quarter", "half"):
                    month = 3 * int(g["q"]) if kind == "quarter" else (6 if g["h"] == "上" else 12)
                    if g.get("y"):
                        y = int(g["y"])
                        fields["date"] = f"{y:04d}-{month:02d}-{calendar.monthrange(y, month)[1]:02d}"
                elif kind == "relative":
                    fields["number"] = _to_float(g["n"])
                    fields["unit"] = "日" if g["u"] in ("日", "天") else g["u"]
                elif kind == "months":
                    a, b = int(g["m"]), int(g["m2"])
                    if not (1 <= a <= 12 and 1 <= b <= 12):
                        continue
                    fields["number"], fields["upper"], fields["unit"] = float(a), float(b), "月"
            except (ValueError, OverflowError):
                continue
            end = m.end()
            suffix = _DATE_SUFFIX.match(s, end)
            if suffix:
                fields["comparator"] = "<="
                end = suffix.end()
            return m.start(), end, fields
    return None


# ---------------------------------------------------------------- quantities


def _unit_info(expr: str) -> tuple[str, str, float | None, bool]:
    """A unit expression (万元, 元/人·月, 次/年, 台/套) -> (normalised, kind, 万元 factor, nonstandard)."""
    table = units()
    parts = re.split(r"(/|每|[·•*×])", expr)
    names = parts[0::2]
    seps = parts[1::2]
    infos = [table.get(n) for n in names]
    if any(i is None for i in infos):
        return expr, "other", None, False
    first = infos[0]
    norm = first.norm + "".join(
        ("/" if sep == "每" else sep) + info.norm for sep, info in zip(seps, infos[1:], strict=False)
    )
    nonstandard = any(i.nonstandard for i in infos)
    if len(infos) == 1:
        return norm, first.kind, first.wan, nonstandard
    second = infos[1]
    if first.kind == "money":
        return norm, "unit_cost", first.wan, nonstandard
    if first.kind == "count" and second.kind == "time":
        return norm, "frequency", None, nonstandard
    return norm, first.kind, None, nonstandard


def _quantities(s: str, skip: tuple[int, int] | None) -> list[_Quantity]:
    pats = _patterns()
    pre_map, post_map = _comparators()
    found: list[_Quantity] = []
    prev_end = 0
    for m in _NUMBER_RE.finditer(s):
        if skip and m.start() < skip[1] and m.end() > skip[0]:
            prev_end = max(prev_end, m.end())
            continue
        if found and m.start() < found[-1].end:
            continue
        if m.start() > 0 and s[m.start() - 1].isascii() and s[m.start() - 1].isalpha():
            continue  # PM2.5, CO2, 5A级 … : digits inside a name, not a quantity
        try:
            q = _Quantity(start=m.start(), end=m.end(), number=_to_float(m.group(0)), num_end=m.end())
        except (ValueError, OverflowError):
            continue
        cmp_m = pats["pre"].search(s, prev_end, m.start())
        if cmp_m:
            word = cmp_m.group(0)
            q.comparator, q.cmp_word, q.start = pre_map[word], _has_han(word), cmp_m.start()
        pos = m.end()
        if s[pos : pos + 1] in ("余", "多") and pats["unit"].match(s, pos + 1):
            pos += 1  # 10余家, 30多人: an approximate count, the unit follows
        um = pats["punit"].match(s, pos)
        if um:
            q.unit, q.kind, q.wan, q.nonstandard = _unit_info(um.group(1))
            q.nonstandard = True
            pos = um.end()
        else:
            um = pats["unit"].match(s, pos)
            rng = pats["range"].match(s, pos)
            if rng:  # 85-95%: the unit follows the second number
                um2 = pats["unit"].match(s, rng.end())
                q.upper = _to_float(rng.group(1))
                pos = rng.end()
                um = um2
            if um:
                q.unit, q.kind, q.wan, q.nonstandard = _unit_info(um.group(0))
                pos = um.end()
            if not rng:
                rng = pats["range"].match(s, pos)
                if rng:
                    after = pats["unit"].match(s, rng.end())
                    if after is None or (q.unit and _unit_info(after.group(0))[0] == q.unit):
                        q.upper = _to_float(rng.group(1))
                        pos = after.end() if after else rng.end()
        post = pats["post"].match(s, pos)
        if post and (word := post.group(0)) and (word != "内" or q.kind in ("time", "count", None)):
            if q.comparator is None:
                q.comparator, q.cmp_word = post_map[word], True
                pos = post.end()
            elif q.comparator[0] == post_map[word][0]:  # ≥90%以上: the same bound written twice
                pos = post.end()
        q.end = pos
        found.append(q)
        prev_end = pos
    return found


def _has_han(s: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in s)


_FREQ = re.compile(rf"每(?:(\d+)个?)?({_PERIODS})")
_PERIOD_NORM = {"年度": "年", "季": "季度", "月度": "月", "星期": "周", "天": "日"}


# ---------------------------------------------------------------- main


def parse_value(text: str) -> Value:
    """Parse one 指标值; never raises (unreadable parts stay in ``text``)."""
    try:
        if isinstance(text, str):  # values recur across rows: a fresh copy of the parse kept for the text
            known = _parse_kept(text)
            fresh = object.__new__(Value)  # a shallow copy, much cheaper than dataclasses.replace
            fresh.__dict__.update(known.__dict__)
            fresh.problems = list(known.problems)
            return fresh
        return _parse(str(text))
    except Exception:  # noqa: BLE001 - a parser of untrusted text must not take the batch down
        raw = text if isinstance(text, str) else repr(text)
        return Value(raw=raw, text=raw.strip(), problems=[Problem.UNPARSED])


@lru_cache(maxsize=TEXT_CACHE)
def _parse_kept(raw: str) -> Value:
    return _parse(raw)


def _parse(raw: str) -> Value:
    value = Value(raw=raw)
    s = normalise(raw)
    if "\x01" in s:  # 百分之N: spelled out, non-standard
        value.problems.append(Problem.NONSTANDARD_UNIT)
        s = s.replace("\x01", "")
    if not s:
        return value
    date = _find_date(s)
    quantities = _quantities(s, (date[0], date[1]) if date else None)
    spans: list[tuple[int, int]] = []
    with_cmp = [q for q in quantities if q.comparator]
    primary = with_cmp[0] if with_cmp else None
    freq = _FREQ.search(s)
    if primary is None and date:
        start, end, f = date
        before = _patterns()["pre"].search(s, 0, start)
        if before:  # ≤2024年12月31日, 不晚于 …: the written comparator
            start = before.start()
            f.setdefault("comparator", _comparators()[0][before.group(0)])
        spans.append((start, end))
        value.unit_kind = "date"
        value.date = f.get("date")
        value.year = f.get("year")
        value.comparator = f.get("comparator")
        value.number = f.get("number")
        value.upper = f.get("upper")
        value.unit = f.get("unit")
        if f.get("bad"):
            value.problems.append(Problem.BAD_DATE)
    elif primary is None and quantities:
        primary = quantities[0]
    if primary is not None:
        _apply(value, primary)
        spans.append((primary.start, primary.end))
        if freq and primary.kind == "count" and 0 <= primary.start - freq.end() <= 3 and primary.start >= freq.end():
            # 每季度1次 / 每年不少于2次: a frequency
            period = _PERIOD_NORM.get(freq.group(2), freq.group(2))
            value.unit = f"{primary.unit}/{period}"
            value.unit_kind = "frequency"
            spans.append((freq.start(), primary.start))
        _problems(value, primary, quantities, s)
    elif value.unit_kind is None and freq:
        value.unit_kind = "frequency"
        value.unit = f"次/{_PERIOD_NORM.get(freq.group(2), freq.group(2))}"
        spans.append(freq.span())
    if value.number is None and value.unit_kind is None:
        sym = _patterns()["symbol"].match(s)
        if sym:
            value.comparator = _comparators()[0].get(sym.group(0))
            value.problems.append(Problem.NO_NUMBER)
            spans.append(sym.span())
    value.text = _leftover(s, spans)
    if value.number is None and value.unit_kind is None:
        _template_cell(value)
    return value


_FILLER = re.compile(r"^(?:[*＊xX×✕—\-－_…./／?？]+|无|暂无|待定|待填|略|不涉及)$")


def _template_cell(value: Value) -> None:
    """A cell with no number left as the template had it: only units (公里, ≧ %, 年 月) or filler (**, XX)."""
    rest = value.text
    if not rest:
        if value.comparator is not None:
            value.problems.append(Problem.ONLY_UNIT)
        return
    if _FILLER.match(rest):
        value.problems.append(Problem.PLACEHOLDER)
        return
    bare = _patterns()["unit"].sub("", rest)
    if not bare.strip(_PUNCT + "%"):
        value.problems.append(Problem.ONLY_UNIT)


def _apply(value: Value, q: _Quantity) -> None:
    value.comparator = q.comparator
    value.number = q.number
    value.upper = q.upper
    value.unit = q.unit
    value.unit_kind = q.kind
    value.cap_words = bool(q.cmp_word and q.comparator in ("<=", "<"))
    if q.wan is not None:
        value.amount_wan = round(q.number * q.wan, 10)
    if q.nonstandard:
        value.problems.append(Problem.NONSTANDARD_UNIT)


def _problems(value: Value, q: _Quantity, quantities: list[_Quantity], s: str) -> None:
    if q.unit is None:
        value.problems.append(Problem.NO_UNIT)
        nxt = s[q.end : q.end + 1]
        if nxt and _has_han(nxt):
            value.problems.append(Problem.FUSED)
    if q.unit is None and _glued_to_100(q.number):
        value.problems.append(Problem.TWO_VALUES)  # ≥95100: a rate and its 100 run together
    if q.kind == "percent" and max(q.number, q.upper or 0) > 100:
        value.problems.append(Problem.OVER_100)
    others = [o for o in quantities if o is not q]
    # two targets written one after the other (≥95%≥90%, 95 100%); a second bound introduced
    # by words (≥10家，其中省级≥2家) is a breakdown, not a garbled value
    if any(o.comparator and not _has_han(s[min(q.end, o.end) : max(q.start, o.start)]) for o in others) or any(
        o.start >= q.end and o.start - q.end <= 2 and not re.search(r"[\u4e00-\u9fff(（]", s[q.end : o.start])
        for o in others
    ):
        value.problems.append(Problem.TWO_VALUES)


def _glued_to_100(number: float) -> bool:
    """95100 -> True (95 and 100 run together); 2024 or 100 -> False."""
    if number <= 1000 or number >= 1e9 or number != int(number):  # 9e9…: no glued percentage, maybe inf
        return False
    digits = str(int(number))
    return digits.endswith("100") and 0 < int(digits[:-3]) < 100


def _leftover(s: str, spans: list[tuple[int, int]]) -> str:
    if not spans:
        out = s
    else:
        out, last = [], 0
        for start, end in sorted(spans):
            if start < last:
                start = last
            out.append(s[last:start])
            out.append("\x00")
            last = max(last, end)
        out.append(s[last:])
        out = "".join(out)
        out = _patterns()["noise"].sub("\x00", out)
        out = out.replace("\x00", " ")
    out = re.sub(r"\s+", " ", out)
    out = out.strip(_PUNCT)
    return out
