"""The rule catalog: rules/*.yaml loaded into Rule objects, and `audit explain` text.

Each YAML file holds one rule (a mapping) or several (a list of mappings) with the keys of
``Rule``. ``kind`` names a checker in auditor/checks/kinds.py; ``params`` are that checker's
settings (audit.toml may override them); ``examples`` holds real seed rows that must fire
(``fire``) and must not (``pass``) — tests/test_rules_catalog.py runs every one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

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
    missing = [k for k in ("code", "severity", "kind", "title") if k not in data]
    if missing:
        raise ValueError(f"{origin}: rule lacks {', '.join(missing)}")
    if data["severity"] not in SEVERITIES:
        raise ValueError(f"{origin}: unknown severity {data['severity']!r}")
    known = set(Rule.__dataclass_fields__)
    extra = set(data) - known
    if extra:
        raise ValueError(f"{origin}: unknown keys {', '.join(sorted(extra))}")
    data = dict(data)
    for key in ("rationale", "source", "fix", "title", "message", "suggestion"):
        if isinstance(data.get(key), str):  # YAML folding puts a space between Chinese lines
            data[key] = _CJK_GAP.sub("", data[key].strip())
    data.setdefault("category", "")
    data["params"] = dict(data.get("params") or {})
    data["examples"] = dict(data.get("examples") or {})
    return Rule(**data)


@lru_cache(maxsize=1)
def _load() -> tuple[Rule, ...]:
    rules: list[Rule] = []
    for path in sorted(data_dir("rules").glob("*.yaml")):
        loaded = read_yaml(path)
        for entry in loaded if isinstance(loaded, list) else [loaded]:
            if entry and entry.get("kind") != "scoring":  # rules/scoring.yaml holds the scoring model
                rules.append(_from_mapping(entry, path.name))
    codes = [r.code for r in rules]
    dupes = {c for c in codes if codes.count(c) > 1}
    if dupes:
        raise ValueError(f"rule codes defined twice: {', '.join(sorted(dupes))}")
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
    return "\n".join(lines)
