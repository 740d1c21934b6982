"""The send-back worklist and the decisions behind it, end to end through `audit score`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

import docs
from auditor.cli import main


@pytest.fixture(scope="module")
def reports(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("worklist")
    docs.education(root / "in")
    docs.health(root / "in")
    result = CliRunner().invoke(main, ["score", str(root / "in"), "-o", str(root / "out")])
    assert result.exit_code == 0, result.output
    return root / "out"


def scores(out: Path) -> dict:
    data = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    return {d["department"]: d for d in data["departments"]}


def test_a_copied_template_table_does_not_pass_as_excellent(reports):
    edu = {p["project"]: p for p in scores(reports)["某市教育局"]["projects"]}
    for name in ("校园安全设施维护", "教师培训专项经费"):  # the same generic table twice
        p = edu[name]
        assert p["decision"] != "通过" and p["grade"] != "优"
        assert "套用模板" in p["reason"]
        assert any("套用模板" in d["reason"] for d in p["deductions"])
    assert edu["家庭经济困难学生资助"]["decision"] == "通过"


def test_department_decision_follows_its_projects(reports):
    by_name = scores(reports)
    edu, health = by_name["某市教育局"], by_name["某市卫生健康委员会"]
    assert edu["decision"] == "退回" and "学前教育补助资金" in edu["reason"]  # one project returned
    assert health["decision"] == "通过" and "2个项目均通过" in health["reason"]
    for dept in by_name.values():  # every decision carries its reason, so a grade never stands unexplained
        assert dept["reason"] and all(p["reason"] for p in dept["projects"])


def test_index_opens_with_the_worklist_returned_first(reports):
    html = (reports / "index.html").read_text(encoding="utf-8")
    assert html.index('id="worklist"') < html.index('id="departments"') < html.index('id="projects"')
    body = html[html.index('<table id="worklist"') : html.index("</table>", html.index('<table id="worklist"'))]
    rows = re.findall(r'<tr data-grade="[^"]*" data-decision="([^"]*)"', body)
    assert rows == ["退回", "修改后通过", "修改后通过"]
    first = body[body.index('data-decision="退回"') :]
    assert "学前教育补助资金" in first[: first.index("</tr>")]
    assert "GOAL_PLACEHOLDER" in first[: first.index("</tr>")]  # the finding that decides it
    assert "某市教育局" in first[: first.index("</tr>")] and ">500<" in first[: first.index("</tr>")]
    departments = html[html.index('<table id="departments"') :]
    assert departments.index("某市教育局") < departments.index("某市卫生健康委员会")  # worst first


def test_findings_xlsx_has_the_worklist_first_in_chinese(reports):
    wb = load_workbook(reports / "findings.xlsx")
    assert wb.sheetnames[0] == "待处理清单"
    rows = list(wb["待处理清单"].iter_rows(values_only=True))
    header = rows[0]
    assert header[:4] == ("审核结论", "结论理由", "部门编码", "部门")
    col = {name: i for i, name in enumerate(header)}
    decisions = [r[col["审核结论"]] for r in rows[1:]]
    assert decisions == ["退回", "修改后通过", "修改后通过"]
    revise = [r[col["得分"]] for r in rows[1:] if r[col["审核结论"]] == "修改后通过"]
    assert revise == sorted(revise)  # lowest score first
    first = rows[1]
    assert first[col["项目名称"]] == "学前教育补助资金" and first[col["预算数（万元）"]] == 500
    assert first[col["决定结论的问题"]].startswith("1. 错误 GOAL_PLACEHOLDER")
    assert first[col["文件"]].endswith("edu.txt")
    findings = list(wb["问题清单"].iter_rows(values_only=True))
    fcol = {name: i for i, name in enumerate(findings[0])}
    assert {r[fcol["级别"]] for r in findings[1:]} <= {"错误", "警告", "提示"}
    assert "三级指标" in {r[fcol["字段"]] for r in findings[1:]}
    assert not {r[fcol["字段"]] for r in findings[1:]} & {"name", "value", "description", "goal"}


def test_repeated_findings_of_one_rule_are_grouped_on_the_scorecard(reports):
    page = next(reports.glob("*教育局.html")).read_text(encoding="utf-8")
    project = page[page.index('id="project-2"') : page.index('id="project-3"')]  # the copied template
    findings = project[project.index('<table class="findings">') :]
    findings = findings[: findings.index("</table>")]
    assert findings.count("GENERIC") == 1  # one grouped row, not six
    assert "同类问题6处" in findings and 'class="grouped"' in findings
    assert project.count('class="flag-info"') >= 6  # every generic cell still flagged in the table
