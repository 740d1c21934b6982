"""Errors and configuration like a linter, end to end through the CLI: one Chinese line and a
status for every user mistake (2 usage/config, 3 unreadable input, 4 internal), audit.toml checked
key by key, the documented examples parse, --select/--ignore/--statistics, a closing count line."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import docs
from auditor.cli import main
from auditor.config import load_config

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DOC = EXAMPLES / "000_8a1b00379ebc752e.txt"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_error(result, status: int, *words: str) -> str:
    """The result failed with ``status``, one Chinese line on stderr naming ``words``, no traceback."""
    assert result.exit_code == status, (result.exit_code, result.stderr, result.exception)
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, lines
    assert lines[0].startswith(("错误：", "内部错误：")) and re.search("[\u4e00-\u9fff]", lines[0])
    assert "Traceback" not in result.stderr and "Usage:" not in result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "audit.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[scoring\nx = 1\n", ["audit.toml", "无法读取"]),  # not TOML at all
        ("[scoring]\ngrades = { 优 = 92 }\n", ["audit.toml"]),  # the old docs example: unquoted Chinese key
        ("[rule]\ndisable = []\n", ["rule", "是否想用 rules"]),  # unknown section
        ('[rules]\ndisabled = ["VAGUE"]\n', ["disabled", "是否想用 disable"]),  # unknown key
        ("[scoring.decision.pas]\nmin_score = 90\n", ["pas", "是否想用 pass"]),  # unknown nested key
        ('[rules]\ndisable = ["GENRIC"]\n', ["GENRIC", "是否想用 GENERIC"]),  # misspelt rule code
        ('[rules]\nseverity = { VAGUE = "fatal" }\n', ["级别"]),
        ('[[exceptions]]\nproject_code = "1"\nrul = "VAGUE"\n', ["rul", "是否想用 rule"]),
        ('[letter]\nnumbr = "x"\n', ["numbr", "是否想用 number"]),
    ],
)
def test_bad_config_is_one_line_and_status_2(tmp_path, text, words):
    path = config(tmp_path, text)
    one_line_error(run("check", DOC, "--config", path, "-q"), 2, *words)
    one_line_error(run("score", DOC, "--config", path, "-o", tmp_path / "out", "-q"), 2, *words)


def test_usage_mistakes_are_one_chinese_line(tmp_path):
    one_line_error(run("check", DOC, "--select", "VAGEU"), 2, "VAGEU", "是否想用 VAGUE")
    one_line_error(run("score", DOC, "--ignore", "GENRIC", "-o", tmp_path), 2, "GENRIC", "是否想用 GENERIC")
    one_line_error(run("explain", "VAGEU"), 2, "VAGEU", "是否想用 VAGUE")
    one_line_error(run("check", DOC, "--formt", "csv"), 2, "--formt", "--format")
    one_line_error(run("check", tmp_path / "missing.txt"), 2, "missing.txt")
    one_line_error(run("check", DOC, "--format", "xml"), 2, "xml")
    one_line_error(run("chek", DOC), 2, "chek")
    one_line_error(run("extract", DOC, "--format", "xlsx"), 2, "xlsx")


def test_unwritable_output_is_status_2(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    one_line_error(run("score", DOC, "-o", blocker / "reports", "-q"), 2, "file")
    one_line_error(run("check", DOC, "-o", blocker / "f.csv", "--format", "csv", "-q"), 2, "file")


def test_missing_dask_is_status_2(monkeypatch):
    monkeypatch.setitem(sys.modules, "dask.distributed", None)
    monkeypatch.setitem(sys.modules, "dask", None)
    one_line_error(run("check", DOC, "--scheduler", "local", "-q"), 2, "dask")


def test_internal_error_is_status_4_without_traceback(monkeypatch, tmp_path):
    from auditor import batch

    def broken(self, out_dir):
        raise RuntimeError("坏了")

    monkeypatch.setattr(batch.Run, "score", broken)
    monkeypatch.delenv("AUDIT_DEBUG", raising=False)
    one_line_error(run("score", DOC, "-o", tmp_path, "-q"), 4, "RuntimeError", "请报告")


def test_unreadable_input_is_status_3_and_the_others_are_checked(tmp_path):
    docs.health(tmp_path)
    (tmp_path / "scan.pdf").write_bytes(b"%PDF-1.4\n garbage")
    result = run("check", tmp_path, "--fail-on", "never")
    assert result.exit_code == 3 and "scan.pdf" in result.stderr and "Traceback" not in result.stderr


def test_a_real_process_prints_no_traceback(tmp_path):
    path = config(tmp_path, "[scoring.decision.pas]\nmin_score = 90\n")
    done = subprocess.run(
        [sys.executable, "-m", "auditor", "check", str(DOC), "--config", str(path)],
        capture_output=True, text=True, cwd=ROOT,
    )  # fmt: skip
    assert done.returncode == 2 and "Traceback" not in done.stderr and "是否想用 pass" in done.stderr


def test_select_ignore_statistics_and_the_closing_line(tmp_path):
    out = tmp_path / "f.jsonl"
    result = run("check", DOC, "--select", "VAGUE,GENERIC", "--format", "jsonl", "-o", out, "--statistics")
    rules = [json.loads(line)["rule"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert set(rules) == {"VAGUE", "GENERIC"}
    stats = dict(re.findall(r"^\s*(\d+)\s+([A-Z_]+)\s", result.stderr, re.M)[i][::-1] for i in range(2))
    assert {code: int(n) for code, n in stats.items()} == {r: rules.count(r) for r in set(rules)}
    closing = result.stderr.strip().splitlines()[-1]
    assert closing.startswith(f"共发现 {len(rules)} 处问题") and "涉及 1 个文件" in closing
    result = run("check", DOC, "--ignore", "VAGUE", "--ignore", "GENERIC", "--format", "jsonl", "-o", out)
    rules = {json.loads(line)["rule"] for line in out.read_text(encoding="utf-8").splitlines()}
    assert rules and not rules & {"VAGUE", "GENERIC"}


def documented_examples() -> list[tuple[str, str]]:
    """Every ```toml block of the docs and the README, and the example in config.py's docstring."""
    found = []
    for path in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        for n, block in enumerate(re.findall(r"```toml\n(.*?)```", path.read_text(encoding="utf-8"), re.S), 1):
            found.append((f"{path.name}#{n}", block))
    import auditor.config

    doc = auditor.config.__doc__
    block = doc[doc.index("Shape::") + len("Shape::") : doc.index("Every section")]
    found.append(("config.py", "\n".join(line[4:] for line in block.splitlines())))
    return found


@pytest.mark.parametrize(("where", "text"), documented_examples(), ids=lambda x: x if "#" in x or ".py" in x else "")
def test_documented_examples_parse(tmp_path, where, text):
    for code in re.findall(r'project_code = "([^"]*)"', text):  # examples name real-looking codes
        assert code
    cfg = load_config(config(tmp_path, text))
    assert cfg.source is not None
    result = run("check", DOC, "--config", tmp_path / "audit.toml", "-q", "--fail-on", "never")
    assert result.exit_code == 0, (where, result.stderr)


def test_config_in_use_is_named_with_every_exception(tmp_path):
    docs.education(tmp_path / "in")
    config(
        tmp_path / "in",
        '[rules]\ndisable = ["DESC_DUP"]\n[[exceptions]]\nproject_code = "13050025P000002"\n'
        'rule = "GENERIC"\nreason = "校园安全项目统一使用省定指标"\n',
    )
    chosen = tmp_path / "in" / "audit.toml"  # chosen with --config: one among the documents is not read by itself
    result = run("score", tmp_path / "in", "-o", tmp_path / "out", "--config", chosen)
    assert result.exit_code == 0, result.stderr
    assert "audit.toml" in result.stderr and "校园安全项目统一使用省定指标" in result.stderr
    html = (tmp_path / "out" / "index.html").read_text(encoding="utf-8")
    assert "audit.toml" in html and "校园安全项目统一使用省定指标" in html and "DESC_DUP" in html
    data = json.loads((tmp_path / "out" / "scores.json").read_text(encoding="utf-8"))
    assert data["config"]["path"].endswith("audit.toml")
    assert data["config"]["exceptions"] == [
        {"project_code": "13050025P000002", "rule": "GENERIC", "reason": "校园安全项目统一使用省定指标"}
    ]
    result = run("check", tmp_path / "in", "--fail-on", "never", "--config", chosen)
    assert "配置：" in result.stderr.splitlines()[-1] and "audit.toml" in result.stderr.splitlines()[-1]
