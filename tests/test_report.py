"""Reports: every file is written, document text is escaped, file names are safe, xlsx has its sheets."""

import json
import re

import pytest
from openpyxl import load_workbook

from auditor.model import Department, Finding, Indicator, Project
from auditor.report import write_reports
from auditor.report.html import department_card, group_by_source, index_entry, project_opinion, safe_name
from auditor.report.summary import card_lines
from auditor.report.svg import bar_chart
from auditor.scoring import score_all

HOSTILE = "<script>alert(1)</script>"
SOURCE = "000_8a1b00379ebc752e.txt"


def sample():
    """Two departments from real seed rows; one project name and one indicator carry hostile text."""
    rows = [
        Indicator(
            row=1,
            level1="产出指标",
            level2="数量指标",
            name="系统维护数量",
            description="反映系统维护数量",
            value="1 个",
            basis="合同",
        ),
        Indicator(
            row=2,
            level1="产出指标",
            level2="质量指标",
            name=HOSTILE,
            description="系统故障率=系统出故障时间/总运行时间*100%",
            value="≤3%",
            basis="合同",
        ),
        Indicator(
            row=3,
            level1="效益指标",
            level2="可持续影响指标",
            name="对全市工业经济发展影响",
            description="对全市工业经济发展影响",
            value="长效影响",
            basis="工作计划",
        ),
    ]
    p1 = Project(
        no=1, code="13030024P000006100054", name="电子政务外网服务费" + HOSTILE, budget=165.76, indicators=rows
    )
    p2 = Project(
        no=2, code="13030024P00004410002T", name="工信业务工作经费", budget=40, goal="目标内容 1", indicators=rows[:1]
    )
    d1 = Department(source=SOURCE, code="471", name="秦皇岛市工业和信息化局", year=2024, projects=[p1, p2])
    d2 = Department(source="004_x.txt", code="../306", name="海港区/科技:局*?\x07", year=2025, projects=[])
    findings = [
        Finding(
            source=SOURCE,
            rule="VAGUE",
            severity="warning",
            project_no=1,
            row=3,
            field="value",
            message="指标值“长效影响”没有数字、日期或期限" + HOSTILE,
            suggestion="改为“≥N家”",
        ),
        Finding(
            source=SOURCE,
            rule="DESC_DUP",
            severity="info",
            project_no=1,
            row=3,
            field="description",
            message="绩效指标描述与三级指标一字不差",
            suggestion="写明口径",
        ),
        Finding(
            source=SOURCE,
            rule="GOAL_PLACEHOLDER",
            severity="error",
            project_no=2,
            row=None,
            field="goal",
            message="绩效目标是模板占位文字：目标内容 1\x0b",
            suggestion="写明年度目标",
        ),
    ]
    return [d1, d2], findings


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    out = tmp_path_factory.mktemp("reports")
    departments, findings = sample()
    scores = score_all(departments, findings, None)
    return out, write_reports(departments, findings, scores, out, None), scores


def test_every_output_is_written(written):
    out, paths, _ = written
    names = {p.name for p in paths}
    assert {"index.html", "findings.csv", "findings.xlsx", "scores.json"} <= names
    html = [p for p in paths if p.suffix == ".html" and p.name != "index.html"]
    assert len(html) == 2
    assert all(p.parent == out and p.is_file() for p in paths)
    assert not list(out.glob(".*part*"))  # no temporary files left behind


def test_document_text_is_escaped(written):
    out, paths, _ = written
    for page in (p for p in paths if p.suffix == ".html"):
        text = page.read_text(encoding="utf-8")
        assert HOSTILE not in text
        assert "alert(1)" not in text or "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    card = (out / "471-秦皇岛市工业和信息化局.html").read_text(encoding="utf-8")
    assert card.count("&lt;script&gt;alert(1)&lt;/script&gt;") >= 3  # project name, indicator, message
    assert card.count("<script>") == 1  # only the page's own inline script


def test_pages_are_self_contained(written):
    out, paths, _ = written
    for page in (p for p in paths if p.suffix == ".html"):
        text = page.read_text(encoding="utf-8")
        assert "http://" not in text.replace('xmlns="http://www.w3.org/2000/svg"', "")
        assert "https://" not in text and " src=" not in text
        assert text.count("<link") == text.count('<link rel="icon" href="data:,">')  # no external files
        assert "@page" in text
    for name in ("index.html", "471-秦皇岛市工业和信息化局.html"):
        assert "<svg" in (out / name).read_text(encoding="utf-8")


def test_scorecard_shows_flags_findings_deductions_and_opinion(written):
    out, _, scores = written
    card = (out / "471-秦皇岛市工业和信息化局.html").read_text(encoding="utf-8")
    assert 'class="flag-warning">长效影响<' in card
    assert 'class="flag-info">对全市工业经济发展影响<' in card
    assert "改为“≥N家”" in card and "写明年度目标" in card
    assert re.search(r"VAGUE[^<：]*：1 处（第3行），每处 2 分", card)
    assert "经审核，该项目绩效目标表得分" in card and "予以退回" in card
    assert 'href="index.html"' in card


def test_index_links_every_scorecard_and_offers_filters(written):
    out, paths, _ = written
    index = (out / "index.html").read_text(encoding="utf-8")
    for page in paths:
        if page.suffix == ".html" and page.name != "index.html":
            assert f'href="{page.name}"' in index
    for name in ("grade", "rule", "decision"):
        assert f'data-filter="{name}"' in index
    assert 'data-rule="VAGUE DESC_DUP"' in index or 'data-rule="DESC_DUP VAGUE"' in index


def test_safe_names_stay_inside_the_folder_and_are_unique():
    dept = Department(source="a.txt", code="../306", name="海港区/科技:局*?")
    taken = set()
    first, second = (safe_name(dept.code, dept.name, dept.source, taken) for _ in range(2))
    for name in (first, second):
        assert "/" not in name and "\\" not in name and ":" not in name and not name.startswith(".")
    assert first == "306-海港区_科技_局.html" and second == "306-海港区_科技_局-2.html"
    assert safe_name("", "", "004_fea291bfd100ca97.txt") == "004_fea291bfd100ca97.html"


def test_xlsx_has_findings_and_scores_sheets(written):
    out, _, scores = written
    wb = load_workbook(out / "findings.xlsx")
    assert wb.sheetnames == ["待处理清单", "问题清单", "评分"]
    findings_sheet, scores_sheet = wb["问题清单"], wb["评分"]
    assert findings_sheet.max_row == 1 + 3
    assert scores_sheet.max_row == 1 + len(scores)
    assert findings_sheet.cell(row=1, column=9).value == "规则"
    cells = [c.value for row in findings_sheet.iter_rows(min_row=2) for c in row]
    assert "绩效目标是模板占位文字：目标内容 1" in cells  # control character dropped, text kept


def test_scores_json_and_csv(written):
    out, _, scores = written
    data = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    first = data["departments"][0]
    assert first["department"] == "秦皇岛市工业和信息化局" and first["findings"] == 3
    assert [p["project_no"] for p in first["projects"]] == [1, 2]
    for record in [first, *first["projects"]]:
        assert record["score"] == pytest.approx(100 - sum(d["points"] for d in record["deductions"]))
    csv_text = (out / "findings.csv").read_text(encoding="utf-8-sig")
    assert csv_text.splitlines()[0].startswith("source,project_no,project_code,row,rule,severity")
    assert csv_text.count("GOAL_PLACEHOLDER") == 1


def test_svg_labels_are_escaped():
    chart = str(bar_chart([(HOSTILE, 3)], "问题分布"))
    assert HOSTILE not in chart and "&lt;script&gt;" in chart


def test_opinion_and_summary_are_chinese_sentences():
    departments, findings = sample()
    scores = score_all(departments, findings, None)
    p1 = next(s for s in scores if s.project_no == 1)
    text = project_opinion(p1, [f for f in findings if f.project_no == 1])
    assert text.startswith("经审核") and "（第3行）" in text and "予以通过" in text
    by_f, by_s = group_by_source(findings), group_by_source(scores)
    entries = [index_entry(department_card(d, by_f[d.source], by_s[d.source], "")) for d in departments]
    lines = card_lines([entry.line for entry in entries])
    assert lines[-1].startswith("合计 2 个部门、2 个项目")
    # lowest score first: the table leads with what is to be sent back
    assert "海港区" in lines[1] and "秦皇岛市工业和信息化局" in lines[2]


def test_audit_score_on_the_examples(tmp_path):
    from pathlib import Path

    from click.testing import CliRunner

    from auditor.cli import main

    examples = Path(__file__).resolve().parent.parent / "examples"
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["score", str(examples), "-o", str(out), "-j", "1"])
    assert result.exit_code == 0, result.output
    cards = [p for p in out.glob("*.html") if p.name != "index.html"]
    assert len(cards) == 5 and (out / "index.html").is_file()
    assert {p.name for p in out.iterdir()} >= {"findings.csv", "findings.xlsx", "scores.json"}
    assert "合计 5 个部门" in result.stderr and "打开 index.html" in result.stderr
    data = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert len(data["departments"]) == 5 and all(d["projects"] for d in data["departments"])
    quiet = CliRunner().invoke(main, ["score", str(examples), "-o", str(tmp_path / "q"), "-j", "1", "-q"])
    assert quiet.exit_code == 0 and "合计" not in quiet.stderr
