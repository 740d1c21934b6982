"""Chinese NLP over indicator text: ``polarity`` ("up": higher is better, "down": lower is
better, from lexicons/polarity_*.txt), ``stated_polarity`` (a 指标方向 cell), ``indicator_kind``
(rate|count|money|time|satisfaction, lexicons/indicator_kind.txt), and jieba segmentation with
the domain dictionary (``tokens``; jieba imported and loaded once per process, when first asked
for, from a dictionary of its frequent words).

Names have structure (an object, a measure, qualifiers, template residue): ``name_residue``
takes template text out of a name (lexicons/template_residue.txt) and ``name_words`` finds the
words that say *what* is measured, from jieba's segmentation and dictionary tags: nouns count as
objects, verbs as actions, adverbs and adjectives never; the frame words of
lexicons/name_measures.txt and name_activities.txt are left out (发放人数 names no object;
困难群众救助金发放人数 names 困难群众, 救助金). The rules read them through the analyse stage.
"""

from __future__ import annotations

import logging
import re
from functools import lru_cache
from pathlib import Path

from auditor.chars import TEXT_CACHE, WordTable
from auditor.model import Value
from auditor.resources import lexicon, lexicon_rows

KINDS = ("satisfaction", "rate", "money", "time", "count")


def _squeeze(text: str) -> str:
    return "".join((text or "").split())


# ---------------------------------------------------------------- lexicon features


@lru_cache(maxsize=1)
def _polarity_words() -> WordTable:
    words = [(w, "up") for w in lexicon("polarity_up")]
    words += [(w, "down") for w in lexicon("polarity_down")]
    words += [(w, "neutral") for w in lexicon("polarity_neutral")]
    return WordTable(words)


@lru_cache(maxsize=TEXT_CACHE)
def polarity(name: str) -> str | None:
    """Whether more is better ("up") or less is better ("down") for an indicator name.

    The longest lexicon word found wins (投诉处理满意度: 满意度 beats 投诉; 事故发生率: 发生率
    beats 事故); on a tie the word nearer the end wins (the head of a Chinese compound is last).
    Decrease measures (下降率, 节约率) are "up": a floor on a decrease is the right shape.
    """
    found = _polarity_words().find(_squeeze(name), longest_first=True)
    return "up" if found == "neutral" else found


@lru_cache(maxsize=1)
def _direction_words() -> dict[str, str]:
    table = {}
    for parts in lexicon_rows("direction_words"):
        if len(parts) >= 2:
            table[parts[0]] = parts[1]
    return table


@lru_cache(maxsize=TEXT_CACHE)
def stated_polarity(direction: str) -> str | None:
    """A table's own 指标方向 cell (正向/反向/越小越好 ...) -> "up"/"down", or None."""
    return _direction_words().get(_squeeze(direction))


@lru_cache(maxsize=1)
def _kind_words() -> list[tuple[str, str, bool]]:
    out = []
    for parts in lexicon_rows("indicator_kind"):
        if len(parts) >= 2:
            out.append((parts[0], parts[1], len(parts) > 2 and parts[2] == "first"))
    return out


@lru_cache(maxsize=1)
def _words_of_kind() -> dict[str, tuple[str, ...]]:
    """kind -> its words (lexicons/indicator_kind.txt), in the lexicon's order."""
    out: dict[str, list[str]] = {}
    for word, kind, _ in _kind_words():
        out.setdefault(kind, []).append(word)
    return {kind: tuple(words) for kind, words in out.items()}


@lru_cache(maxsize=TEXT_CACHE)
def _kind_of(text: str) -> str | None:
    for word, kind, first in _kind_words():
        if first and word in text:
            return kind
    best: tuple[int, int, str] | None = None
    for word, kind, first in _kind_words():
        pos = text.rfind(word)
        if pos >= 0 and not first:
            key = (pos + len(word), len(word), kind)
            if best is None or key[:2] > best[:2]:
                best = key
    return best[2] if best else None


_UNIT_KIND_TO_KIND = {
    "percent": "rate",
    "money": "money",
    "unit_cost": "money",
    "count": "count",
    "time": "time",
    "date": "time",
    "frequency": "count",
}


def indicator_kind(name: str, description: str = "", value: Value | None = None) -> str | None:
    """rate|count|money|time|satisfaction for a row: from the name's head word (lexicon), else
    from the value's unit kind, else from the description. When the name holds words of several
    kinds and one of them agrees with the value's unit, that one wins."""
    return _row_kind(name, description, value.unit_kind if value is not None else None)


@lru_cache(maxsize=TEXT_CACHE)
def _row_kind(name: str, description: str, unit_kind: str | None) -> str | None:
    hinted = _UNIT_KIND_TO_KIND.get(unit_kind) if unit_kind else None
    text = _squeeze(name)
    if hinted and any(word in text for word in _words_of_kind().get(hinted, ())):
        return hinted  # 费用总数 ≥30.75万元: the name names money too, and the value is money
    return _kind_of(text) or hinted or _kind_of(_squeeze(description))


# ---------------------------------------------------------------- name structure


@lru_cache(maxsize=1)
def _residue_patterns() -> tuple[re.Pattern, ...]:
    return tuple(re.compile(line) for line in lexicon("template_residue"))


@lru_cache(maxsize=1)
def _any_residue() -> re.Pattern:
    """One pattern that matches where any template-residue pattern does."""
    return re.compile("|".join(f"(?:{p.pattern})" for p in _residue_patterns()))


@lru_cache(maxsize=TEXT_CACHE)
def name_residue(name: str) -> tuple[str, tuple[str, ...]]:
    """(clean name, template pieces found): 指标1:培训人次(≥**人) -> ('培训人次', ('指标1:', '(≥**人)'))."""
    import unicodedata

    text = unicodedata.normalize("NFKC", name or "").strip()
    if _any_residue().search(text) is None:  # most names: no pattern matches, nothing to remove
        return text, ()
    found: list[str] = []
    for pattern in _residue_patterns():
        for m in pattern.finditer(text):
            if m.group(0).strip():
                found.append(m.group(0).strip())
        text = pattern.sub("", text)
    return text.strip(), tuple(found)


@lru_cache(maxsize=1)
def _level_notes() -> tuple[str, ...]:
    return tuple(lexicon("template_level_notes"))


@lru_cache(maxsize=TEXT_CACHE)
def level_residue(*labels: str) -> str | None:
    """The template note (必填, 选填 ...) a 一级/二级 label or the reader's level_note carries, or None."""
    for label in labels:
        text = _squeeze(label)
        if any(word in text for word in _level_notes()):
            return label.strip()
    return None


@lru_cache(maxsize=1)
def _frame_words() -> tuple[frozenset, tuple[str, ...]]:
    measures = tuple(sorted(lexicon("name_measures"), key=len, reverse=True))
    return frozenset(lexicon("name_activities")) | frozenset(measures), measures


_OBJECT_TAGS = ("n", "l", "j", "i", "eng", "zg", "vn", "s", "nz")
_NON_WORD = re.compile(r"[\d\s%％()（）\[\]【】、,，.。:：;；/\-—_*★☆<>≥≤=~]+")


def _measure_end(word: str, measures: tuple[str, ...]) -> str | None:
    """The longest measure ``word`` ends in (shorter than the word itself), or None."""
    m = _frame_patterns()[1].search(word, 1)  # from the second character: the earliest start is the longest
    return m.group(0) if m else None


def _covered(word: str, frame: frozenset) -> bool:
    """True when ``word`` is a run of frame words (经济收益 = 经济 + 收益, 管理制度)."""
    return word in frame or _frame_patterns()[0].fullmatch(word) is not None


@lru_cache(maxsize=1)
def _frame_patterns() -> tuple[re.Pattern, re.Pattern]:
    """(a run of frame words, a measure at the end of a word): compiled once."""
    frame, measures = _frame_words()
    words = "|".join(re.escape(w) for w in sorted(frame, key=len, reverse=True))
    ends = "|".join(re.escape(m) for m in measures)
    return re.compile(f"(?:{words})+"), re.compile(f"(?:{ends})$")  # measures: longest first


@lru_cache(maxsize=TEXT_CACHE)
def name_words(name: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(objects, actions) of a clean name, by jieba part of speech (see module doc).

    Objects are its nouns (企业, 救助金, 泵房); actions its specific verbs (支付, 验收, 出访). A word
    ending in a measure (企业满意度, 发放率) is split and its head kept; frame words (项目, 服务,
    资金, 实施, 完成 ...) and measures are neither; adverbs, adjectives and numerals never count.
    """
    text = _NON_WORD.sub(" ", name or "")
    frame, measures = _frame_words()
    jieba_lcut = tokenizer().lcut
    tags = word_tags()

    objects: list[str] = []
    actions: list[str] = []
    for part in text.split():
        # jieba's segmentation (its HMM finds unknown words) with each word's dictionary tag: the
        # tagging HMM of posseg costs six times as much and changes no decision measured here
        for word in jieba_lcut(part):
            flag = tags.get(word) or ("n" if len(word) > 1 else "x")
            stem = word
            while stem and not _covered(stem, frame):
                cut = _measure_end(stem, measures)
                if cut is None:
                    break
                stem = stem[: -len(cut)]  # 企业满意度 -> 企业, 按时发放率 -> 按时发放
            if not stem or _covered(stem, frame):
                continue
            if stem != word:
                flag = tags.get(stem) or ("n" if len(stem) > 1 else "x")
            if len(stem) < 2 and flag != "n":
                continue
            if flag.startswith(_OBJECT_TAGS) or flag == "x":
                objects.append(stem)
            elif flag.startswith("v"):
                actions.append(stem)
    return tuple(objects), tuple(actions)


def name_objects(name: str) -> tuple[str, ...]:
    """The nouns of a clean name that say what is measured (发放人数 → (), 困难群众救助金发放人数 → 困难群众, 救助金)."""
    return name_words(name)[0]


# ---------------------------------------------------------------- jieba


MIN_WORD_FREQ = 50  # jieba's dictionary words kept (≈52,000 of 349,000): loading drops from ≈2 s to ≈0.4 s


def _small_dictionary(jieba) -> Path | None:
    """jieba's dictionary without its rare words, written once to the cache folder (None: use the full one).

    Indicator names are everyday administrative Chinese; rare words are left to jieba's HMM,
    which segments and tags unknown words too.
    """
    from auditor.cache import path_for, write_whole

    full = Path(jieba.__file__).parent / "dict.txt"
    target = path_for("jieba-dict", (MIN_WORD_FREQ, full.stat().st_size), ".txt")
    if target is None:
        return None
    if not target.is_file():
        try:
            lines = [line for line in full.read_text(encoding="utf-8").splitlines() if _frequent(line)]
        except OSError:
            return None
        write_whole(target, ("\n".join(lines) + "\n").encode("utf-8"))
    return target if target.is_file() else None


def _frequent(line: str) -> bool:
    parts = line.split()
    return len(parts) >= 2 and parts[1].isdigit() and int(parts[1]) >= MIN_WORD_FREQ


def _import_jieba():
    """``import jieba`` without pkg_resources: jieba's _compat imports it only to open its own
    data files and falls back to plain ``open`` without it; the import alone costs ≈0.3 s and
    a deprecation warning in every process."""
    import sys

    if "jieba" in sys.modules or "pkg_resources" in sys.modules:
        import jieba

        return jieba
    sys.modules["pkg_resources"] = None  # an ImportError for jieba's ``import pkg_resources``
    try:
        import jieba
    finally:
        del sys.modules["pkg_resources"]
    return jieba


def _user_words() -> list[tuple[str, int | None, str | None]]:
    """The domain words added to jieba's dictionary, in order: (word, frequency or None, tag or None)."""
    words: list[tuple[str, int | None, str | None]] = []
    for line in lexicon("jieba_user"):
        parts = line.split()
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        words.append((parts[0], freq, parts[2] if len(parts) > 2 else None))
    for name in (
        "polarity_up",
        "polarity_down",
        "polarity_neutral",
        "vague",
        "vague_time",
        "generic_names",
        "name_measures",
        "name_activities",
        "rule_generic_objects",
    ):
        words += [(word, None, None) for word in lexicon(name) if len(word) > 1]
    from auditor.values import units

    words += [(spelling, None, None) for spelling in units() if len(spelling) > 1]
    return words


_tags: dict[str, str] = {}  # word -> jieba dictionary tag (the dictionary's, then the domain words')


@lru_cache(maxsize=1)
def tokenizer():
    """The jieba module with the domain dictionary loaded (once per process).

    Loading means jieba's prefix dictionary plus every domain word (``add_word`` segments each
    one to suggest its frequency) and the dictionary's part-of-speech tags: the result is kept
    in the cache folder (auditor.cache), keyed by everything it is made of, so later runs read
    one pickle instead.
    """
    from auditor.cache import pickled

    jieba = _import_jieba()
    jieba.setLogLevel(logging.WARNING)
    small = _small_dictionary(jieba)
    if small is not None:
        jieba.set_dictionary(str(small))
    words = _user_words()
    dictionary = small or Path(jieba.__file__).parent / "dict.txt"
    key = (jieba.__version__, str(dictionary), dictionary.stat().st_size, words)
    freq, total, tags = pickled("jieba-state", key, lambda: _load(jieba, words))
    jieba.dt.FREQ, jieba.dt.total, jieba.dt.initialized = freq, total, True
    _tags.clear()
    _tags.update(tags)
    return jieba


def _load(jieba, words: list) -> tuple[dict, int, dict]:
    """jieba's dictionary with the domain ``words`` added: (prefix frequencies, total, tags)."""
    jieba.dt.initialized = False
    jieba.initialize()
    for word, freq, tag in words:
        jieba.add_word(word, freq, tag)
    tags = _dictionary_tags(jieba.dt.get_dict_file())
    tags.update(jieba.dt.user_word_tag_tab)
    return jieba.dt.FREQ, jieba.dt.total, tags


def word_tags() -> dict[str, str]:
    """jieba's part-of-speech tag of each dictionary word (n, v, a, ...), domain words included."""
    tokenizer()
    return _tags


def _dictionary_tags(fh) -> dict[str, str]:
    """word -> tag from a jieba dictionary file (lines "word freq tag")."""
    tags: dict[str, str] = {}
    with fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return tags


def tokens(text: str) -> list[str]:
    """Words of a text, segmented by jieba with the domain dictionary (spaces dropped)."""
    return [t for t in tokenizer().lcut(text or "") if t.strip()]
