"""`audit check`, `audit rules` and `audit explain` end to end on the shipped examples."""

import csv
import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.checks.catalog import load_rules
from auditor.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DOC = EXAMPLES / "000_8a1b00379ebc752e.txt"


def _run(*args):
    return CliRunner().invoke(main, list(args), catch_exceptions=False)


@pytest.fixture
def jsonl(tmp_path):
    out = tmp_path / "f.jsonl"
    result = _run("check", str(DOC), "--format", "jsonl", "-o", str(out), "-q", "--fail-on", "never")
    assert result.exit_code == 0
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]


def test_jsonl_has_output_fields_and_known_defects(jsonl):
    for record in jsonl:
        for key in ("source", "project_no", "project_code", "row", "rule", "severity", "message", "suggestion"):
            assert key in record
    keys = {(r["project_no"], r["row"], r["rule"]) for r in jsonl}
    assert (13, 4, "COST_DIRECTION") in keys  # 年度项目服务费支出限额 1000万元, no cap
    assert (12, 6, "MALFORMED") in keys  # ≥95100
    assert (2, None, "MISSING_DIMENSION") in keys  # no 满意度 row
    cost = next(r for r in jsonl if r["rule"] == "COST_DIRECTION" and r["project_no"] == 13)
    assert cost["suggestion"] == "≤1000万元" and "1000万元" in cost["message"]


def test_findings_are_sorted(jsonl):
    keys = [(r["source"], r["project_no"] or 0, r["row"] or 0, r["rule"]) for r in jsonl]
    assert keys == sorted(keys)


def test_text_output_is_linter_style():
    result = _run("check", str(DOC), "-q", "--fail-on", "never")
    first = result.output.splitlines()[0]
    assert first.startswith("000_8a1b00379ebc752e.txt:")
    assert any("（建议：≤1000万元）" in line and "COST_DIRECTION" in line for line in result.output.splitlines())


def test_csv_output(tmp_path):
    out = tmp_path / "f.csv"
    _run("check", str(DOC), "--format", "csv", "-o", str(out), "-q", "--fail-on", "never")
    rows = list(csv.DictReader(out.open(encoding="utf-8-sig")))
    assert rows and rows[0]["source"] == DOC.name and "message" in rows[0]


@pytest.mark.parametrize(("fail_on", "status"), [("error", 1), ("warning", 1), ("never", 0)])
def test_exit_status_follows_fail_on(fail_on, status):
    assert _run("check", str(DOC), "-q", "--fail-on", fail_on).exit_code == status


def test_only_info_findings_pass_fail_on_error(tmp_path):
    doc = tmp_path / DOC.name
    shutil.copy(DOC, doc)
    disable = [r.code for r in load_rules() if r.severity != "info"]
    (tmp_path / "audit.toml").write_text(f"[rules]\ndisable = {json.dumps(disable)}\n", encoding="utf-8")
    config = str(tmp_path / "audit.toml")  # chosen: a config among the documents is not read by itself
    result = _run("check", str(doc), "-q", "--fail-on", "error", "--config", config)
    assert result.exit_code == 0
    assert "DESC_DUP" in result.output and "COST_DIRECTION" not in result.output
    assert _run("check", str(doc), "-q", "--fail-on", "warning", "--config", config).exit_code == 0


def test_rules_lists_catalog():
    result = _run("rules")
    assert result.exit_code == 0
    for code in ("VAGUE", "COST_DIRECTION", "DUP_TABLE_CROSS", "GOAL_PLACEHOLDER"):
        assert code in result.output


def test_explain_cost_direction():
    result = _run("explain", "cost_direction")
    assert result.exit_code == 0
    assert "101号" in result.output and "≥558.42万元 → ≤558.42万元" in result.output


def test_explain_unknown_code_is_usage_error():
    result = CliRunner().invoke(main, ["explain", "NOPE"])
    assert result.exit_code == 2 and "未知规则代码" in result.output


def test_cross_department_duplicates_name_the_other_document(tmp_path):
    out = tmp_path / "f.jsonl"
    _run("check", str(EXAMPLES), "--format", "jsonl", "-o", str(out), "-q", "--fail-on", "never")
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    sources = {r["source"] for r in records}
    assert len(sources) >= 3
    for r in records:
        if r["rule"] == "DUP_TABLE_CROSS":
            assert r["related"] and not r["related"].startswith(r["source"])
