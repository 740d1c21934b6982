"""Rule engine: load the rule catalog (rules/*.yaml) and run its checkers over departments.

``run_checks(departments, config)`` analyses any department not yet analysed, runs every rule
in catalog order (a rule may stay quiet where an earlier one fired: ``unless``), applies
audit.toml (disabled rules, severity overrides, parameters, accepted exceptions) and returns
the findings sorted by source, project, row and rule.
"""

from __future__ import annotations

from typing import Any

from auditor.model import Department, Finding


class _Blank(dict):
    def __missing__(self, key: str) -> str:
        return ""


def render(template: str, facts: dict[str, Any]) -> str:
    """Fill a message template; unknown fields become empty, None prints as nothing."""
    values = _Blank({k: ("" if v is None else v) for k, v in facts.items()})
    try:
        return template.format_map(values).strip()
    except (ValueError, IndexError, AttributeError):
        return template


def _analyse(dept: Department) -> None:
    rows = [ind for p in dept.projects for ind in p.indicators]
    if any(ind.parsed is None for ind in rows):
        _analyse_values(dept, rows)
    _classify(rows)


def _analyse_values(dept: Department, rows) -> None:
    try:
        from auditor.analyse import analyse_department
    except ImportError:
        analyse_department = None
    if analyse_department is not None:
        try:
            analyse_department(dept)
        except Exception:  # noqa: BLE001 - NLP features are optional; values are parsed below
            pass
    from auditor.checks.facts import parsed

    for ind in rows:
        parsed(ind)


def _classify(rows) -> None:
    """Fill features level2_pred/level2_proba where the analyse stage did not."""
    missing = [ind for ind in rows if "level2_pred" not in (ind.features or {})]
    if missing:
        try:
            from auditor.classify import predict

            for ind, (label, proba) in zip(missing, predict([(i.name, i.description) for i in missing]), strict=True):
                ind.features["level2_pred"], ind.features["level2_proba"] = label, proba
        except Exception:  # noqa: BLE001 - without scikit-learn the classifier cases stay quiet
            pass


def _validate(config, codes: list[str]) -> None:
    """audit.toml must name real rules and severities (a typo would silently do nothing)."""
    if config is None:
        return
    from auditor.errors import ConfigError

    where = f"配置文件 {config.source}" if config.source else "配置"
    unknown = config.unknown_rules(codes)
    if unknown:
        raise ConfigError(f"{where}中有未知规则代码：{'、'.join(unknown)}（用 audit rules 查看全部）")
    bad = config.bad_severities()
    if bad:
        raise ConfigError(f"{where}中的级别只能是 error、warning、info：{'、'.join(bad)}")


def run_checks(departments: list[Department], config=None) -> list[Finding]:
    """Every finding of every enabled rule, in a stable order."""
    from auditor.checks.catalog import load_rules
    from auditor.checks.kinds import KINDS, Context

    rules = load_rules()
    _validate(config, [r.code for r in rules])
    for dept in departments:
        _analyse(dept)
    ctx = Context(departments)
    findings: list[Finding] = []
    for base in rules:
        rule = base.with_config(config)
        checker = KINDS.get(rule.kind)
        if checker is None:
            raise ValueError(f"rule {rule.code}: unknown checker kind {rule.kind!r}")
        enabled = config is None or config.enabled(rule.code)
        for dept in departments:
            for project, ind, facts, extra in checker(rule, dept, ctx):
                row = ind.row if ind is not None else None
                ctx.mark(dept, project, row, rule.code)
                if not enabled or (config is not None and config.accepted(project.code, rule.code)):
                    continue
                findings.append(
                    Finding(
                        source=dept.source,
                        rule=rule.code,
                        severity=extra.get("severity") or rule.severity,
                        message=render(extra.get("message") or rule.message, facts),
                        project_no=project.no,
                        project_code=project.code,
                        project=project.name,
                        row=row,
                        line=(ind.line if ind is not None else project.line) or 0,
                        suggestion=render(extra.get("suggestion") or rule.suggestion, facts),
                        field=extra.get("field") or rule.params.get("field", ""),
                        department_code=dept.code,
                        department=dept.name,
                        related=extra.get("related", ""),
                    )
                )
    findings.sort(key=lambda f: (f.source, f.project_no or 0, f.row or 0, f.rule))
    return findings
