"""audit.toml: which rules run, at what severity, with which thresholds, and accepted exceptions.

The file is found beside the documents (the first folder given, or a file's folder) or named
with ``--config``. Shape::

    [rules]
    disable = ["GENERIC"]              # codes to switch off
    severity = { DESC_DUP = "warning" } # severity overrides
    [rules.params.EXCEEDS_BUDGET]      # per-rule parameter overrides (see rules/*.yaml)
    tolerance = 0.005
    [[exceptions]]                     # a reviewer's accepted exceptions
    project_code = "130300..."
    rule = "COST_DIRECTION"
    reason = "已与部门确认"
    [scoring]                          # overrides of rules/scoring.yaml
    grade = { 优 = 90, 良 = 80, 中 = 60 }
    [review]
    dispositions = "findings.xlsx"     # reviewers' 处理意见 (auditor/dispositions.py), beside this file
"""

from __future__ import annotations

import tomllib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from auditor.errors import ConfigError

CONFIG_NAME = "audit.toml"


@dataclass
class Config:
    raw: dict[str, Any] = field(default_factory=dict)
    source: Path | None = None
    dispositions: dict = field(default_factory=dict)  # finding id -> dispositions.Disposition, once loaded

    def dispositions_path(self) -> Path | None:
        """[review] dispositions, relative to this file's folder."""
        name = self.section("review").get("dispositions")
        if not name:
            return None
        path = Path(str(name))
        return path if path.is_absolute() or self.source is None else self.source.parent / path

    def section(self, name: str) -> dict[str, Any]:
        """A top-level table of the file ({} when absent)."""
        value = self.raw.get(name, {})
        return value if isinstance(value, dict) else {}

    def enabled(self, code: str) -> bool:
        return code not in set(self.section("rules").get("disable", []))

    def severity(self, code: str, default: str) -> str:
        return self.section("rules").get("severity", {}).get(code, default)

    def params(self, code: str, defaults: dict[str, Any] | None = None) -> dict[str, Any]:
        merged = dict(defaults or {})
        merged.update(self.section("rules").get("params", {}).get(code, {}))
        return merged

    def unknown_rules(self, known: Iterable[str]) -> list[str]:
        """Rule codes named in [rules] or [[exceptions]] that the catalog does not have."""
        known = set(known) | {"*"}
        rules = self.section("rules")
        named = list(rules.get("disable", [])) + list(rules.get("severity", {})) + list(rules.get("params", {}))
        named += [str(e.get("rule", "")) for e in self.raw.get("exceptions", []) if isinstance(e, dict)]
        return sorted({code for code in named if code not in known})

    def bad_severities(self) -> list[str]:
        """Severity overrides that are not error|warning|info, as 'CODE=value'."""
        overrides = self.section("rules").get("severity", {})
        return [f"{k}={v}" for k, v in overrides.items() if v not in ("error", "warning", "info")]

    def accepted(self, project_code: str, rule: str) -> bool:
        """True when a reviewer accepted this rule's findings for this project."""
        for entry in self.raw.get("exceptions", []):
            if entry.get("rule") in (rule, "*") and str(entry.get("project_code", "")) == project_code:
                return True
        return False


def find_config(paths: Iterable[str | Path]) -> Path | None:
    for raw in paths:
        path = Path(raw)
        folder = path if path.is_dir() else path.parent
        candidate = folder / CONFIG_NAME
        if candidate.is_file():
            return candidate
    return None


def load_config(config_path: str | Path | None, paths: Iterable[str | Path] = ()) -> Config:
    """Load the named file, or the audit.toml found beside the documents, or defaults."""
    path = Path(config_path) if config_path else find_config(paths)
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"配置文件 {path} 无法读取：{err}") from None
    return Config(raw=raw, source=path)
