"""Excel .xlsx → Blocks: every non-empty row of every visible sheet, in sheet order.

openpyxl reads in read-only mode with cached formula results; only the rows and cells stored
with content are visited (a sheet's used range is never padded out). A sheet is its own table
number and a blank row starts a new one. Merged ranges keep their text in the top-left
cell only (covered cells are empty, as in a PDF export; parse fills 一级/二级 down).
Numbers are rendered as Excel shows them: no spurious ``.0``, percentages as ``98%``,
fixed decimals (``0.00``) kept; dates as ISO dates.
"""

from __future__ import annotations

import datetime as dt
import io
import re

from auditor.model import Block
from auditor.read import limits
from auditor.read.limits import check_cells, check_rows, check_zip, tidy

_DECIMALS = re.compile(r"\.(0+)")


def read(data: bytes, name: str) -> tuple[list[Block], dict]:
    """Blocks of an .xlsx workbook; ``info`` lists the sheet names read."""
    import openpyxl

    check_zip(data, name)
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        blocks: list[Block] = []
        sheets: list[str] = []
        table = 0
        stored = [0]  # cells stored in the sheets read so far (limits.check_cells)
        for sheet in book.worksheets:
            if getattr(sheet, "sheet_state", "visible") != "visible":
                continue
            sheets.append(sheet.title)
            table += 1
            gap = False
            for number, cells in _rows(sheet, name, stored):
                where = f"工作表“{sheet.title}”第{number}行" if number else ""
                table, gap = add_row(blocks, cells, table, gap, where)
                check_rows(len(blocks), name)
    finally:
        book.close()
    return blocks, {"sheets": sheets}


def _rows(sheet, name: str, stored: list[int]):
    """The sheet's stored rows, each trimmed to its cells with content (up to ``MAX_COLUMNS``)
    before it is padded; a run of rows that are missing or empty comes as one empty row (it only
    separates tables). openpyxl's own row iterator pads every missing row up to the last one,
    so one cell at A1048576 would cost a million rows; the file's <dimension> is not trusted.
    Yields (the row number Excel shows, or 0 for such a gap, cells)."""
    from openpyxl.cell.read_only import ReadOnlyCell
    from openpyxl.worksheet._reader import WorkSheetParser

    book = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            sheet._shared_strings,
            data_only=book.data_only,
            epoch=book.epoch,
            date_formats=book._date_formats,
            timedelta_formats=book._timedelta_formats,
        )
        previous = 0
        for index, row in parser.parse():
            stored[0] += len(row) + 1
            check_cells(stored[0], name)
            content = {}
            for cell in row:
                if cell["value"] is not None and cell["column"] <= limits.MAX_COLUMNS:
                    shown = ReadOnlyCell(sheet, **cell)
                    content[cell["column"]] = render(shown.value, shown.number_format)
            if index > previous + 1:
                yield 0, []
            previous = index
            yield index, [content.get(column, "") for column in range(1, max(content, default=0) + 1)]


def add_row(blocks: list[Block], cells: list[str], table: int, gap: bool, where: str = "") -> tuple[int, bool]:
    """Append one sheet row; a blank row makes the next filled row start a new table.

    Returns the (table number, pending gap) to carry to the next row. Shared with xls.
    """
    while cells and not cells[-1]:
        cells.pop()
    if not cells:
        return table, True
    if gap and blocks and blocks[-1].table == table:
        table += 1
    blocks.append(Block(cells, len(blocks) + 1, table, where))
    return table, False


def render(value, number_format: str = "General") -> str:
    """A cell value as the text a reader of the sheet sees."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (int, float)):
        return number(value, number_format or "General")
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0, 0):
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="minutes")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return tidy(str(value))


def number(value: float, number_format: str = "General") -> str:
    """Render a number without float noise, honouring percent and fixed-decimal formats."""
    fmt = number_format.split(";")[0]
    percent = "%" in fmt
    if percent:
        value = value * 100
    match = _DECIMALS.search(fmt) if fmt != "General" else None
    if match and "0" in fmt:
        text = f"{value:.{len(match.group(1))}f}"
    elif float(value).is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = f"{value:.12g}"
        if "e" in text:
            text = f"{value:f}".rstrip("0").rstrip(".")
    return text + ("%" if percent else "")
