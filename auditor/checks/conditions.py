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
Each condition is compiled once into a function of the facts (lexicons resolved, words sorted,
patterns compiled, the entries joined into one expression), so checking a row costs a few
dictionary look-ups per entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from auditor.chars import WordList
from auditor.checks.facts import norm_text, resolve, word_list

_OPS = ("has_not", "has", "is", "not", "gte", "gt", "lte", "lt", "re")
_COMPARE = {"gt": ">", "gte": ">=", "lt": "<", "lte": "<="}


@cache
def _split(key: str) -> tuple[str, str]:
    for op in _OPS:
        suffix = "__" + op
        if key.endswith(suffix):
            return key[: -len(suffix)], op
    return key, "eq"


def _as_list(value: Any) -> list:
    return value if isinstance(value, list) else [value]


def _hit_in(fact: Any, words: WordList) -> str | None:
    """The word of a ``__has`` list that ``fact`` holds: a shared item for a list fact, else a substring."""
    if isinstance(fact, (list, tuple, set)):
        return next((str(item) for item in fact if item in words.set), None)
    return words.first_in(fact if isinstance(fact, str) else str(fact or ""))


Test = Callable[[dict[str, Any]], bool]


def _compile_entry(key: str, expected: Any) -> Test:
    """A ``__has``, ``__has_not``, ``__is`` or ``__re`` entry as a function of the facts (the other
    entries are written out inline by ``compile_condition``)."""
    name, op = _split(key)
    if op in ("has", "has_not"):
        words = WordList(list(resolve(expected)))
        if op == "has_not":
            return lambda facts: _hit_in(facts.get(name), words) is None

        def has(facts: dict[str, Any]) -> bool:
            hit = _hit_in(facts.get(name), words)
            if hit is not None:
                facts["hit"] = hit
            return hit is not None

        return has
    if op == "is":
        table = _normalised(tuple(_as_list(expected)))

        def is_(facts: dict[str, Any]) -> bool:
            match = table.get(norm_text(str(facts.get(name) or "")))
            if match is not None:
                facts["hit"] = match
            return match is not None

        return is_
    pattern = re.compile(str(expected))  # op == "re"
    return lambda facts: pattern.search(str(facts.get(name) or "")) is not None


def _get(name: str) -> str:
    return f"get({name!r})"


def expression(
    cond: dict[str, Any] | None, namespace: dict[str, Any], prefix: str = "", read: Callable[[str], str] = _get
) -> str:
    """The source of one boolean expression of ``facts`` and ``get`` (= facts.get) for ``cond``,
    its constants and functions put into ``namespace`` under names starting with ``prefix``;
    ``read(fact name)`` is the source that reads a fact (``get('level2')``, or a local variable
    holding it)."""
    parts = []
    for i, (key, expected) in enumerate((cond or {}).items()):
        name, op = _split(key) if key != "any" else (key, "any")
        n = f"{prefix}{i}"
        fact = read(name) if op != "any" else ""
        if op in ("eq", "not"):
            namespace[f"c{n}"] = _as_list(expected)
            parts.append(f"{fact} {'in' if op == 'eq' else 'not in'} c{n}")
        elif op in _COMPARE:
            namespace[f"c{n}"] = float(expected)
            parts.append(f"((x := {fact}) is not None and x {_COMPARE[op]} c{n})")
        elif op == "any":
            subs = [compile_condition(sub) for sub in _as_list(expected)]
            namespace.update({f"a{n}_{j}": sub for j, sub in enumerate(subs)})
            parts.append("(" + (" or ".join(f"a{n}_{j}(facts)" for j in range(len(subs))) or "False") + ")")
        else:
            test = namespace[f"t{n}"] = _compile_entry(key, expected)
            search = _searcher(op, expected)
            if search is not None:
                namespace[f"s{n}"] = search
            # an empty fact (most rows have no problems, no unit, ...) is decided here, without a
            # call, and so is a text none of a word list's words is in (one regular-expression
            # search); the entry's function decides the rest
            if op == "has_not":
                fast = f" or (x.__class__ is str and s{n}(x) is None)" if search else ""
                parts.append(f"(not (x := {fact}){fast} or t{n}(facts))")
            elif op == "has":
                fast = f" and (x.__class__ is not str or s{n}(x) is not None)" if search else ""
                parts.append(f"((x := {fact}){fast} and t{n}(facts))")
            elif op == "re":
                if test({}):
                    parts.append(f"(s{n}(str({fact} or '')) is not None)")
                else:
                    parts.append(f"((x := {fact}) and s{n}(str(x)) is not None)")
            elif not test({}):
                parts.append(f"({fact} and t{n}(facts))")
            else:
                parts.append(f"t{n}(facts)")
    return " and ".join(parts) or "True"


def _searcher(op: str, expected: Any):
    """The bound ``search`` of the pattern that decides a ``__has``/``__has_not`` entry on a text
    holding none of its words, or a ``__re`` entry; None for the other entries."""
    if op == "re":
        return re.compile(str(expected)).search
    if op in ("has", "has_not"):
        pattern = word_list(expected)._any
        return pattern.search if pattern is not None else None
    return None


def compile_condition(cond: dict[str, Any] | None) -> Test:
    """A condition mapping as one function of the facts (every entry must hold, in order).

    The entries become one Python expression (``get('level2') in c0 and t1(facts) ...``), so a
    test costs no call per entry: equality and comparison entries are written out inline, the
    others call their compiled function. Fact names enter the source only through ``repr`` and
    every value stays a constant of the function's namespace.
    """
    namespace: dict[str, Any] = {}
    exec(_code(expression(cond, namespace)), namespace)  # noqa: S102 - source built from fixed pieces
    return namespace["every"]


@cache
def _code(expression: str):
    """The code of ``every(facts)`` returning ``expression``: conditions of the same shape (their
    constants live in the namespace, not the source) share one compiled code object."""
    source = f"def every(facts):\n    get = facts.get\n    return {expression}\n"
    return compile(source, "<condition>", "exec")


@cache
def _normalised(words: tuple) -> dict[str, str]:
    """normalised word -> the word as listed (first one wins), for ``__is``."""
    out: dict[str, str] = {}
    for w in resolve(list(words)):
        out.setdefault(norm_text(w), w)
    return out


# Conditions come from the rule catalog and live as long as the process: compiled once each.
_compiled: dict[int, tuple[dict, Test]] = {}


def _always(facts: dict[str, Any]) -> bool:
    return True


def compiled(cond: dict[str, Any] | None) -> Test:
    """``cond`` as its compiled function of the facts (an empty condition always holds)."""
    if not cond:
        return _always
    entry = _compiled.get(id(cond))
    if entry is None or entry[0] is not cond:
        entry = _compiled[id(cond)] = (cond, compile_condition(cond))
    return entry[1]


def holds(cond: dict[str, Any] | None, facts: dict[str, Any]) -> bool:
    """True when every entry of ``cond`` holds for ``facts`` (an empty condition always holds)."""
    return compiled(cond)(facts)
