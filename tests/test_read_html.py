"""The HTML reader: the seeds' gold rows as web pages (UTF-8, GBK) and pipe tables, the table
grid (rowspan/colspan), charsets, header variants and odd markup."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_readers_binary import FIXTURES, gold_scores

from auditor.errors import InputError
from auditor.pipeline import load
from auditor.read import html as html_reader
from auditor.read import limits, read_blocks
from auditor.read.detect import sniff

SEED = "001_ac4016ef80131bfd"


def cells_of(markup: str, name: str = "page.html") -> list[list[str]]:
    return [b.cells for b in html_reader.read(markup.encode("utf-8"), name)[0]]


def save(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


# --------------------------------------------------------------------------- the seeds, rendered


@pytest.mark.parametrize(
    "paths",
    [
        pytest.param(lambda: sorted((FIXTURES / "html").glob("*.html")), id="html-utf8"),
        pytest.param(lambda: sorted((FIXTURES / "html" / "gbk").glob("*.htm")), id="html-gbk"),
        pytest.param(lambda: sorted((FIXTURES / "md").glob("*.md")), id="pipe"),
    ],
)
def test_rendered_seeds_give_every_gold_row(paths):
    found = paths()
    assert len(found) == 5
    assert gold_scores(found) == (1.0, 1.0, 1.0)


def test_fixture_page_reads_title_unit_and_tables_but_not_script_or_hidden_footer():
    blocks, info = read_blocks(FIXTURES / "html" / f"{SEED}.html")
    assert info["format"] == "html" and info["encoding"] == "utf-8"
    paragraphs = [b.cells[0] for b in blocks if b.table is None]
    assert paragraphs[:3] == ["部门项目支出绩效目标表", "首页 > 财政预决算", "部门项目支出绩效目标表"]
    assert "1、2024 年改制企业相关费用绩效目标表" in paragraphs and "单位：万元" in paragraphs
    assert not any("版权所有" in c or "document.write" in c for b in blocks for c in b.cells)
    header = next(b for b in blocks if b.cells[0] == "项目编码")
    assert header.cells == ["项目编码", "13030624P00530210007P", "", "项目名称", "2024 年改制企业相关费用"]
    goal = next(b for b in blocks if b.cells[0] == "绩效目标")
    assert goal.cells[1] == "1.完成2024 年改制企业相关费用相关工作。\n2.按期达到各项指标。"
    indicator = [b.cells for b in blocks if b.table == header.table + 1]
    assert indicator[0][:3] == ["一级指标", "二级指标", "三级指标"]
    assert indicator[1][:3] == ["产出指标", "数量指标", "改制企业家数"]
    assert indicator[2][:3] == ["", "", "改制人员"]  # covered by the rowspans above
    assert blocks[5].line > 1  # source lines, for file:line findings


def test_gbk_fixture_reads_like_the_utf8_one():
    utf8, _ = read_blocks(FIXTURES / "html" / f"{SEED}.html")
    gbk, info = read_blocks(FIXTURES / "html" / "gbk" / f"{SEED}.htm")
    assert (info["declared"], info["encoding"]) == ("gb2312", "gb18030")
    assert [b.cells for b in gbk] == [b.cells for b in utf8]


def test_parsed_fixture_fills_merged_level1_and_level2_down():
    dept = load(FIXTURES / "html" / f"{SEED}.html")
    first = dept.projects[0]
    assert (first.code, first.budget) == ("13030624P00530210007P", 564.0)
    assert all(i.level1 and i.level2 for p in dept.projects for i in p.indicators)


# --------------------------------------------------------------------------- the grid


def test_rowspan_and_colspan_are_laid_out_on_one_grid():
    rows = cells_of(
        """<table>
        <tr><th rowspan="3">A</th><th colspan="2">B</th><th>C</th></tr>
        <tr><td rowspan=2>D</td><td>E</td><td>F</td></tr>
        <tr><td colspan="2">G</td></tr>
        <tr><td>H</td><td>I</td></tr>
        </table>"""
    )
    assert rows == [["A", "B", "", "C"], ["", "D", "E", "F"], ["", "", "G"], ["H", "I"]]


def test_rowspan_zero_runs_to_the_end_and_spans_stop_at_the_table_end():
    rows = cells_of(
        "<table><tr><td rowspan=0>A</td><td>B</td></tr><tr><td>C</td></tr><tr><td>D</td></tr></table>"
        "<table><tr><td rowspan=5>X</td><td>Y</td></tr></table><table><tr><td>Z</td><td>W</td></tr></table>"
    )
    assert rows == [["A", "B"], ["", "C"], ["", "D"], ["X", "Y"], ["Z", "W"]]


def test_hostile_spans_are_capped():
    rows = cells_of(
        '<table><tr><td colspan="99999999999">A</td><td>B</td></tr><tr><td rowspan="2x">C</td></tr></table>'
    )
    assert rows[0] == ["A"]  # the first cell already fills the 256 columns; B falls off
    wide = cells_of(f"<table><tr>{'<td>x</td>' * 1000}</tr></table>")
    assert len(wide[0]) == limits.MAX_COLUMNS
    assert rows[1] == ["C"]
    from lxml import etree

    assert html_reader._span(etree.Element("td", colspan="-3"), "colspan", 256) == 1
    assert html_reader._span(etree.Element("td", rowspan="7 rows"), "rowspan", 5) == 5


def test_cells_keep_line_breaks_paragraphs_and_nbsp_as_spaces():
    rows = cells_of(
        "<table><thead><tr><th>一级&nbsp;指标</th><th>说明</th></tr></thead><tbody>"
        "<tr><td>&nbsp;</td><td><p>第一段</p><p>第二段</p>第三<br/>行</td></tr>"
        "<tr><td>文字\n  跨行\t写</td><td><span>≥</span><b>95</b>%</td></tr></tbody></table>"
    )
    assert rows == [["一级 指标", "说明"], ["", "第一段\n第二段\n第三\n行"], ["文字 跨行 写", "≥95%"]]


def test_nested_table_in_a_cell_is_flattened_and_a_page_frame_is_read_as_body():
    rows = cells_of(
        "<table><tr><td>资金支出计划</td><td><table><tr><td>3月底</td><td>30%</td></tr>"
        "<tr><td>6月底</td><td>60%</td></tr></table></td></tr><tr><td>a</td><td>b</td></tr></table>"
    )
    assert rows == [["资金支出计划", "3月底 30%\n6月底 60%"], ["a", "b"]]
    framed = html_reader.read(
        "<table><tr><td><h3>1、示例绩效目标表</h3><table><tr><td>一级指标</td><td>二级指标</td></tr>"
        "<tr><td>产出指标</td><td>数量指标</td></tr></table></td></tr></table>".encode(),
        "frame.html",
    )[0]
    assert [(b.cells, b.table) for b in framed] == [
        (["1、示例绩效目标表"], None),
        (["一级指标", "二级指标"], 1),
        (["产出指标", "数量指标"], 1),
    ]


def test_script_style_forms_and_hidden_parts_are_ignored_and_caption_is_a_paragraph():
    rows = cells_of(
        "<html><head><title>某市示例局2024年部门预算</title><style>p{}</style></head><body>"
        "<script>alert('<table><tr><td>x</td></tr></table>')</script><noscript>请启用脚本</noscript>"
        "<p hidden>隐藏</p><div style='DISPLAY: none'>也隐藏</div><select><option>选项</option></select>"
        "<table><caption>表1</caption><tr><td>甲</td><td style='display:none'>藏</td><td>乙</td></tr></table>"
        "<!-- <table><tr><td>注释</td></tr></table> -->正文</body></html>"
    )
    assert rows == [["某市示例局2024年部门预算"], ["表1"], ["甲", "乙"], ["正文"]]


def test_paragraph_lines_split_at_br_and_blocks():
    rows = cells_of("<div>秦皇岛市某局<br>单位：万元<br/>预算年度：2024<div>101 某市示例局</div>尾</div>")
    assert rows == [["秦皇岛市某局"], ["单位：万元"], ["预算年度：2024"], ["101 某市示例局"], ["尾"]]


def test_stray_cells_outside_a_row_still_form_a_row():
    assert cells_of("<table><td>a</td><td>b</td></table>") == [["a", "b"]]


# --------------------------------------------------------------------------- charsets


PAGE = """<html><head>{meta}<title>某市示例局2024年部门预算</title></head><body>
<h2>1、示例项目绩效目标表</h2><p>单位：万元</p><p>预算年度：2024</p>
<table><tr><td>项目编码</td><td>13000024P000000000001</td><td>项目名称</td><td>示例项目</td></tr>
<tr><td>预算数</td><td>12.50</td></tr></table>
<table><tr><th>一级指标</th><th>二级指标</th><th>三级指标</th><th>{description}</th><th>{direction}</th>
<th>{value}</th><th>计量单位</th><th>指标值确定依据</th></tr>
<tr><td rowspan="2">产出指标</td><td>数量指标</td><td>检测样品数</td><td>全年检测样品数量</td><td>≥</td>
<td>500</td><td>批次</td><td>工作计划</td></tr>
<tr><td>质量指标</td><td>检测准确率</td><td>检测结果准确的比例</td><td>≥</td><td>95</td><td>%</td><td>行业标准</td></tr>
<tr><td>满意度指标</td><td>服务对象满意度指标</td><td>委托单位满意度</td><td>委托单位满意度调查</td><td>正向</td>
<td>≥90%</td><td>&nbsp;</td><td>问卷</td></tr>
</table></body></html>
"""


def page(meta: str = '<meta charset="utf-8">', **headers: str) -> str:
    spelling = {"description": "指标解释", "direction": "指标方向", "value": "年度指标值"} | headers
    return PAGE.format(meta=meta, **spelling)


EXPECTED = [
    ("产出指标", "数量指标", "检测样品数", "全年检测样品数量", "≥500批次", "工作计划"),
    ("产出指标", "质量指标", "检测准确率", "检测结果准确的比例", "≥95%", "行业标准"),
    ("满意度指标", "服务对象满意度指标", "委托单位满意度", "委托单位满意度调查", "≥90%", "问卷"),
]


def rows_of(dept) -> list[tuple]:
    return [(i.level1, i.level2, i.name, i.description, i.value, i.basis) for p in dept.projects for i in p.indicators]


@pytest.mark.parametrize(
    ("meta", "codec", "used"),
    [
        ('<meta http-equiv="Content-Type" content="text/html; charset=gb2312">', "gbk", "gb18030"),
        ("<meta http-equiv=content-type content='text/html;charset=GBK'>", "gbk", "gb18030"),
        ('<meta charset="gb2312" />', "gb2312", "gb18030"),
        ("<meta charset=GB18030>", "gb18030", "gb18030"),
        ("", "gbk", "gb18030"),  # nothing declared: the text fallbacks
        ('<meta charset="iso-8859-1">', "gbk", "gb18030"),  # a CMS default that cannot be true here
        ('<meta charset="gb2312">', "utf-8", "utf-8"),  # declared GBK but saved as UTF-8
    ],
)
def test_declared_and_undeclared_charsets_decode(tmp_path, meta, codec, used):
    path = save(tmp_path, "page.htm", page(meta).encode(codec))
    blocks, info = read_blocks(path)
    assert info["encoding"] == used
    assert ["1、示例项目绩效目标表"] in [b.cells for b in blocks]
    dept = load(path)
    assert (dept.name, dept.year) == ("某市示例局", 2024)
    assert rows_of(dept) == EXPECTED


def test_big5_page_decodes_as_declared():
    data = '<meta charset="big5"><p>項目支出績效目標表</p>'.encode("big5")
    text, used, declared = html_reader.decode_page(data)
    assert (used, declared) == ("big5hkscs", "big5") and "項目支出績效目標表" in text


def test_bom_and_utf16_pages(tmp_path):
    for data in (b"\xef\xbb\xbf" + page().encode("utf-8"), page().encode("utf-16")):
        assert rows_of(load(save(tmp_path, "bom.html", data))) == EXPECTED


def test_declared_charset_is_found_by_lxml_not_by_pattern():
    assert html_reader.declared_charset(b'<!-- <meta charset="big5"> --><meta charset="gbk">') == "gbk"
    assert html_reader.declared_charset(b'<?xml version="1.0" encoding="GB2312"?><html/>') == "GB2312"
    assert html_reader.declared_charset(b"<p>no meta</p>") == ""


# --------------------------------------------------------------------------- header variants


def test_separate_direction_and_unit_columns_join_into_the_value(tmp_path):
    dept = load(save(tmp_path, "variant.html", page().encode("utf-8")))
    (project,) = dept.projects
    assert (project.code, project.name, project.budget) == ("13000024P000000000001", "示例项目", 12.5)
    assert rows_of(dept) == EXPECTED
    assert (project.indicators[1].direction, project.indicators[1].unit_column) == ("≥", "%")
    assert project.indicators[1].features == {}  # the parser fills fields, analysis the features
    assert project.indicators[2].direction == "正向"  # not a comparator: kept apart


@pytest.mark.parametrize(
    "headers",
    [
        {"value": "指标值（目标值）", "direction": "计算符号"},
        {"value": "指标值(目标值)", "description": "绩效指标描述"},
        {"value": "年度指标值", "description": "指标解释"},
    ],
)
def test_header_spellings(tmp_path, headers):
    assert rows_of(load(save(tmp_path, "spelling.html", page(**headers).encode("utf-8")))) == EXPECTED


# --------------------------------------------------------------------------- detection and bad input


def test_pages_are_recognised_by_content_or_name():
    assert sniff(b"<!DOCTYPE html><p>x</p>", "page.txt") == "html"
    assert sniff(b"<meta charset=gbk><table><tr><td>x</td></tr></table>", "page.htm") == "html"
    assert sniff(page().encode(), "saved.html") == "html"


@pytest.mark.parametrize(
    "data",
    [
        b"<!-- only a comment -->",
        b"<html><body></body></html>",
        b"<" + b"div>" * 100_000 + b"deep",
        b"<table>" * 5000 + b"<tr><td>x",
        b"\x00\x01<html>\xff\xfe\x00garbage",
        b"<table><tr><td rowspan=65534 colspan=256>x</td></tr>" + b"<tr><td>y</td></tr>" * 2000 + b"</table>",
    ],
)
def test_odd_pages_give_blocks_or_input_error(tmp_path, data):
    try:
        blocks, _ = read_blocks(save(tmp_path, "odd.html", data))
    except InputError as err:
        assert err.reason
        return
    assert all(isinstance(c, str) for b in blocks for c in b.cells)


def test_nothing_is_fetched_or_expanded(tmp_path):
    markup = (
        '<!DOCTYPE html SYSTEM "http://127.0.0.1:9/x.dtd"><html><body>'
        '<iframe src="http://127.0.0.1:9/"></iframe><img src="file:///etc/passwd">'
        "<table><tr><td>&lt;script&gt;甲</td></tr></table></body></html>"
    )
    assert cells_of(markup) == [["<script>甲"]]


def test_markdown_fixtures_are_read_as_pipe_tables():
    for path in sorted((FIXTURES / "md").glob("*.md")):
        blocks, info = read_blocks(path)
        assert (info["format"], info["layout"]) == ("text", "pipe")
        assert any(b.cells[:2] == ["", "质量指标"] for b in blocks)  # merged 一级指标 left empty
