"""The analyse stage: everything the rules read about a row, computed once, before any check.

read → parse → **analyse** → check. For every indicator:

``ind.parsed``   = parse_value of the 指标值 as the table states it: a separate 指标方向 cell that
                   holds a comparator (≥, 至少, 不得低于, 最高不超过 — lexicons/comparators.txt) is put
                   before the value and a 计量单位 cell after it, when the value lacks them.
``ind.features`` = {"value_text": that composed 指标值 text,
                    "polarity": "up"|"down"|None — a 指标方向 cell (正向/反向) wins, else the name,
                    "kind": rate|count|money|time|satisfaction|None,
                    "name_clean": the 三级指标 without template residue, "residue": the pieces removed,
                    "objects", "actions": the nouns and specific verbs of the clean name (jieba POS):
                    what is measured (发放人数 has neither an object nor a specific action),
                    "level_note": a template note in the 一级/二级 labels (必填, 选填) or None,
                    "level2": official name of the filed 二级指标 (or None),
                    "level2_pred", "level2_proba", "level2_filed_proba": the classifier's view,
                    "tokens": jieba words of the name (only with ``tokens=True``)}

The classifier runs once per department over all its rows (one batch); without scikit-learn its
features are absent (the rules that read them stay quiet). Any other failure raises: the caller
reports it as an error of that document (pipeline.document_stage), never as silent defaults.
"""

from __future__ import annotations

from auditor.model import Department, Indicator
from auditor.values import comparator_of, parse_value

ANALYSED = "analysed"  # feature key set on every analysed row


def value_text(ind: Indicator) -> str:
    """The 指标值 with a comparator from the 指标方向 cell and a unit from the 计量单位 cell, when missing."""
    value = (ind.value or "").strip()
    direction = (ind.direction or "").strip()
    unit = (ind.unit_column or "").strip()
    if not (direction or unit):
        return value
    own = parse_value(value)
    if direction and own.comparator is None and comparator_of(direction) and value:
        value = direction + value
    if unit and own.unit is None and own.number is not None and unit not in value:
        value = value + unit
    return value


def analyse_indicators(indicators: list[Indicator], *, classify: bool = True, tokens: bool = False) -> None:
    """Fill parsed values and features of a list of rows in place."""
    from auditor.classify import normalise_level2
    from auditor.nlp import indicator_kind, level_residue, name_residue, name_words, polarity, stated_polarity

    for ind in indicators:
        text = value_text(ind)
        ind.parsed = parse_value(text)
        f = ind.features
        f["value_text"] = text
        stated = stated_polarity(ind.direction)
        clean, residue = name_residue(ind.name)
        f["name_clean"] = clean
        f["residue"] = residue
        f["polarity"] = stated or polarity(clean)
        f["kind"] = indicator_kind(clean, ind.description, ind.parsed)
        f["objects"], f["actions"] = name_words(clean)
        f["level_note"] = level_residue(ind.level_note, ind.level1, ind.level2)
        f["level2"] = normalise_level2(ind.level2)
        f[ANALYSED] = True
    if classify and indicators:
        try:
            from auditor.classify import predict_filed

            rows = [(i.features["name_clean"], i.description, i.features["level2"] or "") for i in indicators]
            predicted = predict_filed(rows)
        except ImportError:  # numpy not installed: the classifier's features stay absent
            predicted = []
        for ind, (label, proba, filed) in zip(indicators, predicted, strict=False):
            ind.features["level2_pred"] = label
            ind.features["level2_proba"] = proba
            ind.features["level2_filed_proba"] = filed
    if tokens:
        from auditor.nlp import tokens as segment

        for ind in indicators:
            ind.features["tokens"] = segment(ind.name)


def is_analysed(dept: Department) -> bool:
    """True when every row of the department went through the analyse stage."""
    return all(ind.features.get(ANALYSED) for p in dept.projects for ind in p.indicators)


def analyse_department(dept: Department, *, classify: bool = True, tokens: bool = False) -> Department:
    """Fill ``parsed`` and ``features`` of every indicator of a department; returns it."""
    analyse_indicators([ind for p in dept.projects for ind in p.indicators], classify=classify, tokens=tokens)
    return dept
