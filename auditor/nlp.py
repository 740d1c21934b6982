"""Chinese NLP over indicator text, from word lists: ``polarity`` ("up": higher is better,
"down": lower is better, from lexicons/polarity_*.txt), ``stated_polarity`` (a 指标方向 cell),
``indicator_kind`` (rate|count|money|time|satisfaction, lexicons/indicator_kind.txt), and
``tokens``: jieba segmentation with the domain dictionary (jieba imported and loaded once per
process, when first asked for).
"""

from __future__ import annotations

import logging
from functools import lru_cache

from auditor.chars import TEXT_CACHE, WordTable
from auditor.model import Value
from auditor.resources import lexicon

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
    for line in lexicon("direction_words"):
        parts = line.split("\t")
        if len(parts) >= 2:
            table[parts[0].strip()] = parts[1].strip()
    return table


def stated_polarity(direction: str) -> str | None:
    """A table's own 指标方向 cell (正向/反向/越小越好 ...) -> "up"/"down", or None."""
    return _direction_words().get(_squeeze(direction))


@lru_cache(maxsize=1)
def _kind_words() -> list[tuple[str, str, bool]]:
    out = []
    for line in lexicon("indicator_kind"):
        parts = [p.strip() for p in line.split("\t")]
        if len(parts) >= 2:
            out.append((parts[0], parts[1], len(parts) > 2 and parts[2] == "first"))
    return out


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
    hinted = _UNIT_KIND_TO_KIND.get(value.unit_kind) if value is not None and value.unit_kind else None
    text = _squeeze(name)
    if hinted and any(kind == hinted and word in text for word, kind, _ in _kind_words()):
        return hinted  # 费用总数 ≥30.75万元: the name names money too, and the value is money
    return _kind_of(text) or hinted or _kind_of(_squeeze(description))


# ---------------------------------------------------------------- jieba


@lru_cache(maxsize=1)
def tokenizer():
    """The jieba module with the domain dictionary loaded (once per process)."""
    import jieba

    jieba.setLogLevel(logging.WARNING)
    for line in lexicon("jieba_user"):
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        tag = parts[2] if len(parts) > 2 else None
        jieba.add_word(word, freq, tag)
    for name in ("polarity_up", "polarity_down", "polarity_neutral", "vague", "vague_time", "generic_names"):
        for word in lexicon(name):
            if len(word) > 1:
                jieba.add_word(word)
    from auditor.values import units

    for spelling in units():
        if len(spelling) > 1:
            jieba.add_word(spelling)
    jieba.initialize()
    return jieba


def tokens(text: str) -> list[str]:
    """Words of a text, segmented by jieba with the domain dictionary (spaces dropped)."""
    return [t for t in tokenizer().lcut(text or "") if t.strip()]
