"""The rule catalog: rules/*.yaml loaded into Rule objects, and `audit explain` text.

Each YAML file holds one rule (a mapping) or several (a list of mappings) with the keys of
``Rule``. ``kind`` names a checker in auditor/checks/kinds.py; ``params`` are that checker's
settings (audit.toml may override them); ``examples`` holds real seed rows that must fire
(``fire``) and must not (``pass``) — tests/test_rules_catalog.py runs every one.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from auditor.checks.validate import RuleError
from auditor.model import SEVERITY_CN
from auditor.resources import data_dir, read_yaml

SEVERITIES = ("error", "warning", "info")
_CJK = "[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef\u201c\u201d]"
_CJK_GAP = re.compile(rf"(?<={_CJK})\s+(?={_CJK})")


@dataclass(frozen=True)
class Rule:
    code: str
    severity: str
    category: str
    kind: str
    title: str
    message: str = ""
    suggestion: str = ""
    rationale: str = ""
    source: str = ""
    fix: str = ""
    params: dict[str, Any] = field(default_factory=dict)
    examples: dict[str, list] = field(default_factory=dict)
    order: int = 100  # run order: a rule may name earlier ones in ``unless``

    def with_config(self, config) -> Rule:
        """This rule with audit.toml's severity and parameter overrides applied."""
        if config is None:
            return self
        params = config.params(self.code, self.params)
        severity = config.severity(self.code, self.severity)
        return Rule(**{**self.__dict__, "params": params, "severity": severity})


def _from_mapping(data: dict[str, Any], origin: str) -> Rule:
    from auditor.checks import validate

    if not isinstance(data, dict):
        raise RuleError(f"规则文件 {origin}：每条规则应为映射")
    code = data.get("code", "?")
    missing = [k for k in ("code", "severity", "kind", "title") if k not in data]
    if missing:
        raise RuleError(f"规则文件 {origin}：{code}：缺少 {'、'.join(missing)}")
    if data["severity"] not in SEVERITIES:
        raise RuleError(
            f"规则文件 {origin}：{code}.severity：级别只能是 error、warning、info（不是 {data['severity']!r}）"
        )
    known = set(Rule.__dataclass_fields__)
    extra = sorted(set(data) - known)
    if extra:
        raise RuleError(f"规则文件 {origin}：{code}.{extra[0]}：未知的键（可用：{'、'.join(known)}）")
    validate.rule(origin, data)
    data = dict(data)
    for key in ("rationale", "source", "fix", "title", "message", "suggestion"):
        if isinstance(data.get(key), str):  # YAML folding puts a space between Chinese lines
            data[key] = _CJK_GAP.sub("", data[key].strip())
    data.setdefault("category", "")
    data["params"] = dict(data.get("params") or {})
    data["examples"] = dict(data.get("examples") or {})
    return Rule(**data)


def rules_dir():
    """The folder of rule files: $AUDIT_RULES_DIR when set (to try a catalog), else the shipped rules/."""
    from pathlib import Path

    return Path(os.environ["AUDIT_RULES_DIR"]) if os.environ.get("AUDIT_RULES_DIR") else data_dir("rules")


@lru_cache(maxsize=1)
def _load() -> tuple[Rule, ...]:
    from auditor.checks import validate

    rules: list[Rule] = []
    origin: dict[str, str] = {}
    for path in sorted(rules_dir().glob("*.yaml")):
        try:
            loaded = read_yaml(path)
        except Exception as err:  # noqa: BLE001 - a YAML syntax error is the file's fault, said in one line
            raise RuleError(f"规则文件 {path.name}：YAML 无法解析（{' '.join(str(err).split())}）") from None
        for entry in loaded if isinstance(loaded, list) else [loaded]:
            if entry and entry.get("kind") != "scoring":  # rules/scoring.yaml holds the scoring model
                rule = _from_mapping(entry, path.name)
                if rule.code in origin:
                    raise RuleError(f"规则文件 {path.name}：{rule.code}：规则代码已在 {origin[rule.code]} 中定义")
                origin[rule.code] = path.name
                rules.append(rule)
    validate.unless(origin, rules)
    return tuple(sorted(rules, key=lambda r: (r.order, r.code)))


def load_rules() -> list[Rule]:
    """Every rule of the catalog, in run order."""
    return list(_load())


def get_rule(code: str) -> Rule | None:
    return next((r for r in _load() if r.code == code), None)


def _example_text(example: Any) -> str:
    if isinstance(example, dict):
        if "projects" in example or "rows" in example:
            return example.get("note") or "（项目级示例，见规则文件）"
        parts = [example.get(k, "") for k in ("level2", "name", "value")]
        line = " / ".join(p for p in parts if p)
        if example.get("budget") is not None:
            line += f"（预算数 {example['budget']} 万元）"
        if example.get("year"):
            line += f"（预算年度 {example['year']}）"
        return line
    return str(example)


def explain_rule(code: str) -> str | None:
    """Chinese explanation of a rule: title, severity, rationale and source, examples, fix."""
    rule = get_rule(code)
    if rule is None:
        return None
    lines = [
        f"{rule.code}  {rule.title}",
        f"级别：{SEVERITY_CN.get(rule.severity, rule.severity)}（{rule.severity}）    类别：{rule.category}",
        "",
        "依据：" + rule.rationale.strip(),
    ]
    if rule.source:
        lines.append("来源：" + rule.source.strip())
    fire = rule.examples.get("fire") or []
    ok = rule.examples.get("pass") or []
    if fire:
        lines += ["", "问题示例："] + [f"  ✗ {_example_text(e)}" for e in fire[:4]]
    if ok:
        lines += ["", "合格示例："] + [f"  ✓ {_example_text(e)}" for e in ok[:4]]
    if rule.fix:
        lines += ["", "修改建议：" + rule.fix.strip()]
    lines += ["", "参数（可在 audit.toml 的 [rules.params.CODE] 中修改）："] + _param_lines(rule)
    return "\n".join(lines)


def _param_lines(rule: Rule) -> list[str]:
    """Each parameter of the rule's kind: its value here and its default."""
    from auditor.checks.kinds import PARAMS

    out = []
    for key, default in PARAMS.get(rule.kind, {}).items():
        value = rule.params.get(key, default)
        if key == "cases":
            shown = f"{len(value)} 个情形"
        elif key == "when":
            shown = ", ".join(f"{k}: {v}" for k, v in (value or {}).items()) or "（所有行）"
        else:
            shown = str(value) if value not in ("", [], {}) else "（空）"
        note = "" if value == default else f"（默认 {default if default not in ('', [], {}) else '空'}）"
        out.append(f"  {key} = {shown}{note}")
    return out


def explain_facts() -> str:
    """Every fact a rule condition may name, with its one-line doc."""
    from auditor.checks.facts import FACTS

    width = max(len(k) for k in FACTS)
    return "\n".join(f"{name:{width}s}  {doc}" for name, doc in FACTS.items())
