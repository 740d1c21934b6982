"""Rule engine: load the rule catalog (rules/*.yaml) and run its checkers over departments.

``check_document(dept, config)`` runs every per-document rule over an analysed department
(auditor.analyse ran before; a check never re-runs analysis) in catalog order (a rule may stay quiet where an earlier one fired:
``unless``); ``iter_across(tables, config)`` runs the rules that compare documents (``scope:
cross``) once over every document's small ``Table`` records; ``run_checks`` does both for a
list of departments, analysing them first. All apply audit.toml (disabled rules, severity overrides, parameters,
accepted exceptions) and return findings sorted by source, project, row and rule.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from auditor.checks.facts import LATER, LATER_FIELDS
from auditor.model import Department, Finding


class _Fields:
    """The facts as a template sees them: an unknown field is empty, None prints as nothing."""

    __slots__ = ("facts",)

    def __init__(self, facts: dict[str, Any]):
        self.facts = facts

    def __getitem__(self, key: str) -> Any:
        facts = self.facts
        while key not in facts and LATER in facts and key in LATER_FIELDS:
            facts.update(facts.pop(LATER)())  # the suggested fixes (then the object hint): worked out only now
        value = facts.get(key)
        return "" if value is None else value


def render(template: str, facts: dict[str, Any]) -> str:
    """Fill a message template; unknown fields become empty, None prints as nothing."""
    try:
        return template.format_map(_Fields(facts)).strip()
    except (ValueError, IndexError, AttributeError):
        return template


def _validate(config, codes: list[str]) -> None:
    """audit.toml must name real rules and severities (a typo would silently do nothing)."""
    if config is None:
        return
    from auditor.errors import ConfigError

    where = f"配置文件 {config.source}" if config.source else "配置"
    unknown = config.unknown_rules(codes)
    if unknown:
        from auditor.config import did_you_mean

        hint = did_you_mean(unknown[0], codes) or "（用 audit rules 查看全部）"
        raise ConfigError(f"{where}中有未知规则代码：{'、'.join(unknown)}{hint}")
    bad = config.bad_severities()
    if bad:
        raise ConfigError(f"{where}中的级别只能是 error、warning、info：{'、'.join(bad)}")


_applied: tuple[Any, str, list] | None = None  # (config, its fingerprint, its rules): one run uses one config


def _fingerprint(config) -> str:
    """What the applied catalog depends on in ``config``: its audit.toml contents."""
    if config is None:
        return ""
    return json.dumps(config.raw, sort_keys=True, ensure_ascii=False, default=str)


def validate_config(config) -> None:
    """Raise ConfigError now, in the main process, when audit.toml names an unknown rule or severity."""
    from auditor.checks.catalog import load_rules

    _validate(config, [r.code for r in load_rules()])


def _rules(config) -> list:
    """The catalog with audit.toml applied, validated once per config. A worker receives the
    run's config afresh (unpickled) with every document: an equal one reuses the applied catalog,
    so rules are not rebuilt, and the plans compiled for them (kinds._row_plan) not made again
    and kept, for every document."""
    global _applied
    if _applied is not None and _applied[0] is config:
        return _applied[2]
    key = _fingerprint(config)
    if _applied is not None and _applied[1] == key:
        _applied = (config, key, _applied[2])
        return _applied[2]
    from auditor.checks.catalog import load_rules

    rules = load_rules()
    _validate(config, [r.code for r in rules])
    applied = [r.with_config(config) for r in rules]
    _applied = (config, key, applied)
    return applied


def prepare(config=None) -> None:
    """Load the catalog and the classifier now, e.g. before worker processes fork (they inherit them)."""
    _rules(config)
    from auditor.nlp import name_words

    name_words("困难群众救助金发放人数")  # jieba and its part-of-speech tables, loaded once before workers fork
    try:
        from auditor.classify import model

        model()
    except Exception:  # noqa: BLE001 - without scikit-learn or numpy the classifier cases stay quiet
        pass


def is_across(rule) -> bool:
    """A rule that compares documents with each other (run once over all of them)."""
    return rule.params.get("scope") == "cross"


def _keep(rule, project_code: str, config) -> bool:
    enabled = config is None or config.enabled(rule.code)
    return enabled and not (config is not None and config.accepted(project_code, rule.code))


def _finding(
    rule, facts: dict[str, Any], extra: dict[str, Any], source: str, dept_code: str, dept_name: str, project, row, line
) -> Finding:
    """A rule's hit as a Finding; ``project`` is a Project or a dup.Table (both have no, code, name)."""
    return Finding(
        source=source,
        department_code=dept_code,
        department=dept_name,
        project_no=project.no,
        project_code=project.code,
        project=project.name,
        row=row,
        line=line or 0,
        rule=rule.code,
        severity=extra.get("severity") or rule.severity,
        message=render(extra.get("message") or rule.message, facts),
        suggestion=render(extra.get("suggestion") or rule.suggestion, facts),
        field=extra.get("field") or rule.params.get("field", ""),
        related=extra.get("related", ""),
    )


def order(f: Finding) -> tuple:
    """The stable order of findings: document, project, row, rule."""
    return (f.source, f.project_no or 0, f.row or 0, f.rule)


def check_document(dept: Department, config=None) -> list[Finding]:
    """Every finding of the per-document rules on one department, in a stable order."""
    from auditor.analyse import is_analysed
    from auditor.checks.kinds import KINDS, Context, check_rows

    if not is_analysed(dept):
        raise ValueError(f"{dept.source}: check_document needs an analysed department (auditor.analyse)")
    ctx = Context()
    findings: list[Finding] = []
    for group in _groups([rule for rule in _rules(config) if not is_across(rule)]):
        if group[0].kind == "row":  # consecutive row rules: one pass over the rows
            hits = check_rows(group, dept, ctx)
        else:
            checker = KINDS.get(group[0].kind)
            if checker is None:
                raise ValueError(f"rule {group[0].code}: unknown checker kind {group[0].kind!r}")
            hits = ((group[0], hit) for hit in checker(group[0], dept, ctx))
        for rule, (project, ind, facts, extra) in hits:
            row = ind.row if ind is not None else None
            ctx.mark(project, row, rule.code)
            if not _keep(rule, project.code, config):
                continue
            found = _finding(
                rule,
                facts,
                extra,
                dept.source,
                dept.code,
                dept.name,
                project,
                row,
                ind.line if ind is not None else project.line,
            )
            if ind is not None:
                found.where = ind.where  # the place in the document's own terms (page, sheet and row ...)
            findings.append(found)
    findings.sort(key=order)
    return findings


def _groups(rules: list) -> list[list]:
    """The rules in catalog order, each run of consecutive ``row`` rules as one group, every other rule alone."""
    groups: list[list] = []
    for rule in rules:
        if rule.kind == "row" and groups and groups[-1][0].kind == "row":
            groups[-1].append(rule)
        else:
            groups.append([rule])
    return groups


def iter_across(tables, config=None) -> Iterator[tuple[int, list[Finding]]]:
    """Findings of the rules that compare documents, over every document's ``Table`` records.

    ``tables`` (a list, or a ``dup.TableIndex`` already fed them) come grouped by document
    (``Table.doc``), as a run collects them; yields ``(doc, findings)`` for each document with
    findings, in that order, each list in a stable order, so a caller can put them away as they come.
    """
    from auditor.checks.dup import TableIndex
    from auditor.checks.kinds import ACROSS

    rules = [r for r in _rules(config) if is_across(r)]
    if not rules:
        return
    index = tables if isinstance(tables, TableIndex) else TableIndex(tables)
    if index.documents() < 2:
        return
    for rule in rules:
        if rule.kind not in ACROSS:
            raise ValueError(f"rule {rule.code}: kind {rule.kind!r} cannot compare documents")
    for doc, numbers in index.by_document():
        findings: list[Finding] = []
        for rule in rules:
            for table, facts, extra in ACROSS[rule.kind](rule, numbers, index):
                if _keep(rule, table.code, config):
                    findings.append(
                        _finding(
                            rule,
                            facts,
                            extra,
                            table.source,
                            table.department_code,
                            table.department,
                            table,
                            None,
                            table.line,
                        )
                    )
        if findings:
            findings.sort(key=order)
            yield doc, findings


def run_checks(departments: list[Department], config=None) -> list[Finding]:
    """Analyse some departments, then every finding of every enabled rule over them, in a stable order."""
    from auditor.analyse import analyse_department
    from auditor.checks.dup import tables_of

    for dept in departments:
        analyse_department(dept)
    findings = [f for dept in departments for f in check_document(dept, config)]
    tables = [t for doc, d in enumerate(departments) for t in tables_of(d, doc)]
    findings += [f for _, found in iter_across(tables, config) for f in found]
    findings.sort(key=order)
    from auditor.identity import assign

    for dept in departments:
        assign(dept, [f for f in findings if f.source == dept.source])
    return findings
