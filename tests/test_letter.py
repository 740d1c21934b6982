"""The 审核意见书: `audit score` writes one Word letter per department beside its scorecard; each is
opened with python-docx and read back (title, 文号, decision, projects by name, numbered problems
and fixes, deadline, 落款, date, running header, page-number fields, A4)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from docx import Document

import docs
from auditor.cli import main


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("letters")
    docs.education(root / "in")
    docs.health(root / "in")
    (root / "in" / "audit.toml").write_text(
        '[letter]\nissuer = "某市财政局"\nnumber = "某财绩审〔2025〕12号"\ndeadline = "2025年3月31日前"\n'
        'date = "2025年3月10日"\ncontact = "预算绩效科 张三 0335-1234567"\n',
        encoding="utf-8",
    )
    config = ["--config", str(root / "in" / "audit.toml")]
    result = CliRunner().invoke(main, ["score", str(root / "in"), "-o", str(root / "out"), *config])
    assert result.exit_code == 0, result.stderr
    return root / "out"


def text(path: Path) -> list[str]:
    return [p.text for p in Document(str(path)).paragraphs]


def test_one_letter_per_department_beside_its_scorecard(out):
    data = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    letters = sorted(out.glob("*-审核意见书.docx"))
    assert len(letters) == len(data["departments"]) == 2
    for letter in letters:
        assert (out / letter.name.replace("-审核意见书.docx", ".html")).exists()
        paragraphs = text(letter)  # every letter opens with python-docx
        assert paragraphs[0].startswith("关于") and paragraphs[0].endswith("审核意见的函")


def test_the_letter_names_the_projects_with_numbered_problems_and_fixes(out):
    letter = next(out.glob("*教育局-审核意见书.docx"))
    paragraphs = text(letter)
    body = "\n".join(paragraphs)
    assert paragraphs[1] == "某财绩审〔2025〕12号"
    assert paragraphs[3] == "某市教育局："
    assert "审核结论为“退回”" in body and "「学前教育补助资金」1个项目退回" in body
    returned = body.index("需退回重新编制的项目（1个）")
    revise = body.index("需修改完善后通过的项目（2个）")
    assert returned < body.index("学前教育补助资金（") < revise
    assert revise < body.index("校园安全设施维护（") and revise < body.index("教师培训专项经费（")
    first = paragraphs[paragraphs.index(next(p for p in paragraphs if p.startswith("（一）学前教育补助资金"))) + 2]
    assert first.startswith("1. 绩效目标为空或是模板占位文字") and "修改建议：" in first
    numbered = [p for p in paragraphs if re.match(r"\d+\. ", p)]
    assert len(numbered) >= 4 and all("：" in p for p in numbered)
    assert "家庭经济困难学生资助" in body[body.index("予以通过的项目") :]  # the passing project, named
    assert "于2025年3月31日前将修改后的绩效目标表报送" in body
    assert "联系人及电话：预算绩效科 张三 0335-1234567" in body
    assert paragraphs[-2:] == ["某市财政局", "2025年3月10日"]


def test_a_passing_department_gets_no_send_back_sections(out):
    body = "\n".join(text(next(out.glob("*卫生健康委员会-审核意见书.docx"))))
    assert "审核结论为“通过”" in body and "退回重新编制" not in body and "修改完善后通过的项目" not in body


def test_page_setup_header_and_page_numbers(out):
    doc = Document(str(next(out.glob("*教育局-审核意见书.docx"))))
    section = doc.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    assert section.header.paragraphs[0].text == "项目支出绩效目标审核意见书"
    footer = section.footer.paragraphs[0]._p.xml
    assert "PAGE" in footer and "NUMPAGES" in footer and "fldChar" in footer


def test_letters_are_listed_among_the_files_written(out, tmp_path):
    docs.health(tmp_path / "in")
    result = CliRunner().invoke(main, ["score", str(tmp_path / "in"), "-o", str(tmp_path / "out")])
    assert "（6 个文件）" in result.stderr  # index, scorecard, letter, findings.csv/xlsx, scores.json
