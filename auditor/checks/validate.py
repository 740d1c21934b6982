"""Validate a rule file when the catalog loads, as Vale and SQLFluff do: a misspelt key, fact,
operator, kind, lexicon, problem, parameter or ``unless`` code is one clear line naming the file
and the key (``RuleError``; the command line exits with status 2), never a rule that silently
does nothing.
"""

from __future__ import annotations

from typing import Any

from auditor.errors import AuditError

OPS = ("has_not", "has", "is", "not", "gte", "gt", "lte", "lt", "re")
EXAMPLE_KEYS = {
    "level1",
    "level2",
    "name",
    "description",
    "value",
    "basis",
    "budget",
    "year",
    "table_unit",
    "project",
    "note",
    "projects",
    "departments",
    "message",
    "suggestion",
    "direction",
    "unit_column",
    "level_note",
}
_VALUES = {
    "polarity": ("up", "down", None),
    "kind": ("satisfaction", "rate", "money", "time", "count", None),
    "unit_kind": ("percent", "money", "count", "time", "date", "frequency", "unit_cost", "other", None),
    "expected_unit": ("percent", "money", "count", "time", None),
}


class RuleError(AuditError):
    """A rule file that does not hold together; the message is one line: file, key, reason."""


def _fail(origin: str, key: str, reason: str) -> None:
    raise RuleError(f"规则文件 {origin}：{key}：{reason}")


def _lexicon_exists(name: str) -> bool:
    from auditor.resources import data_dir

    return (data_dir("lexicons") / f"{name}.txt").is_file()


def _words(origin: str, key: str, values: Any) -> None:
    for item in values if isinstance(values, list) else [values]:
        if isinstance(item, str) and item.startswith("@") and not _lexicon_exists(item[1:]):
            _fail(origin, key, f"词表 lexicons/{item[1:]}.txt 不存在")


def condition(origin: str, where: str, cond: Any, facts: set[str]) -> None:
    """Every entry of a ``when`` mapping names a known fact, operator, value set and lexicon."""
    from auditor.values import Problem

    if cond is None:
        return
    if not isinstance(cond, dict):
        _fail(origin, where, "条件应为映射（fact: 值）")
    for key, expected in cond.items():
        path = f"{where}.{key}"
        if key == "any":
            if not isinstance(expected, list):
                _fail(origin, path, "any 应为条件列表")
            for i, sub in enumerate(expected):
                condition(origin, f"{path}[{i}]", sub, facts)
            continue
        fact, _, op = key.partition("__")
        if op and op not in OPS:
            _fail(origin, path, f"未知运算符 __{op}（可用：{'、'.join('__' + o for o in OPS)}）")
        if fact not in facts:
            _fail(origin, path, f"未知事实 {fact}（用 audit explain facts 查看全部）")
        if op in ("has", "has_not", "is"):
            _words(origin, path, expected)
        values = expected if isinstance(expected, list) else [expected]
        if fact == "problems":
            bad = [v for v in values if v not in {p.value for p in Problem}]
            if bad:
                _fail(origin, path, f"未知问题类型 {bad[0]}（可用：{'、'.join(p.value for p in Problem)}）")
        if fact in _VALUES and op in ("", "not"):
            bad = [v for v in values if v not in _VALUES[fact]]
            if bad:
                _fail(origin, path, f"{fact} 没有取值 {bad[0]!r}")
        if op in ("gt", "gte", "lt", "lte") and not isinstance(expected, (int, float)):
            _fail(origin, path, "比较运算需要数值")


def rule(origin: str, data: dict[str, Any]) -> None:
    """One rule's kind, parameters, conditions, cases and examples (``unless`` codes: see ``catalog``)."""
    from auditor.checks.facts import FACTS, MESSAGE_FIELDS, PROJECT_FACTS
    from auditor.checks.kinds import ACROSS, CASE_KEYS, KINDS, PARAMS

    code = data.get("code", "?")
    where = f"{code}"
    kind = data.get("kind")
    if kind not in KINDS and kind not in ACROSS:
        _fail(origin, f"{where}.kind", f"未知检查类型 {kind!r}（可用：{'、'.join(sorted(set(KINDS) | set(ACROSS)))}）")
    params = data.get("params") or {}
    if not isinstance(params, dict):
        _fail(origin, f"{where}.params", "参数应为映射")
    allowed = PARAMS.get(kind, {})
    for key in params:
        if key not in allowed:
            _fail(origin, f"{where}.params.{key}", f"{kind} 类规则没有这个参数（可用：{'、'.join(allowed)}）")
    facts = set(FACTS) if kind in ("row", "budget") else set(PROJECT_FACTS)
    condition(origin, f"{where}.params.when", params.get("when"), facts)
    for i, case in enumerate(params.get("cases") or []):
        for key in case:
            if key not in CASE_KEYS:
                _fail(origin, f"{where}.params.cases[{i}].{key}", f"未知键（可用：{'、'.join(CASE_KEYS)}）")
        condition(origin, f"{where}.params.cases[{i}].when", case.get("when"), facts)
        if case.get("severity") not in (None, "error", "warning", "info"):
            _fail(origin, f"{where}.params.cases[{i}].severity", "级别只能是 error、warning、info")
    for key in ("placeholders", "sources"):
        if key in params:
            _words(origin, f"{where}.params.{key}", params[key])
    fields = facts | set(FACTS) | set(MESSAGE_FIELDS)
    templates = [("message", data.get("message")), ("suggestion", data.get("suggestion"))]
    templates += [(f"params.cases[{i}].{k}", c.get(k)) for i, c in enumerate(params.get("cases") or []) for k in c]
    templates += [(f"params.{k}", params.get(k)) for k in ("value_message", "basis_message")]
    for key, text in templates:
        if isinstance(text, str) and key.split(".")[-1] in ("message", "suggestion", "value_message", "basis_message"):
            _template(origin, f"{where}.{key}", text, fields)
    examples = data.get("examples") or {}
    for group, items in examples.items():
        if group not in ("fire", "pass"):
            _fail(origin, f"{where}.examples.{group}", "示例只能分 fire 和 pass")
        for i, example in enumerate(items or []):
            for key in example if isinstance(example, dict) else []:
                if key not in EXAMPLE_KEYS:
                    _fail(origin, f"{where}.examples.{group}[{i}].{key}", "示例中未知的键")


def _template(origin: str, key: str, text: str, fields: set[str]) -> None:
    import string

    try:
        names = [name for _, name, _, _ in string.Formatter().parse(text) if name]
    except ValueError as err:
        _fail(origin, key, f"模板无法解析（{err}）")
        return
    for name in names:
        if name not in fields:
            _fail(origin, key, f"模板中的 {{{name}}} 不是已知的事实或字段")


def unless(origin_of: dict[str, str], rules: list) -> None:
    """``unless`` names rules of the catalog that run earlier."""
    order = {r.code: r.order for r in rules}
    for r in rules:
        for code in r.params.get("unless") or []:
            if code not in order:
                _fail(origin_of[r.code], f"{r.code}.params.unless", f"未知规则代码 {code}")
            if order[code] >= r.order:
                _fail(origin_of[r.code], f"{r.code}.params.unless", f"{code} 在本规则之后运行（order {order[code]}）")
