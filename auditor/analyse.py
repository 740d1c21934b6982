"""The analyse stage: fill every indicator's parsed value and NLP features.

``ind.parsed``   = parse_value(ind.value)
``ind.features`` = {"polarity": "up"|"down"|None, "kind": rate|count|money|time|satisfaction|None,
                    "level2": official name of the filed 二级指标 (or None),
                    "level2_pred": the classifier's 二级指标, "level2_proba": its probability,
                    "level2_filed_proba": the classifier's probability of the filed 二级指标
                    (0.0 when the filed name is not an official one),
                    "tokens": jieba words of the name (only with ``tokens=True``)}

A 指标方向 column the parser kept (``Indicator.direction``: 正向/反向) overrides the
lexicon polarity. The classifier runs once per department over all its rows (one batch).
"""

from __future__ import annotations

from auditor.model import Department, Indicator
from auditor.values import parse_value


def analyse_indicators(indicators: list[Indicator], *, classify: bool = True, tokens: bool = False) -> None:
    """Fill parsed values and features of a list of rows in place."""
    from auditor.classify import normalise_level2
    from auditor.nlp import indicator_kind, polarity, stated_polarity

    for ind in indicators:
        ind.parsed = parse_value(ind.value)
        stated = stated_polarity(ind.direction)
        ind.features["polarity"] = stated or polarity(ind.name)
        ind.features["kind"] = indicator_kind(ind.name, ind.description, ind.parsed)
        ind.features["level2"] = normalise_level2(ind.level2)
    if classify and indicators:
        from auditor.classify import predict_proba

        dists = predict_proba([(i.name, i.description) for i in indicators])
        for ind, dist in zip(indicators, dists, strict=True):
            label, proba = max(dist.items(), key=lambda kv: kv[1])
            ind.features["level2_pred"] = label
            ind.features["level2_proba"] = proba
            ind.features["level2_filed_proba"] = dist.get(ind.features["level2"] or "", 0.0)
    if tokens:
        from auditor.nlp import tokens as segment

        for ind in indicators:
            ind.features["tokens"] = segment(ind.name)


def analyse_department(dept: Department, *, classify: bool = True, tokens: bool = False) -> Department:
    """Fill ``parsed`` and ``features`` of every indicator of a department; returns it."""
    analyse_indicators([ind for p in dept.projects for ind in p.indicators], classify=classify, tokens=tokens)
    return dept
