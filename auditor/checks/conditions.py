"""The small condition language of rules/*.yaml, evaluated against a dict of facts.

A condition is a mapping; every entry must hold (``any: [..]`` holds when one sub-mapping does):

    level2: [成本指标]            fact equals one of the values (a scalar is a one-item list)
    unit_kind__not: [money]      fact equals none of them
    number__gt: 100              numeric comparisons: __gt __gte __lt __lte (None never holds)
    name_n__has: ['@vague', 提高] text contains one of the words ('@x' = lexicons/x.txt);
                                 for a list fact (problems): shares an item
    name_n__has_not: [...]       the opposite
    name_n__is: ['@generic_names']  text equals one of the words
    value_n__re: '^\\d+$'        regular expression search

The word that made a ``__has`` or ``__is`` hold is recorded as ``hit`` for message templates.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from auditor.checks.facts import first_hit, norm_text, resolve

_OPS = ("has_not", "has", "is", "not", "gte", "gt", "lte", "lt", "re")


@cache
def _split(key: str) -> tuple[str, str]:
    for op in _OPS:
        suffix = "__" + op
        if key.endswith(suffix):
            return key[: -len(suffix)], op
    return key, "eq"


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _has(fact: Any, words: Any) -> str | None:
    if isinstance(fact, (list, tuple, set)):
        wanted = set(resolve(words))
        for item in fact:
            if item in wanted:
                return str(item)
        return None
    return first_hit(str(fact or ""), words)


@cache
def _normalised(words: tuple) -> dict[str, str]:
    """normalised word -> the word as listed (first one wins), for ``__is``."""
    out: dict[str, str] = {}
    for w in resolve(list(words)):
        out.setdefault(norm_text(w), w)
    return out


def holds(cond: dict[str, Any] | None, facts: dict[str, Any]) -> bool:
    """True when every entry of ``cond`` holds for ``facts`` (an empty condition always holds)."""
    for key, expected in (cond or {}).items():
        if key == "any":
            if not any(holds(sub, facts) for sub in _as_list(expected)):
                return False
            continue
        name, op = _split(key)
        fact = facts.get(name)
        if op == "eq":
            ok = fact in _as_list(expected)
        elif op == "not":
            ok = fact not in _as_list(expected)
        elif op in ("gt", "gte", "lt", "lte"):
            if fact is None:
                ok = False
            else:
                limit = float(expected)
                ok = {"gt": fact > limit, "gte": fact >= limit, "lt": fact < limit, "lte": fact <= limit}[op]
        elif op == "has":
            hit = _has(fact, expected)
            ok = hit is not None
            if ok:
                facts["hit"] = hit
        elif op == "has_not":
            ok = _has(fact, expected) is None
        elif op == "is":
            match = _normalised(tuple(_as_list(expected))).get(norm_text(str(fact or "")))
            ok = match is not None
            if ok:
                facts["hit"] = match
        elif op == "re":
            ok = re.search(str(expected), str(fact or "")) is not None
        else:  # pragma: no cover - _split only yields known ops
            ok = False
        if not ok:
            return False
    return True
