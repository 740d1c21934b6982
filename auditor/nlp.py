"""Chinese NLP over indicator text: jieba with the domain dictionary, and a spaCy blank ``zh``
pipeline (jieba segmenter) with three components:

* ``auditor_values``: QUANTITY and DATE entities (number + unit + comparator, deadlines), each
  entity carrying its parsed Value in ``span._.value``;
* ``auditor_polarity``: ``doc._.polarity`` = "up" (higher is better), "down" (lower is better)
  or None, from lexicons/polarity_up.txt, polarity_down.txt, polarity_neutral.txt;
* ``auditor_kind``: ``doc._.kind`` = rate|count|money|time|satisfaction or None, from
  lexicons/indicator_kind.txt.

The lexicon logic is plain functions (``polarity``, ``indicator_kind``) that the analyse stage
calls directly; spaCy and jieba are imported only when a tokenizer or pipeline is asked for, and
each is built once per process.
"""

from __future__ import annotations

import logging
import re
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


# ---------------------------------------------------------------- spaCy pipeline

_DATE_RE = re.compile(
    r"\d{4}\s*年(?:\s*\d{1,2}\s*月)?(?:\s*\d{1,2}\s*[日号])?(?:底|末|年底)?(?:之前|以前|前)?"
    r"|\d{1,2}\s*月\s*\d{1,2}\s*[日号](?:之前|以前|前)?|(?:季|月)后\s*\d+\s*日(?:之前|前)?|年底前"
)


@lru_cache(maxsize=1)
def _quantity_re() -> re.Pattern:
    from auditor.values import _alternation, _comparators, units

    pre, post = _comparators()
    unit = _alternation(units())
    unit_expr = rf"(?:{unit})(?:/(?:{unit}))?"
    number = rf"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+(?=\s*(?:{unit})))"
    return re.compile(
        rf"(?:每(?:年|半年|季度|季|月|周|日|天))?(?:(?:{_alternation(pre)})\s*)?{number}\s*"
        rf"(?:{unit_expr}|\({unit_expr}\)|（{unit_expr}）)?(?:{_alternation(post)})?"
    )


def entity_spans(text: str) -> list[tuple[int, int, str]]:
    """Character spans (start, end, label) of QUANTITY and DATE mentions in a text."""
    spans: list[tuple[int, int, str]] = []
    taken = [False] * (len(text) + 1)
    for m in _DATE_RE.finditer(text):
        spans.append((m.start(), m.end(), "DATE"))
        for i in range(m.start(), m.end()):
            taken[i] = True
    for m in _quantity_re().finditer(text):
        if not any(taken[m.start() : m.end()]):
            spans.append((m.start(), m.end(), "QUANTITY"))
    return sorted(spans)


@lru_cache(maxsize=1)
def pipeline():
    """spaCy blank zh with the jieba segmenter and the auditor components (once per process)."""
    tokenizer()  # spaCy's segmenter uses the global jieba: load the domain words first
    import spacy
    from spacy.language import Language
    from spacy.tokens import Doc, Span
    from spacy.util import filter_spans

    from auditor.values import parse_value

    for ext, owner in (("polarity", Doc), ("kind", Doc), ("value", Span)):
        if not owner.has_extension(ext):
            owner.set_extension(ext, default=None)

    if "auditor_values" not in Language.factories:

        @Language.component("auditor_values")
        def _values(doc):
            ents = []
            for start, end, label in entity_spans(doc.text):
                span = doc.char_span(start, end, label=label, alignment_mode="expand")
                if span is not None:
                    ents.append(span)
            doc.ents = filter_spans(ents)
            for ent in doc.ents:
                ent._.value = parse_value(ent.text)
            return doc

        @Language.component("auditor_polarity")
        def _polarity(doc):
            doc._.polarity = polarity(doc.text)
            return doc

        @Language.component("auditor_kind")
        def _kind(doc):
            doc._.kind = indicator_kind(doc.text)
            return doc

    nlp = spacy.blank("zh", config={"nlp": {"tokenizer": {"segmenter": "jieba"}}})
    for name in ("auditor_values", "auditor_polarity", "auditor_kind"):
        nlp.add_pipe(name)
    return nlp


def analyse_text(text: str):
    """Run the pipeline on one text; returns the spaCy Doc."""
    return pipeline()(text or "")
