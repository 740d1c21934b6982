"""The .docx/.xlsx/.xls/.pdf readers on fixtures rendered from the gold rows (tests/make_fixtures.py).

Reader-level checks need only the readers; the gold comparison at the end also needs the
extractor (auditor.parse) and is skipped until it is there.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from functools import cache
from pathlib import Path

import pytest

from auditor.read import read_blocks
from auditor.read.pdf import unwrap
from auditor.read.xlsx import number, render

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
GOLD = HERE / "data" / "gold_rows.csv"
SEED = "001_ac4016ef80131bfd"
FORMATS = ("docx", "xlsx", "xls", "pdf")


@cache
def blocks_of(fmt: str, stem: str = SEED):
    """A fixture's (Blocks, info), read once per test session; tests must not change them."""
    return read_blocks(FIXTURES / fmt / f"{stem}.{fmt}")


def texts(blocks):
    return [[c for c in b.cells] for b in blocks]


# --------------------------------------------------------------------------- docx


def test_docx_keeps_body_order_paragraphs_then_header_table_then_indicator_table():
    blocks, info = blocks_of("docx")
    assert info["format"] == "docx"
    assert blocks[0].cells == ["部门项目支出绩效目标表"] and blocks[0].table is None
    assert blocks[1].cells == ["1、2024 年改制企业相关费用绩效目标表"] and blocks[1].table is None
    assert blocks[2].cells == ["单位：万元"]
    header, budget = blocks[3], blocks[4]
    # 项目编码 spans two grid columns: its text once, then an empty covered cell
    assert header.cells == ["项目编码", "13030624P00530210007P", "", "项目名称", "2024 年改制企业相关费用"]
    assert budget.cells[:2] == ["预算数", "564.00"]
    indicator_header = blocks[6]
    assert indicator_header.cells[:3] == ["一级指标", "二级指标", "三级指标"]
    assert indicator_header.table != header.table


def test_docx_vertically_merged_cells_are_empty_below_their_first_row():
    blocks, _ = blocks_of("docx")
    rows = [b.cells for b in blocks if b.table == 2]
    assert rows[1][:3] == ["产出指标", "数量指标", "改制企业家数"]
    assert rows[2][:3] == ["", "", "改制人员"]
    assert rows[4][:2] == ["", "质量指标"]


def test_docx_cell_with_several_paragraphs_joins_them_with_newlines():
    blocks, _ = blocks_of("docx")
    goal = next(b for b in blocks if b.cells[0] == "绩效目标")
    assert goal.cells[1] == "1.完成2024 年改制企业相关费用相关工作。\n2.按期达到各项指标。"
    split = [c for b in blocks if b.cells[0] != "绩效目标" for c in b.cells if "\n" in c]
    assert split  # long descriptions are written as two paragraphs by make_fixtures
    descriptions = {_squash(r["description"]) for r in _gold().values()}
    assert all(_squash(c) in descriptions for c in split)


def test_docx_table_continued_after_page_break_is_a_new_table_with_repeated_header():
    blocks, _ = blocks_of("docx")
    repeats = [
        (before, header, after)
        for before, header, after in zip(blocks, blocks[1:], blocks[2:], strict=False)
        if header.cells[:2] == ["一级指标", "二级指标"] and before.table and before.cells[0] != "绩效目标"
    ]
    assert len(repeats) == 1  # make_fixtures splits the longest project's table once
    before, header, after = repeats[0]
    assert header.table == before.table + 1 == after.table
    assert before.cells[2] and after.cells[2]  # indicator rows on both sides of the break


def _docx_bytes(build) -> bytes:
    import io

    import docx

    document = docx.Document()
    build(document)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_layout_frame_table_is_read_as_body(tmp_path):
    def build(document):
        frame = document.add_table(rows=1, cols=1).cell(0, 0)
        frame.paragraphs[0].text = "1、网站运维绩效目标表"
        inner = frame.add_table(rows=2, cols=3)
        for cell, text in zip(inner.rows[0].cells, ["一级指标", "二级指标", "三级指标"], strict=True):
            cell.text = text
        for cell, text in zip(inner.rows[1].cells, ["产出指标", "数量指标", "维护网站数量"], strict=True):
            cell.text = text

    path = tmp_path / "frame.docx"
    path.write_bytes(_docx_bytes(build))
    blocks, _ = read_blocks(path)
    assert [b.cells for b in blocks] == [
        ["1、网站运维绩效目标表"],
        ["一级指标", "二级指标", "三级指标"],
        ["产出指标", "数量指标", "维护网站数量"],
    ]
    assert blocks[0].table is None and blocks[1].table == blocks[2].table == 1


def test_docx_tracked_changes_read_as_accepted_and_row_offsets_kept(tmp_path):
    from docx.oxml import parse_xml

    w = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'

    def build(document):
        paragraph = document.add_paragraph("满意度")
        paragraph._p.append(parse_xml(f'<w:ins {w} w:id="1" w:author="a"><w:r><w:t>≥95%</w:t></w:r></w:ins>'))
        paragraph._p.append(
            parse_xml(f'<w:del {w} w:id="2" w:author="a"><w:r><w:delText>≥90%</w:delText></w:r></w:del>')
        )
        symbol = document.add_paragraph("满意率")
        symbol._p.append(parse_xml(f'<w:r {w}><w:sym w:font="Symbol" w:char="F0B3"/><w:t>90%</w:t></w:r>'))
        table = document.add_table(rows=1, cols=2)
        table.cell(0, 0).text, table.cell(0, 1).text = "二级指标", "三级指标"
        tr_pr = parse_xml(f'<w:trPr {w}><w:gridBefore w:val="1"/></w:trPr>')
        table.rows[0]._tr.insert(0, tr_pr)

    path = tmp_path / "tracked.docx"
    path.write_bytes(_docx_bytes(build))
    blocks, _ = read_blocks(path)
    assert blocks[0].cells == ["满意度≥95%"]
    assert blocks[1].cells == ["满意率≥90%"]  # ≥ inserted as a Symbol-font w:sym
    assert blocks[2].cells == ["", "二级指标", "三级指标"]


def repack(source: Path, target: Path, edit) -> Path:
    """Copy the zip package ``source`` to ``target`` with ``edit(name, body) -> body`` applied to each member."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w") as new:
        for item in old.infolist():
            new.writestr(item.filename, edit(item.filename, old.read(item.filename)))
    return target


def test_docx_with_a_macro_enabled_content_type_is_still_read(tmp_path):
    def macro_enabled(name: str, body: bytes) -> bytes:
        if name != "[Content_Types].xml":
            return body
        return body.replace(
            b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
            b"application/vnd.ms-word.document.macroEnabled.main+xml",
        )

    path = repack(FIXTURES / "docx" / f"{SEED}.docx", tmp_path / "macro.docm", macro_enabled)
    assert texts(read_blocks(path)[0]) == texts(blocks_of("docx")[0])


# --------------------------------------------------------------------------- xlsx / xls


def test_xlsx_reads_every_sheet_and_splits_tables_at_blank_rows():
    blocks, info = blocks_of("xlsx")
    assert info["sheets"] == ["项目绩效目标表1", "项目绩效目标表2"]
    titles = [b for b in blocks if b.cells[0].endswith("绩效目标表")]
    projects = {k[1] for k in _gold() if k[0] == SEED}
    assert len(titles) == len(projects) == 10  # the seed's ten projects, over two sheets
    header = next(b for b in blocks if b.cells[0] == "项目编码")
    indicator_header = next(b for b in blocks if b.cells[0] == "一级指标")
    assert indicator_header.table == header.table + 1


def test_xlsx_numbers_render_as_shown_in_excel():
    blocks, _ = blocks_of("xlsx")
    budget = next(b for b in blocks if b.cells[0] == "预算数")
    assert budget.cells == ["预算数", "564.00", "其中：财政资金", "564.00", "其他资金", "0"]
    values = [b.cells[4] for b in blocks if len(b.cells) > 4 and b.cells[0] != "一级指标"]
    assert "100%" in values or "90%" in values or any(re.fullmatch(r"\d+%", v) for v in values)
    assert not any(v.endswith(".0") for b in blocks for v in b.cells)


def test_xls_gives_the_same_cells_as_the_xlsx_it_was_converted_from():
    assert (FIXTURES / "xls").exists(), "the .xls fixtures are missing: python tests/make_fixtures.py"
    xlsx, _ = blocks_of("xlsx")
    xls, info = blocks_of("xls")
    assert info["format"] == "xls"
    assert texts(xls) == texts(xlsx)


def test_xlsx_with_a_wrong_dimension_record_is_read_whole(tmp_path):
    def wrong_dimension(name: str, body: bytes) -> bytes:
        if not name.startswith("xl/worksheets/"):
            return body
        return re.sub(rb"<dimension [^>]*/>", b'<dimension ref="A1"/>', body)

    path = repack(FIXTURES / "xlsx" / f"{SEED}.xlsx", tmp_path / "dimension.xlsx", wrong_dimension)
    assert texts(read_blocks(path)[0]) == texts(blocks_of("xlsx")[0])


@pytest.mark.parametrize(
    ("value", "fmt", "shown"),
    [
        (3.0, "General", "3"),
        (0.1 + 0.2, "General", "0.3"),
        (165.76, "General", "165.76"),
        (40, "0.00", "40.00"),
        (0.98, "0%", "98%"),
        (0.955, "0.0%", "95.5%"),
        (1234567.0, "#,##0", "1234567"),
    ],
)
def test_number_rendering_has_no_float_noise(value, fmt, shown):
    assert number(value, fmt) == shown


def test_render_dates_and_text():
    assert render(dt.datetime(2024, 12, 31)) == "2024-12-31"
    assert render("  ≥95% \u3000") == "≥95%"
    assert render(None) == ""
    assert render("\uf0b395%") == "≥95%"  # Word's Symbol-font ≥, as PDFs and w:t runs carry it


# --------------------------------------------------------------------------- pdf


@pytest.mark.slow
def test_pdf_reads_ruled_tables_and_text_outside_them_in_page_order():
    blocks, info = blocks_of("pdf")
    assert info["pages"] >= 2
    assert blocks[0].cells == ["部门项目支出绩效目标表"] and blocks[0].table is None
    assert blocks[1].cells == ["1、2024 年改制企业相关费用绩效目标表"]
    assert blocks[2].cells == ["单位：万元"]
    header = blocks[3]
    assert header.cells[0] == "项目编码" and header.cells[1] == "13030624P00530210007P"
    assert ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"] in texts(blocks)


def test_pdf_table_continued_on_next_page_repeats_its_header():
    blocks, _ = blocks_of("pdf")
    headers = [b for b in blocks if b.cells[:2] == ["一级指标", "二级指标"]]
    tables = sorted({b.table for b in blocks if b.table is not None})
    assert len(headers) > 10  # ten projects, plus the repeated header after the page break
    assert len(tables) > 10


def test_pdf_title_wrapped_over_two_lines_is_one_paragraph():
    blocks, _ = blocks_of("pdf", "003_dfde72d2c9d140db")
    titles = [b.cells[0] for b in blocks if b.table is None and "绩效目标" in b.cells[0]]
    assert "3、唐财建【2023】134号2024年县域特色产业群“领跑者”企业培育等项目资金绩效目标表" in titles


@pytest.mark.slow
@pytest.mark.parametrize("turn", [90, 180, 270])
def test_pdf_pages_with_a_rotate_entry_read_like_upright_ones(tmp_path, turn):
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(FIXTURES / "pdf" / f"{SEED}.pdf")
    for index in range(len(document)):
        document[index].set_rotation(turn)  # landscape tables printed on turned pages
    path = tmp_path / f"turned{turn}.pdf"
    document.save(path)
    document.close()
    assert texts(read_blocks(path)[0]) == texts(blocks_of("pdf")[0])


def test_pdf_fake_bold_text_drawn_twice_is_read_once(tmp_path):
    from test_bad_input import minimal_pdf

    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    twice = b"BT /F1 12 Tf 20 100 Td (Budget table) Tj ET BT /F1 12 Tf 20.3 100 Td (Budget table) Tj ET"
    path = tmp_path / "bold.pdf"
    path.write_bytes(minimal_pdf(twice, b"<< /Font << /F1 5 0 R >> >>", [font]))
    blocks, _ = read_blocks(path)
    assert [b.cells for b in blocks] == [["Budget table"]]


def test_pdf_right_aligned_line_does_not_swallow_the_next_paragraph(tmp_path):
    from test_bad_input import minimal_pdf

    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>"
    text = b"BT /F1 10 Tf 20 150 Td (" + b"A" * 28 + b") Tj ET"  # sets the right edge (x1 = 188)
    text += b" BT /F1 10 Tf 158 138 Td (Unit:) Tj ET"  # right-aligned, ends at the edge
    text += b" BT /F1 10 Tf 20 126 Td (Code) Tj ET"  # the next paragraph, right below
    path = tmp_path / "aligned.pdf"
    path.write_bytes(minimal_pdf(text, b"<< /Font << /F1 5 0 R >> >>", [font]))
    blocks, _ = read_blocks(path)
    assert [b.cells for b in blocks] == [["A" * 28], ["Unit:"], ["Code"]]


@pytest.mark.parametrize(
    ("wrapped", "joined"),
    [
        ("绩效指标描\n述", "绩效指标描述"),
        ("13030624P005302100\n07P", "13030624P00530210007P"),
        ("1.完成工作。\n2.达到指标。", "1.完成工作。\n2.达到指标。"),
        ("目标如下\n（1）完成", "目标如下\n（1）完成"),
        ("data\nbase", "data base"),
        (None, ""),
    ],
)
def test_unwrap_joins_layout_wraps_but_keeps_real_breaks(wrapped, joined):
    assert unwrap(wrapped) == joined


# --------------------------------------------------------------------------- same rows as gold


def _gold() -> dict[tuple[str, int, int], dict]:
    with open(GOLD, newline="", encoding="utf-8-sig") as handle:
        return {(Path(r["source"]).stem, int(r["project_no"]), int(r["row"])): r for r in csv.DictReader(handle)}


def _squash(text) -> str:
    return re.sub(r"\s+", "", text or "")


def gold_scores(paths) -> tuple[float, float, float]:
    """(row recall, row precision, exact rows) of the documents at ``paths`` against the gold rows,
    matched by (seed stem, project number, row) as eval_rows.py does; exact rows also need the budget."""
    from auditor.pipeline import load

    gold = _gold()
    got = {}
    for path in paths:
        dept = load(path)
        for project in dept.projects:
            for ind in project.indicators:
                got[(path.stem, project.no, ind.row)] = (project, ind)
    matched = [k for k in gold if k in got]
    fields = ("level1", "level2", "name", "description", "value", "basis")
    exact = sum(
        all(_squash(gold[k][f]) == _squash(getattr(got[k][1], f)) for f in fields)
        and abs(float(gold[k]["budget"]) - (got[k][0].budget or 0)) < 0.005
        for k in matched
    )
    return len(matched) / len(gold), len(matched) / max(len(got), 1), exact / len(gold)


@pytest.mark.parametrize("fmt", [pytest.param(f, marks=pytest.mark.slow) if f == "pdf" else f for f in FORMATS])
def test_fixtures_give_the_gold_rows(fmt):
    folder = FIXTURES / fmt
    assert folder.exists(), f"the {fmt} fixtures are missing: python tests/make_fixtures.py"
    recall, precision, exact = gold_scores(sorted(folder.glob(f"*.{fmt}")))
    assert recall >= 0.99
    assert precision >= 0.99
    assert exact >= 0.97


def test_pdf_row_whose_level2_wraps_over_the_page_break_stays_one_row():
    from auditor.model import Block
    from auditor.parse import parse_blocks

    header = ["一级指标", "二级指标", "三级指标", "绩效指标描述", "指标值", "指标值确定依据"]
    blocks = [
        Block(["1、网络系统安全防护服务绩效目标表"], 1, None),
        Block(["项目编码", "13031124P000830", "项目名称", "网络系统安全防护服务"], 2, 1),
        Block(header, 3, 1),
        Block(
            ["效益指标", "社会效益指标", "网络安全保障", "保障机关工作网络运行稳定", "比上年稳定", "年度工作计划"], 4, 1
        ),
        Block(["满意度指标", "服务对象满", "机关网络使", "调查中满意", "≥95%", "合同约定及"], 5, 1),
        Block(["", "意度指标", "用者满意度", "人数占调查总人数比例", "", "年度工作计划"], 6, 2),
    ]
    (project,) = parse_blocks(blocks, source="split.pdf").projects
    assert len(project.indicators) == 2
    last = project.indicators[-1]
    assert (last.level2, last.name, last.description, last.value, last.basis) == (
        "服务对象满意度指标",
        "机关网络使用者满意度",
        "调查中满意人数占调查总人数比例",
        "≥95%",
        "合同约定及年度工作计划",
    )
