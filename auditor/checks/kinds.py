"""The checker kinds: the only rule logic in code. Each rule in rules/*.yaml names one.

- ``row``: condition cases over one row's facts (see conditions.py), first matching case decides.
- ``dimensions``: a project lacks a required 一级 or 二级 class.
- ``budget``: money amounts compared with the project's 预算数 (one row, or the sum of rows).
- ``dup_table``: a project's 三级指标 names mostly repeat another project's (same or other
  department).
- ``project_text``: a project field (绩效目标) is empty or template filler.
- ``boilerplate``: the same value (or the same basis text) stands on most rows of a project that
  measure different things.

A checker yields ``(project, indicator | None, facts, extra)``; the engine turns that into a
Finding with the rule's message templates.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from functools import cache
from typing import Any

from auditor.checks.conditions import expression, holds
from auditor.checks.dup import Table, TableIndex, project_names, similar_tables, table_of
from auditor.checks.facts import norm_text, official_levels, project_facts, resolve, row_facts, word_list
from auditor.checks.within import similar_within
from auditor.checks.yearcopy import check_year_copy
from auditor.model import Department, Indicator, Project

Hit = tuple[Project, Indicator | None, dict[str, Any], dict[str, Any]]
_NO_HIT = object()


class Context:
    """Shared state while checking one document: cached row facts, which rules fired where."""

    def __init__(self):
        self.fired: dict[tuple[int, int | None], set[str]] = {}  # (project no, row) -> codes fired there
        self._facts: dict[int, dict[str, Any]] = {}

    def row(self, ind: Indicator, project: Project, dept: Department) -> dict[str, Any]:
        """The row's facts, worked out once per document: shared, so a caller only reads them."""
        facts = self._facts.get(id(ind))
        if facts is None:
            facts = self._facts[id(ind)] = row_facts(ind, project, dept)
        return facts

    def facts(self, ind: Indicator, project: Project, dept: Department) -> dict[str, Any]:
        """A copy of the row's facts that a finding may add to."""
        return dict(self.row(ind, project, dept))

    def mark(self, project: Project, row: int | None, code: str) -> None:
        self.fired.setdefault((project.no, row), set()).add(code)


_NONE: frozenset[str] = frozenset()
_plans: dict[tuple[int, ...], tuple] = {}


def _records_hit(cond: Any) -> bool:
    """Whether a condition may record a ``hit`` word (it has a ``__has`` or ``__is`` entry somewhere)."""
    if isinstance(cond, list):
        return any(_records_hit(c) for c in cond)
    if not isinstance(cond, dict):
        return False
    return any(key.endswith(("__has", "__is")) or (key == "any" and _records_hit(value)) for key, value in cond.items())


def _rule_source(i: int, rule, namespace: dict[str, Any], read: Callable[[str], str]) -> list[str]:
    """The statements that test rule ``i`` of a group on one row's facts (see ``_group_plan``)."""
    params = rule.params
    when = params.get("when")
    records = _records_hit(when)
    unless = frozenset(params.get("unless") or ())
    cases = params.get("cases") or []
    body: list[str] = []
    if unless:
        namespace[f"u{i}"] = unless
        body.append(f"if u{i}.isdisjoint(fired.get(key, NONE)):")
    pad = "    " if unless else ""
    if not cases:
        body.append(f"{pad}yield {i}, -1, hit")
    for j, case in enumerate(cases):  # the first case that holds: each next one in the previous one's else
        record = _records_hit(case.get("when"))
        body.append(f"{pad}if {expression(case.get('when'), namespace, f'k{i}_{j}_', read)}:")
        body.append(f"{pad}    yield {i}, {j}, hit")
        if j + 1 < len(cases) or record:
            body.append(f"{pad}else:")
            pad += "    "
            if record:  # a failing case's word is not the next one's
                body.append(f"{pad}pop('hit', None)")
    if not when:
        return ["hit = NO", *body]
    lines = [
        f"if {expression(when, namespace, f'w{i}_', read)}:",
        "    hit = pop('hit', NO)" if records else "    hit = NO",
    ]
    lines += ["    " + line for line in body]
    if records:
        lines += ["else:", "    pop('hit', None)"]
    return lines


def _group_plan(rules: list) -> tuple:
    """(the rules, each rule's cases as (case, whether it fires, whether it records a hit), the
    group's test): consecutive ``row`` rules as one generated generator of a row's facts, compiled
    once per group.

    ``test(facts, fired, key)`` yields ``(rule index, case index or -1 for a rule without cases,
    the word the rule's ``when`` recorded or NO)`` for each rule whose ``when`` and a case hold,
    in the rules' order: every rule's ``when`` and cases written out inline (no call and no
    loop step per rule), each fact they name read once into a local variable (a test changes
    no fact but ``hit``, which no condition names). A rule's ``unless`` is tested against
    ``fired`` when its turn comes, so it sees the rules before it that the caller marked. A
    test that recorded a ``hit`` and failed drops it before the next one."""
    key = tuple(map(id, rules))
    plan = _plans.get(key)
    if plan is None or any(a is not b for a, b in zip(plan[0], rules, strict=True)):
        namespace: dict[str, Any] = {"NO": _NO_HIT, "NONE": _NONE}
        read: dict[str, str] = {}  # fact name -> the local variable holding it
        lines = []
        for i, rule in enumerate(rules):
            lines += [
                "    " + line
                for line in _rule_source(i, rule, namespace, lambda name: read.setdefault(name, f"v{len(read)}"))
            ]
        head = ["def test(facts, fired, key):", "    get = facts.get", "    pop = facts.pop"]
        head += [f"    {local} = get({name!r})" for name, local in read.items()]  # each fact read once
        lines = head + lines
        exec(_group_code("\n".join(lines) + "\n"), namespace)  # noqa: S102 - source built from fixed pieces
        cases = tuple(
            tuple(
                (case, case.get("fire", True), _records_hit(case.get("when")))
                for case in rule.params.get("cases") or []
            )
            for rule in rules
        )
        plan = _plans[key] = (tuple(rules), cases, namespace["test"])
    return plan


@cache
def _group_code(source: str):
    return compile(source, "<row rules>", "exec")


def check_rows(rules: list, dept: Department, ctx: Context) -> Iterator[tuple[Any, Hit]]:
    """Several ``row`` rules in one pass over the rows: ``(rule, hit)`` in row order, and on each
    row in the rules' order. A rule's ``unless`` sees what the rules before it found on the row
    (``ctx.fired``: the caller marks each hit before asking for the next)."""
    rules, cases, test = _group_plan(rules)
    fired = ctx.fired
    for project in dept.projects:
        no = project.no
        for ind in project.indicators:
            shared = ctx.row(ind, project, dept)
            for i, index, hit in test(shared, fired, (no, ind.row)):  # tested on the shared facts
                if index < 0:
                    yield rules[i], (project, ind, _copy(shared, hit, _NO_HIT), {})
                    continue
                case, fires, case_records = cases[i][index]
                case_hit = shared.pop("hit", _NO_HIT) if case_records else _NO_HIT
                if fires:  # a copy only for a finding
                    yield rules[i], (project, ind, _copy(shared, hit, case_hit), case)


def _copy(shared: dict[str, Any], hit: Any, case_hit: Any) -> dict[str, Any]:
    """A finding's own facts: the row's, with the word its case (else its condition) recorded."""
    facts = dict(shared)
    if case_hit is not _NO_HIT:
        facts["hit"] = case_hit
    elif hit is not _NO_HIT:
        facts["hit"] = hit
    return facts


def check_row(rule, dept: Department, ctx: Context) -> Iterator[Hit]:
    """One ``row`` rule: its condition cases over each row's facts, the first case that holds decides."""
    for _, found in check_rows([rule], dept, ctx):
        yield found


def check_dimensions(rule, dept: Department, ctx: Context) -> Iterator[Hit]:
    required: dict[str, list[str]] = rule.params.get("required") or {}
    for project in dept.projects:
        if not project.indicators:
            continue
        present: dict[str, set[str]] = {}
        for ind in project.indicators:
            level1, level2 = official_levels(ind.level1, ind.level2)
            present.setdefault(level1, set()).add(level2)
        missing = []
        for level1, level2s in required.items():
            if level1 not in present:
                missing.append(level1)
                continue
            missing += [f"{level1}/{l2}" for l2 in level2s or [] if l2 not in present[level1]]
        if missing:
            facts = project_facts(project, dept)
            facts["missing"] = "、".join(missing)
            yield project, None, facts, {}


def _money_rows(project: Project, dept: Department, ctx: Context, params) -> list[tuple[Indicator, dict]]:
    rows = []
    for ind in project.indicators:
        facts = ctx.row(ind, project, dept)
        if facts["amount_wan"] is None or facts["per_unit"]:
            continue
        if holds(params.get("when"), facts):
            rows.append((ind, dict(facts)))
        facts.pop("hit", None)  # a word the test recorded stays with the copy
    return rows


def check_budget(rule, dept: Department, ctx: Context) -> Iterator[Hit]:
    params = rule.params
    tolerance = float(params.get("tolerance", 0.005))
    for project in dept.projects:
        if not project.budget or project.budget <= 0:
            continue
        limit = project.budget * (1 + tolerance)
        rows = _money_rows(project, dept, ctx, params)
        if params.get("scope", "row") == "row":
            for ind, facts in rows:
                if facts["amount_wan"] > limit:
                    facts["amount"] = _fmt(facts["amount_wan"])
                    yield project, ind, facts, {}
            continue
        if len(rows) < int(params.get("min_rows", 2)):
            continue
        total = sum(f["amount_wan"] for _, f in rows)
        if total > limit:
            facts = project_facts(project, dept)
            facts["total"] = _fmt(total)
            facts["items"] = "、".join(f"{f['name']} {f['value']}" for _, f in rows)
            yield project, None, facts, {}


def _fmt(x: float) -> str:
    from auditor.values import fmt_number

    return fmt_number(round(x, 4))


def _dup_facts(share: float, other: Table) -> dict[str, Any]:
    return {
        "share": f"{share:.0%}",
        "other": other.name,
        "other_no": other.no,
        "other_code": other.code,
        "other_source": other.source,
        "other_department": other.department or other.source,
        "other_year": other.year or "",
    }


def _related(other: Table) -> dict[str, str]:
    return {"related": f"{other.source}#{other.no} {other.name}"}


def _dup_pairs(rule, queries, index: TableIndex, cross: bool):
    params = rule.params
    return similar_tables(
        queries,
        index,
        threshold=float(params.get("threshold", 0.8)),
        similarity=float(params.get("name_similarity", 100)),
        cross=cross,
    )


def check_dup_table(rule, dept: Department, ctx: Context) -> Iterator[Hit]:
    """Projects of one document whose names mostly repeat another project's of the same document."""
    params = rule.params
    projects = dept.projects
    tables = [(norm_text(p.name), project_names(p)) for p in projects]
    threshold, similarity = float(params.get("threshold", 0.8)), float(params.get("name_similarity", 100))
    for number, other_number, share in similar_within(tables, threshold, similarity):
        project, other = projects[number], table_of(dept, projects[other_number])
        facts = project_facts(project, dept)
        facts.update(_dup_facts(share, other))
        yield project, None, facts, _related(other)


def check_dup_across(rule, tables: range, index: TableIndex) -> Iterator[tuple[Table, dict, dict]]:
    """Tables (numbers in ``index``) whose names mostly repeat a table of another document (department or year)."""
    for number, other_number, share in _dup_pairs(rule, tables, index, cross=True):
        table, other = index.table(number), index.table(other_number)
        facts = {"project": table.name, "project_code": table.code, "budget_year": table.year}
        facts.update(_dup_facts(share, other))
        yield table, facts, _related(other)


def check_project_text(rule, dept: Department, ctx: Context) -> Iterator[Hit]:
    params = rule.params
    field_name = params.get("field", "goal")
    fillers = {w for w in resolve(params.get("placeholders") or [])}
    from auditor.checks.facts import norm_text

    fillers_n = {norm_text(w) for w in fillers}
    # a document whose every goal is empty most likely lost them in extraction: report filler only
    all_empty = all(not norm_text(getattr(p, field_name, "") or "") for p in dept.projects)
    for project in dept.projects:
        if params.get("skip_without_rows", True) and not project.indicators:
            continue
        facts = project_facts(project, dept)
        items = [i for i in facts.get(f"{field_name}_items", []) if i]
        text = norm_text(getattr(project, field_name, "") or "")
        if not text:
            if all_empty and params.get("skip_if_all_empty", True):
                continue
            facts["hit"] = "（空）"
            yield project, None, facts, {}
            continue
        pattern = re.compile(params.get("pattern", "$^"))
        bad = [i for i in items if i in fillers_n or pattern.search(i)]
        if items and len(bad) == len(items):
            facts["hit"] = "、".join(bad)
            yield project, None, facts, {}


def check_boilerplate(rule, dept: Department, ctx: Context) -> Iterator[Hit]:
    """A project whose rows that measure different things mostly carry one and the same text."""
    from auditor.checks.facts import norm_text

    params = rule.params
    share = float(params.get("share", 0.8))
    min_rows = int(params.get("min_rows", 3))
    levels = set(params.get("levels") or [])
    sources = word_list(params.get("sources"))
    for project in dept.projects:
        facts_of = [(ind, ctx.row(ind, project, dept)) for ind in project.indicators]
        checks = (
            ("value", [f for _, f in facts_of if not levels or f["level1"] in levels], params.get("value_message")),
            ("basis", [f for _, f in facts_of], params.get("basis_message")),
        )
        for field_name, rows, message in checks:
            unfilled = {"only_unit", "placeholder"}
            texts = [
                "" if field_name == "value" and unfilled & set(f["problems"]) else norm_text(f[field_name])
                for f in rows
            ]
            if field_name == "basis" and any(map(sources.first_in, texts)):
                continue  # a basis naming a document, plan or contract is a source, not a stock phrase
            names = {f["name_n"] for f in rows}
            if len(rows) < min_rows or len(names) < min_rows or not all(texts) and field_name == "basis":
                continue
            counts: dict[str, int] = {}
            for t in texts:
                if t:
                    counts[t] = counts.get(t, 0) + 1
            if not counts:
                continue
            top, n = max(counts.items(), key=lambda kv: kv[1])
            needed = len(rows) if field_name == "basis" else share * len(rows)
            if n >= needed:
                shown = next(f[field_name] for f in rows if norm_text(f[field_name]) == top)
                facts = project_facts(project, dept)
                facts.update({"hit": shown, "count": n, "rows": len(rows)})
                yield project, None, facts, {"message": message, "field": field_name}
                break


# Each kind's parameters with their defaults (the loader refuses any other; `audit explain` shows them).
PARAMS: dict[str, dict[str, Any]] = {
    "row": {"field": "", "when": {}, "cases": [], "unless": []},
    "dimensions": {"field": "", "required": {}},
    "budget": {"field": "", "scope": "row", "tolerance": 0.005, "min_rows": 2, "when": {}},
    "dup_table": {"field": "", "scope": "department", "threshold": 0.8, "name_similarity": 100},
    "project_text": {
        "field": "goal",
        "placeholders": [],
        "pattern": "$^",
        "skip_without_rows": True,
        "skip_if_all_empty": True,
    },
    "year_copy": {"scope": "cross", "min_rows": 3},
    "boilerplate": {
        "field": "",
        "scope": "project",
        "share": 0.8,
        "min_rows": 3,
        "levels": [],
        "sources": [],
        "value_message": "",
        "basis_message": "",
    },
}
# The keys a case of a ``row`` rule may hold.
CASE_KEYS = ("when", "fire", "message", "suggestion", "severity", "field")

KINDS: dict[str, Callable[..., Iterator[Hit]]] = {
    "row": check_row,
    "dimensions": check_dimensions,
    "budget": check_budget,
    "dup_table": check_dup_table,
    "project_text": check_project_text,
    "boilerplate": check_boilerplate,
}

# Kinds that compare documents with each other: they run once over every document's Tables
# (rules whose params say ``scope: cross``), after the per-document checks.
ACROSS: dict[str, Callable[..., Iterator[tuple[Table, dict, dict]]]] = {
    "dup_table": check_dup_across,
    "year_copy": check_year_copy,  # checks/yearcopy.py
}
