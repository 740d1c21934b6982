"""The streaming xlsx writer (report/xlsx.py): what openpyxl reads back is what was written."""

from __future__ import annotations

import zipfile

import pytest
from openpyxl import load_workbook

from auditor.report import xlsx
from auditor.report.xlsx import Sheet, Workbook, column_letter

SHEET = Sheet("问题清单", ["文件", "行", "问题"], [22, 5, 50], {"问题"})


def write(path, rows, sheet=SHEET):
    book = Workbook(path, [sheet])
    book.add(0, [sheet.row(values) for values in rows])
    return book.close()


def values(path, title=None):
    wb = load_workbook(path)
    ws = wb[title] if title else wb.worksheets[0]
    return [[c.value for c in row] for row in ws.iter_rows()]


def test_text_numbers_and_empty_cells_read_back(tmp_path):
    path = write(
        tmp_path / "f.xlsx",
        [["a&b <c>", 3, "  前后空格 \n第二行"], ["=SUM(A1:A2)", 2.5, None], ["", 0, "≥95%"]],
    )
    assert values(path) == [
        ["文件", "行", "问题"],
        ["a&b <c>", 3, "  前后空格 \n第二行"],
        ["=SUM(A1:A2)", 2.5, None],  # document text is never a formula
        [None, 0, "≥95%"],
    ]


def test_control_characters_are_dropped_and_long_text_is_cut(tmp_path):
    path = write(tmp_path / "f.xlsx", [["目标\x00内容\x0b 1", 1, "长" * 40_000]])
    row = values(path)[1]
    assert row[0] == "目标内容 1"
    assert row[2] == "长" * xlsx.MAX_CHARS


def test_layout_header_widths_frozen_row_filter_and_wrap(tmp_path):
    path = write(tmp_path / "f.xlsx", [["a.txt", 1, "问题"], ["b.txt", 2, "问题"]])
    ws = load_workbook(path)["问题清单"]
    assert ws.freeze_panes == "A2"
    assert ws.auto_filter.ref == "A1:C3"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb == "FFDCE6F1"
    assert ws["C2"].alignment.wrap_text and not ws["A2"].alignment.wrap_text
    assert round(ws.column_dimensions["A"].width) == 23


def test_a_full_sheet_continues_on_a_numbered_sheet(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)  # header + 2 rows per sheet
    path = write(tmp_path / "f.xlsx", [[f"{i}.txt", i, "x"] for i in range(5)])
    wb = load_workbook(path)
    assert wb.sheetnames == ["问题清单", "问题清单2", "问题清单3"]
    assert [values(path, t)[1:] for t in wb.sheetnames] == [
        [["0.txt", 0, "x"], ["1.txt", 1, "x"]],
        [["2.txt", 2, "x"], ["3.txt", 3, "x"]],
        [["4.txt", 4, "x"]],
    ]
    assert values(path, "问题清单2")[0] == ["文件", "行", "问题"]


@pytest.mark.parametrize("stream", [0, 1])
def test_rows_numbered_in_advance_fill_the_same_sheets_as_rows_numbered_on_adding(tmp_path, monkeypatch, stream):
    # departments rendered apart (numbered from the rows before them) and put in order, across full sheets
    monkeypatch.setattr(xlsx, "MAX_ROWS", 3)  # header + 2 rows per sheet
    other = Sheet("评分", ["部门", "得分"], [20, 8])
    departments = [[[f"{d}-{i}.txt", i, " 缺少 <时效> 指标 "] for i in range(n)] for d, n in enumerate([3, 0, 1, 2, 1])]
    added, put = (
        Workbook(tmp_path / "a.xlsx", [other, SHEET], stream),
        Workbook(tmp_path / "p.xlsx", [other, SHEET], stream),
    )
    before = 0
    for rows in departments:
        added.add(1, [SHEET.row(values) for values in rows])
        put.put(1, SHEET.numbered(before, rows))
        before += len(rows)
    for book in (added, put):
        book.add(0, [other.row(["农业农村局", 88.5])])
    a, p = added.close(), put.close()
    assert load_workbook(p).sheetnames == ["评分", "问题清单", "问题清单2", "问题清单3", "问题清单4"]
    assert [values(p, t) for t in load_workbook(p).sheetnames] == [values(a, t) for t in load_workbook(a).sheetnames]
    assert [row[0] for row in values(p, "问题清单2")[1:]] == ["0-2.txt", "2-0.txt"]
    assert values(p, "问题清单4")[1:] == [["4-0.txt", 0, " 缺少 <时效> 指标 "]]
    za, zp = zipfile.ZipFile(a), zipfile.ZipFile(p)
    assert [za.read(n) for n in za.namelist()] == [zp.read(n) for n in zp.namelist()]


def test_rows_may_be_added_to_two_sheets_in_turns(tmp_path):
    other = Sheet("评分", ["部门", "得分"], [20, 8])
    book = Workbook(tmp_path / "f.xlsx", [SHEET, other])
    for i in range(3):
        book.add(0, [SHEET.row([f"{i}.txt", i, "x"])])
        book.add(1, [other.row([f"部门{i}", 90 + i])])
    path = book.close()
    assert values(path, "评分")[1:] == [["部门0", 90], ["部门1", 91], ["部门2", 92]]
    assert [r[0] for r in values(path, "问题清单")[1:]] == ["0.txt", "1.txt", "2.txt"]


def test_nothing_is_left_behind_on_abort_and_the_package_is_a_zip(tmp_path):
    book = Workbook(tmp_path / "a.xlsx", [SHEET])
    book.add(0, [SHEET.row(["a", 1, "b"])])
    book.abort()
    assert list(tmp_path.iterdir()) == []
    path = write(tmp_path / "b.xlsx", [["a", 1, "b"]])
    assert [p.name for p in tmp_path.iterdir()] == ["b.xlsx"]
    assert "xl/worksheets/sheet1.xml" in zipfile.ZipFile(path).namelist()


@pytest.mark.parametrize(("index", "letters"), [(0, "A"), (25, "Z"), (26, "AA"), (51, "AZ"), (702, "AAA")])
def test_column_letters(index, letters):
    assert column_letter(index) == letters


@pytest.mark.parametrize("text", ["发现 & <清单>", '项目"名称"', "它's", '"混\'合"', "制表\t换行\n回车\r"])
def test_xml_escaping_is_the_standard_librarys(text):
    from xml.sax.saxutils import escape, quoteattr

    from auditor.safe import xml_attr, xml_text

    assert xml_text(text) == escape(text)
    assert xml_attr(text) == quoteattr(text)
