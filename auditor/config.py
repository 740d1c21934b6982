"""audit.toml: which rules run, at what severity, with which thresholds, and accepted exceptions.

The file is named with ``--config`` or is ``audit.toml`` in the working directory — never one
found among the audited documents, which could otherwise switch their own audit off. Shape::

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
    grades = { "优" = 90, "良" = 80, "中" = 60 }  # Chinese keys quoted
    [review]
    dispositions = "findings.xlsx"     # reviewers' 处理意见 (auditor/dispositions.py), beside this file
    [letter]                           # the 审核意见书 (report/letter.py)
    issuer = "某市财政局"              # 落款
    number = "某财绩审〔2025〕号"      # 文号
    deadline = "2025年3月31日前"       # 报送期限

Every section and key is checked (``validate``): an unknown one is a ConfigError naming it, so a
typo never silently does nothing. ``--select`` / ``--ignore`` on the command line narrow the rules
further (``Config.select``, ``Config.ignore``).
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
    select: set[str] | None = None  # --select: only these rule codes run
    ignore: set[str] = field(default_factory=set)  # --ignore: these rule codes do not run

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
        if code in self.ignore or (self.select is not None and code not in self.select):
            return False
        return code not in set(self.section("rules").get("disable", []))

    def exceptions(self) -> list[dict[str, str]]:
        """The accepted exceptions as written: project_code, rule, reason."""
        entries = self.raw.get("exceptions", [])
        return [
            {
                "project_code": str(e.get("project_code", "")),
                "rule": str(e.get("rule", "")),
                "reason": str(e.get("reason", "")),
            }
            for e in entries
            if isinstance(e, dict)
        ]

    def describe(self) -> dict[str, Any]:
        """What the reports say about the configuration in use."""
        rules = self.section("rules")
        return {
            "path": str(self.source) if self.source else "",
            "disabled": sorted(rules.get("disable", [])),
            "severity": dict(rules.get("severity", {})),
            "select": sorted(self.select) if self.select is not None else None,
            "ignore": sorted(self.ignore),
            "scoring": bool(self.section("scoring")),
            "exceptions": self.exceptions(),
        }

    def name(self) -> str:
        """The configuration in one phrase: its file, or the defaults."""
        return str(self.source) if self.source else "默认配置（未找到 audit.toml）"

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


SECTIONS: dict[str, set[str] | None] = {  # top-level tables and their keys (None: checked elsewhere)
    "rules": {"disable", "severity", "params"},
    "exceptions": {"project_code", "rule", "reason"},
    "scoring": None,
    "review": {"dispositions"},
    "letter": {"title", "issuer", "number", "deadline", "date", "contact", "closing"},
}
_OPEN_MAPS = {"rule_points", "rule_cap", "grades", "severity_points", "missing_field_points"}  # keys are data


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """“（是否想用 X？）” for the closest of ``choices``, or ''."""
    import difflib

    close = difflib.get_close_matches(word, list(choices), n=1, cutoff=0.6)
    if not close:
        close = difflib.get_close_matches(word.upper(), [c.upper() for c in choices], n=1, cutoff=0.6)
    return f"（是否想用 {close[0]}？）" if close else ""


def _check_keys(table: dict, allowed: Iterable[str], where: str) -> None:
    allowed = set(allowed)
    for key in table:
        if key not in allowed:
            raise ConfigError(
                f"{where}：未知的键“{key}”{did_you_mean(key, allowed)}（可用：{'、'.join(sorted(allowed))}）"
            )


def _check_scoring(table: dict, defaults: dict, path, section: str) -> None:
    """[scoring] mirrors rules/scoring.yaml: every key must be one of its keys, at every level."""
    _check_keys(table, defaults, f"配置文件 {path} [{section}]")
    for key, value in table.items():
        if isinstance(defaults.get(key), dict) and key not in _OPEN_MAPS:
            if not isinstance(value, dict):
                raise ConfigError(f"配置文件 {path} [{section}]：{key} 应为表（如 [{section}.{key}]），不是 {value!r}")
            _check_scoring(value, defaults[key], path, f"{section}.{key}")


def validate(raw: dict[str, Any], path: Path | str = "audit.toml") -> None:
    """Every section and key of an audit.toml is known; raises ConfigError naming the first that is not."""
    from auditor.resources import data_dir, read_yaml

    _check_keys(raw, SECTIONS, f"配置文件 {path}")
    for name, value in raw.items():
        keys = SECTIONS[name]
        if name == "exceptions":
            if not isinstance(value, list):
                raise ConfigError(f"配置文件 {path}：exceptions 应写成 [[exceptions]] 表数组")
            for n, entry in enumerate(value, 1):
                _check_keys(entry, keys, f"配置文件 {path} 第{n}个 [[exceptions]]")
                if "project_code" not in entry or "rule" not in entry:
                    raise ConfigError(f"配置文件 {path} 第{n}个 [[exceptions]]：需要 project_code 和 rule")
            continue
        if not isinstance(value, dict):
            raise ConfigError(f"配置文件 {path}：[{name}] 应为表，不是 {value!r}")
        if name == "scoring":
            defaults = {k: v for k, v in read_yaml(data_dir("rules") / "scoring.yaml").items() if k != "kind"}
            _check_scoring(value, defaults, path, "scoring")
        else:
            _check_keys(value, keys, f"配置文件 {path} [{name}]")


def find_config() -> Path | None:
    """audit.toml in the working directory, if there is one."""
    candidate = Path.cwd() / CONFIG_NAME
    return candidate if candidate.is_file() else None


def stray_configs(paths: Iterable[str | Path], config: Config) -> list[Path]:
    """audit.toml files beside the audited documents that the run does not use."""
    used = config.source.resolve() if config.source is not None else None
    found = []
    for raw in paths:
        path = Path(raw)
        candidate = (path if path.is_dir() else path.parent) / CONFIG_NAME
        if candidate.is_file() and candidate.resolve() != used and candidate not in found:
            found.append(candidate)
    return found


def load_config(config_path: str | Path | None, paths: Iterable[str | Path] = ()) -> Config:
    """Load the named file, or audit.toml in the working directory, or defaults. ``paths`` (the
    audited documents) is not searched: a folder under audit does not configure its own audit."""
    path = Path(config_path) if config_path else find_config()
    if path is None:
        return Config()
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"配置文件 {path} 无法读取：{err}") from None
    validate(raw, path)
    return Config(raw=raw, source=path)
