"""Legacy Excel .xls (BIFF, an OLE2 container) → Blocks via xlrd, laid out as the .xlsx reader does.

Cells are rendered with the sheet's number formats (xlrd ``formatting_info``) through
``xlsx.render``; rows go through ``xlsx.add_row`` so both Excel readers agree. An OLE2
file that holds an encrypted Office document (``EncryptedPackage``) or a password-protected
workbook is refused with a clear reason.
"""

from __future__ import annotations

import io

from auditor.errors import InputError
from auditor.model import Block
from auditor.read import limits
from auditor.read.limits import check_rows
from auditor.read.xlsx import add_row, render

_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def read(data: bytes, name: str) -> tuple[list[Block], dict]:
    """Blocks of an .xls workbook; ``info`` lists the sheet names read."""
    import xlrd

    if _ENCRYPTED_PACKAGE in data:
        raise InputError(name, "文档已加密（设置了打开密码），请去除密码后再提交")
    try:
        # xlrd writes its warnings to stdout unless given a log file: keep them out of the output
        book = xlrd.open_workbook(
            file_contents=data,
            formatting_info=True,
            on_demand=True,
            ragged_rows=True,  # each row as long as its own cells, not the widest row's
            logfile=io.StringIO(),
            verbosity=0,
        )
    except xlrd.XLRDError as err:
        if "encrypt" in str(err).lower():
            raise InputError(name, "Excel 文件已加密（设置了打开密码），请去除密码后再提交") from None
        if "workbook" in str(err).lower() and "ole2" in str(err).lower():
            raise InputError(name, "不是 Excel 工作簿（可能是旧版 Word .doc 或其他 Office 文件）") from None
        raise
    try:
        blocks: list[Block] = []
        sheets: list[str] = []
        table = 0
        for index in range(book.nsheets):
            sheet = book.sheet_by_index(index)
            if getattr(sheet, "visibility", 0):
                continue
            sheets.append(sheet.name)
            table += 1
            gap = False
            for r in range(sheet.nrows):
                cells = [_cell(book, sheet.cell(r, c)) for c in range(min(sheet.row_len(r), limits.MAX_COLUMNS))]
                table, gap = add_row(blocks, cells, table, gap, f"工作表“{sheet.name}”第{r + 1}行")
                check_rows(len(blocks), name)
            book.unload_sheet(index)
    finally:
        book.release_resources()
    return blocks, {"sheets": sheets}


def _cell(book, cell) -> str:
    import xlrd

    kind = cell.ctype
    if kind in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK, xlrd.XL_CELL_ERROR):
        return ""
    if kind == xlrd.XL_CELL_BOOLEAN:
        return render(bool(cell.value))
    if kind == xlrd.XL_CELL_DATE:
        try:
            return render(xlrd.xldate.xldate_as_datetime(cell.value, book.datemode))
        except (ValueError, OverflowError, xlrd.xldate.XLDateError):
            return render(cell.value)
    if kind == xlrd.XL_CELL_NUMBER:
        return render(cell.value, _format(book, cell.xf_index))
    return render(cell.value)


def _format(book, xf_index: int | None) -> str:
    try:
        key = book.xf_list[xf_index].format_key
        return book.format_map[key].format_str or "General"
    except (IndexError, KeyError, TypeError, AttributeError):
        return "General"
