"""A streaming xlsx writer: rows rendered as SpreadsheetML text in any process, zipped as they come.

Why not a library: xlsxwriter and openpyxl spend 5–10 µs per cell in Python, which made
findings.xlsx the slowest part of a large run, and both must run in the one process that owns
the file. Here ``Sheet.row`` turns one row of values into its ``<row>`` text (in a worker, in
parallel), or ``Sheet.numbered`` a run of rows already numbered where they will stand and
encoded; ``Workbook.add`` numbers rows (``put``: takes them numbered) and writes them on: the first sheet straight
into the zip (compressed as it comes), the others to spool files on disk. ``close`` adds the
spooled sheets and the rest of the package (workbook, relationships, styles) and moves the zip
in place, so the file appears whole or not at all. Strings are inline strings, never formulas;
numbers are numbers; control characters are dropped; a cell is cut at Excel's 32,767
characters. A sheet that reaches Excel's row limit continues on a new sheet named with a number.
Read back by openpyxl, pandas and LibreOffice (tests/test_xlsx.py checks openpyxl).
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from auditor.report.atomic import publish
from auditor.safe import xml_attr, xml_text

MAX_ROWS = 1_048_576  # Excel's limit per sheet
MAX_CHARS = 32_767  # Excel's limit per cell
ROW_MARK = "\x00"  # where a row's number goes until Workbook.add knows it
STYLE_HEAD, STYLE_WRAP = 1, 2  # cellXfs below: 0 plain, 1 bold on blue (header), 2 wrapped text
_DROP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # not allowed in XML 1.0
_SPECIAL = re.compile("[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")  # anything text() must change

_PRESERVE = ' xml:space="preserve">'
_STRING_CLOSE, _NUMBER_CLOSE = "</t></is></c>", "</v></c>"
_INF = float("inf")

_NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
_STYLES = (
    _HEAD + f"<styleSheet {_NS}>"
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDCE6F1"/><bgColor indexed="64"/></patternFill></fill></fills>'
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" applyAlignment="1">'
    '<alignment vertical="top"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '</cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    "</styleSheet>"
)


def column_letter(index: int) -> str:
    """0 → A, 25 → Z, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text(value: str) -> str:
    """A cell's text as XML: control characters dropped, cut at Excel's limit, escaped."""
    if len(value) > MAX_CHARS:
        value = value[:MAX_CHARS]
    elif _SPECIAL.search(value) is None:
        return value  # most cells: nothing to change
    return xml_text(_DROP.sub("", value)[:MAX_CHARS])


@dataclass
class Sheet:
    """A sheet's layout: title, header, column widths, and which columns wrap their text."""

    title: str
    header: list[str]
    widths: list[float]
    wrapped: set[str] = field(default_factory=set)
    choices: dict[str, tuple[str, ...]] = field(default_factory=dict)  # column label -> a drop-down list

    def validations(self, last_row: int) -> str:
        """The sheet's ``<dataValidations>`` element: a drop-down list per ``choices`` column."""
        items = []
        for label, options in self.choices.items():
            col = column_letter(self.header.index(label))
            items.append(
                f'<dataValidation type="list" allowBlank="1" showErrorMessage="1" sqref="{col}2:{col}{max(last_row, 2)}">'
                f"<formula1>{xml_text(chr(34) + ','.join(options) + chr(34))}</formula1></dataValidation>"
            )
        return f'<dataValidations count="{len(items)}">{"".join(items)}</dataValidations>' if items else ""

    def __post_init__(self):
        styles = [f' s="{STYLE_WRAP}"' if label in self.wrapped else "" for label in self.header]
        # per column: a cell's start up to its row number, and the rest of a string or a number cell's start
        self._cell = [f'<c r="{column_letter(i)}' for i in range(len(self.header))]
        self._string = [f'"{s} t="inlineStr"><is><t' for s in styles]
        self._number = [f'"{s}><v>' for s in styles]

    def row(self, values, number: str = ROW_MARK) -> str:
        """One row of values (str, int, float; None or "" for an empty cell) as a ``<row>`` element
        numbered ``number`` (by default ``ROW_MARK``, for ``Workbook.add`` to fill in)."""
        parts = ['<row r="', number, '">']
        cell, string, numeric = self._cell, self._string, self._number
        special = _SPECIAL.search
        for col, value in enumerate(values):
            kind = value.__class__
            if kind is str:
                if len(value) > MAX_CHARS or special(value) is not None:  # else: the cell's text as it is
                    value = text(value)
                if not value:
                    continue
                # leading or trailing white space is kept only when the cell says so
                parts += (cell[col], number, string[col], ">" if value.strip() == value else _PRESERVE)
                parts += (value, _STRING_CLOSE)
            elif value is None:
                continue
            elif kind is int:
                parts += (cell[col], number, numeric[col], repr(value), _NUMBER_CLOSE)
            elif kind is bool:
                parts += (cell[col], number, numeric[col], str(int(value)), _NUMBER_CLOSE)
            elif isinstance(value, int | float):
                if value != value or value in (_INF, -_INF):
                    continue  # NaN and infinities have no cell
                parts += (cell[col], number, numeric[col], repr(value), _NUMBER_CLOSE)
            elif body := text(str(value)):
                parts += (cell[col], number, string[col], ">", body, _STRING_CLOSE)
        parts.append("</row>")
        return "".join(parts)

    def numbered(self, first: int, rows: Iterable) -> list[tuple[int, int, bytes]]:
        """Rows of values (``row``) that follow the sheet's first ``first`` rows, numbered as they
        will stand, UTF-8: one ``(part, count, text)`` per part of the sheet they fall in (a part
        holds ``MAX_ROWS`` rows, its header among them; part 0 is the sheet itself). For
        ``Workbook.put``: the process that owns the file only writes them on."""
        per = MAX_ROWS - 1
        part, n = divmod(first, per)
        out: list[tuple[int, int, bytes]] = []
        texts: list[str] = []
        for values in rows:
            if n == per:
                out.append((part, len(texts), "".join(texts).encode("utf-8", "replace")))
                part, n, texts = part + 1, 0, []
            n += 1
            texts.append(self.row(values, str(n + 1)))
        if texts:
            out.append((part, len(texts), "".join(texts).encode("utf-8", "replace")))
        return out

    def header_row(self) -> str:
        cells = "".join(
            f'<c r="{column_letter(i)}1" s="{STYLE_HEAD}" t="inlineStr"><is><t>{text(label)}</t></is></c>'
            for i, label in enumerate(self.header)
        )
        return f'<row r="1">{cells}</row>'


class _Part:
    """One worksheet part: its rows so far, written straight into the zip (the first sheet's
    current part) or spooled to a temp file until ``Workbook.close``.

    A streamed part's size is not known when its head is written, so it has no ``dimension``
    element (optional in SpreadsheetML; readers count the rows).
    """

    def __init__(self, book: Workbook, sheet: Sheet, number: int, streamed: bool):
        self.sheet, self.streamed = sheet, streamed
        self.name = sheet.title if number == 1 else f"{sheet.title}{number}"
        self.member = f"xl/worksheets/sheet{len(book.members) + 1}.xml"
        book.members.append(self)
        self.rows = 1
        if streamed:
            self.out = book.zip.open(_member(self.member), "w", force_zip64=True)
            self.write(self.xml_head(selected=number == 1 and sheet is book.sheets[0]))
        else:
            self.path = os.path.join(book.folder, f"{len(book.members)}.xml")
            self.out = open(self.path, "wb")  # noqa: SIM115 - closed in finish
        self.write(sheet.header_row())

    def write(self, text: str) -> None:
        self.out.write(text.encode("utf-8", "replace"))

    def xml_head(self, selected: bool) -> str:
        last = f"{column_letter(len(self.sheet.header) - 1)}{self.rows}"
        cols = "".join(
            f'<col min="{i}" max="{i}" width="{_width(w)}" customWidth="1"/>'
            for i, w in enumerate(self.sheet.widths, 1)
        )
        tab = ' tabSelected="1"' if selected else ""
        return (
            f'{_HEAD}<worksheet {_NS} xmlns:r="{_REL}">'
            + ("" if self.streamed else f'<dimension ref="A1:{last}"/>')
            + f'<sheetViews><sheetView{tab} workbookViewId="0"><pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" '
            'state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
            f'<sheetFormatPr defaultRowHeight="15"/>{f"<cols>{cols}</cols>" if cols else ""}<sheetData>'
        )

    def xml_tail(self) -> str:
        last = f"{column_letter(len(self.sheet.header) - 1)}{self.rows}"
        return (
            f'</sheetData><autoFilter ref="A1:{last}"/>{self.sheet.validations(MAX_ROWS)}'
            '<pageMargins left="0.7" right="0.7" top="0.75" bottom="0.75" header="0.3" footer="0.3"/></worksheet>'
        )

    def filter_range(self) -> str:
        last = f"${column_letter(len(self.sheet.header) - 1)}${self.rows}"
        return f"{_quote_sheet(self.name)}!$A$1:{last}"

    def finish(self, zf: zipfile.ZipFile, selected: bool) -> None:
        """Complete this part's member of the zip (a spooled part is copied in now)."""
        if self.streamed:
            self.write(self.xml_tail())
            self.out.close()
            return
        self.out.close()
        with zf.open(_member(self.member), "w", force_zip64=True) as out:
            out.write(self.xml_head(selected).encode())
            with open(self.path, "rb") as spooled:
                shutil.copyfileobj(spooled, out, 1 << 20)
            out.write(self.xml_tail().encode())


def _member(name: str) -> zipfile.ZipInfo:
    """A zip member with a fixed date, so the same findings give the same file byte for byte."""
    info = zipfile.ZipInfo(name, date_time=(1980, 1, 1, 0, 0, 0))
    info.compress_type = zipfile.ZIP_DEFLATED
    # level 1, as ZipFile(compresslevel=1) gives the members it names itself (public from 3.13)
    setattr(info, "compress_level" if hasattr(info, "compress_level") else "_compresslevel", 1)
    return info


def _width(chars: float) -> float:
    """Excel's stored column width for ``chars`` characters of the default font (what Excel itself writes)."""
    return int((chars * 7 + 5) / 7 * 256) / 256


def _quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"


class Workbook:
    """``add(sheet_no, rows)`` with rows from ``Sheet.row``, then ``close()``; or ``abort()``.

    The zip is written from the start into a temp file next to ``path``: the first sheet (the
    long one) goes straight in, compressed as it comes; the others are spooled and copied in
    at ``close``, which then moves the file in place, whole.
    """

    def __init__(self, path: str | Path, sheets: list[Sheet], stream: int = 0):
        self.path = Path(path)
        self.stream = stream  # the sheet whose rows go straight into the zip (the long one)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.sheets = list(sheets)
        fd, self._tmp = tempfile.mkstemp(prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent)
        os.close(fd)
        self.folder = tempfile.mkdtemp(prefix=".xlsx-", dir=self.path.parent)
        self.zip = zipfile.ZipFile(self._tmp, "w", zipfile.ZIP_DEFLATED, compresslevel=1)
        self.members: list[_Part] = []  # in the order their zip members were opened
        self._parts: list[list[_Part]] = [
            [_Part(self, sheet, 1, streamed=i == stream)] for i, sheet in enumerate(sheets)
        ]

    def add(self, sheet_no: int, rows: list[str]) -> None:
        """Append rendered rows (``Sheet.row`` with ``ROW_MARK``) to sheet ``sheet_no`` (an index into ``sheets``)."""
        parts = self._parts[sheet_no]
        part = parts[-1]
        n = part.rows
        text: list[str] = []  # written at once: one write per department, not one per row
        for row in rows:
            if n >= MAX_ROWS:
                part.write("".join(text))
                text = []
                part.rows = n
                part = self._next_part(sheet_no)
                n = part.rows
            n += 1
            text.append(row.replace(ROW_MARK, str(n)))
        part.write("".join(text))
        part.rows = n

    def put(self, sheet_no: int, rows: list[tuple[int, int, bytes]]) -> None:
        """Append rows already numbered and encoded (``Sheet.numbered``) to sheet ``sheet_no``."""
        parts = self._parts[sheet_no]
        for number, count, data in rows:
            while len(parts) <= number:
                self._next_part(sheet_no)
            part = parts[number]
            part.out.write(data)
            part.rows += count

    def _next_part(self, sheet_no: int) -> _Part:
        """A further part of a full sheet (its streamed predecessor is finished first)."""
        parts = self._parts[sheet_no]
        if parts[-1].streamed:
            parts[-1].finish(self.zip, selected=False)
        parts.append(_Part(self, self.sheets[sheet_no], len(parts) + 1, streamed=parts[-1].streamed))
        return parts[-1]

    def add_sheet(self, sheet: Sheet) -> int:
        """A further (spooled) sheet after the others; returns its number for ``add``."""
        self.sheets.append(sheet)
        self._parts.append([_Part(self, sheet, 1, streamed=False)])
        return len(self.sheets) - 1

    def close(self) -> Path:
        """Finish the package and move it in place; the spool files are removed."""
        try:
            ordered = [part for group in self._parts for part in group]
            self._parts[self.stream][-1].finish(self.zip, selected=False)  # its zip member is still open
            for part in ordered:
                if not part.streamed:  # streamed parts are done
                    part.finish(self.zip, selected=part is ordered[0])
            _write_package(self.zip, ordered)
            self.zip.close()
            publish(self._tmp, self.path)
        except BaseException:
            self.abort()
            raise
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
        return self.path

    def abort(self) -> None:
        for group in self._parts:
            for part in group:
                with contextlib.suppress(Exception):
                    part.out.close()
        with contextlib.suppress(Exception):
            self.zip.close()
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self._tmp)
        shutil.rmtree(self.folder, ignore_errors=True)


def _write_package(zf: zipfile.ZipFile, parts: list[_Part]) -> None:
    """The package's other members: workbook (sheets in order, filter ranges), relationships, styles."""
    sheets = "".join(f'<sheet name={xml_attr(p.name)} sheetId="{i}" r:id="rId{i}"/>' for i, p in enumerate(parts, 1))
    filters = "".join(
        f'<definedName name="_xlnm._FilterDatabase" localSheetId="{i}" hidden="1">{xml_text(p.filter_range())}</definedName>'
        for i, p in enumerate(parts)
    )
    workbook = (
        f'{_HEAD}<workbook {_NS} xmlns:r="{_REL}"><bookViews><workbookView/></bookViews><sheets>{sheets}</sheets>'
        f"<definedNames>{filters}</definedNames></workbook>"
    )
    rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="{p.member[3:]}"/>' for i, p in enumerate(parts, 1)
    )
    rels += f'<Relationship Id="rId{len(parts) + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
    pkg = "http://schemas.openxmlformats.org/package/2006"
    sml = "application/vnd.openxmlformats-officedocument.spreadsheetml"
    overrides = "".join(f'<Override PartName="/{p.member}" ContentType="{sml}.worksheet+xml"/>' for p in parts)
    types = (
        f'{_HEAD}<Types xmlns="{pkg}/content-types">'
        f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/xl/workbook.xml" ContentType="{sml}.sheet.main+xml"/>'
        f'<Override PartName="/xl/styles.xml" ContentType="{sml}.styles+xml"/>{overrides}</Types>'
    )
    root_rels = (
        f'{_HEAD}<Relationships xmlns="{pkg}/relationships">'
        f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    zf.writestr(_member("[Content_Types].xml"), types)
    zf.writestr(_member("_rels/.rels"), root_rels)
    zf.writestr(_member("xl/workbook.xml"), workbook)
    zf.writestr(
        _member("xl/_rels/workbook.xml.rels"),
        f'{_HEAD}<Relationships xmlns="{pkg}/relationships">{rels}</Relationships>',
    )
    zf.writestr(_member("xl/styles.xml"), _STYLES)
