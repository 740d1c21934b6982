"""Every input file appears in the reports, nothing is invented: unreadable files and files without a
绩效目标表 are listed (not scored), two files of one department are named as such (not a department
copying itself), and findings carry the path relative to the folder given. End to end via `audit score`."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

import docs
from auditor.cli import main

FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    root = tmp_path_factory.mktemp("inputs")
    folder = root / "in"
    docs.education(folder / "教育局")
    docs.health(folder / "卫健委")
    docs.health(folder / "卫健委", "health-重报.txt")  # a resubmission beside the original
    (folder / "readme.txt").write_text(
        "报送说明：本文件夹为2025年部门预算绩效目标表。\n联系人：张三\n", encoding="utf-8"
    )
    shutil.copy(FIXTURES / "bad" / "encrypted.pdf", folder / "加密.pdf")
    result = CliRunner().invoke(main, ["score", str(folder), "-o", str(root / "out")])
    return result, root / "out"


def test_status_and_summary_name_every_unscored_file(run):
    result, _ = run
    assert result.exit_code == 3  # an unreadable input
    assert "加密.pdf" in result.stderr and "readme.txt" in result.stderr
    assert "同一部门的多个文件：某市卫生健康委员会（2025年）" in result.stderr


def test_scores_json_lists_what_was_not_scored(run):
    _, out = run
    data = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert data["files"] == 5
    assert [(x["path"], "加密" in x["reason"]) for x in data["unreadable"]] == [("加密.pdf", True)]
    assert [x["path"] for x in data["no_tables"]] == ["readme.txt"]
    assert {d["source"] for d in data["departments"]} == {"health-重报.txt", "health.txt", "edu.txt"}
    assert "readme.txt" not in {d["source"] for d in data["departments"]}  # never a department scored 0
    assert data["same_department"] == [
        {"department": "某市卫生健康委员会（2025年）", "paths": ["卫健委/health-重报.txt", "卫健委/health.txt"]}
    ]


def test_a_resubmission_is_not_a_department_copying_itself(run):
    _, out = run
    csv_text = (out / "findings.csv").read_text(encoding="utf-8-sig")
    assert "DUP_TABLE_CROSS" not in csv_text


def test_index_lists_unreadable_and_tableless_files(run):
    _, out = run
    html = (out / "index.html").read_text(encoding="utf-8")
    unreadable = html[html.index('id="unreadable"') :]
    assert "加密.pdf" in unreadable[: unreadable.index("</table>")]
    tableless = html[html.index('id="no-tables"') :]
    assert "readme.txt" in tableless[: tableless.index("</table>")]
    same = html[html.index('id="same-department"') :]
    assert "卫健委/health-重报.txt" in same and "卫健委/health.txt" in same
    assert "共 5 个文件：计分 3 个，无法读取 1 个，未发现绩效目标表 1 个" in html


def test_findings_carry_the_path_relative_to_the_folder(run):
    _, out = run
    import csv

    rows = list(csv.DictReader((out / "findings.csv").open(encoding="utf-8-sig")))
    paths = {r["source"]: r["path"] for r in rows}
    assert paths["edu.txt"] == "教育局/edu.txt"
    edu = next(r for r in rows if r["source"] == "edu.txt" and r["row"])
    assert edu["line"] and int(edu["line"]) > 0
