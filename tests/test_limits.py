"""Every reader limits what it actually reads: each crafted worst case is refused (or read
cheaply) in a fresh process whose CPU time and peak memory (``VmHWM``) are asserted. CPU time,
not wall time: a loaded CI machine stretches the wall clock several times, not the work done.

The files are small or quick to make; where a limit needs a large file to be reached, the
test lowers the limit in the child process instead (the mechanism is the same).
"""

from __future__ import annotations

import io
import json
import struct
import subprocess
import sys
import zipfile
import zlib
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = Path(__file__).resolve().parent.parent / "examples" / "001_ac4016ef80131bfd.txt"

_CHILD = """
import json, sys, time
from pathlib import Path
from auditor.errors import InputError
from auditor.read import limits, read_blocks
for key, value in json.loads(sys.argv[2]).items():
    setattr(limits, key, value)
start = time.process_time()
try:
    blocks, info = read_blocks(Path(sys.argv[1]))
    outcome = "read %d rows, %d in tables" % (len(blocks), sum(b.table is not None for b in blocks))
except InputError as err:
    outcome = err.reason
# VmHWM, not ru_maxrss: Linux carries ru_maxrss over exec, so it would count the test process
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM")) / 1024
print(json.dumps({"outcome": outcome, "seconds": time.process_time() - start, "peak_mb": peak}))
"""

# The readers' libraries alone take about 60-110 MB; every case must stay far below the 1 GiB a
# worker may use (docs/formats.md), and this much above a plain run is plenty.
MEMORY_MB = 350


def measure(path: Path, **limits) -> dict:
    result = subprocess.run(
        [sys.executable, "-c", _CHILD, str(path), json.dumps(limits)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def assert_cheap(found: dict, seconds: float = 5.0) -> None:
    assert found["seconds"] < seconds, found
    assert found["peak_mb"] < MEMORY_MB, found


# --------------------------------------------------------------------------- zip containers


def _deflated_zeros(megabytes: int) -> bytes:
    squeeze = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = b"\0" * (1 << 20)
    return b"".join(squeeze.compress(block) for _ in range(megabytes)) + squeeze.flush()


def test_a_member_that_lies_about_its_size_is_refused_while_inflating(tmp_path):
    """A .docx member declaring 40 KB that inflates to 200 MB: counted, not trusted."""
    source = FIXTURES / "docx" / "001_ac4016ef80131bfd.docx"
    name = "word/media/image1.bin"
    rebuilt = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(rebuilt, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, old.read(item.filename))
    body = rebuilt.getvalue()
    crc = zlib.crc32(b"\0" * 40960)
    bomb = _deflated_zeros(200)
    cut = body.find(b"PK\x01\x02")
    local = struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, 0, 8, 0, 0, crc, len(bomb), 40960, len(name), 0)
    local += name.encode() + bomb
    central = struct.pack(
        "<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, 0, 8, 0, 0, crc, len(bomb), 40960, len(name), 0, 0, 0, 0, 0, cut
    )
    central += name.encode()
    directory = body[cut : body.find(b"PK\x05\x06")]
    end = bytearray(body[body.find(b"PK\x05\x06") :])
    count = struct.unpack("<H", end[10:12])[0] + 1
    end[8:12] = struct.pack("<HH", count, count)
    end[12:20] = struct.pack("<II", len(directory) + len(central), cut + len(local))
    path = tmp_path / "bomb.docx"
    path.write_bytes(body[:cut] + local + directory + central + bytes(end))
    with zipfile.ZipFile(path) as archive:  # the archive itself claims a harmless 40 KB
        assert archive.getinfo(name).file_size == 40960
    found = measure(path)
    assert "压缩炸弹" in found["outcome"] or "实际" in found["outcome"], found
    assert_cheap(found)


def test_a_member_over_the_part_limit_is_refused(tmp_path):
    source = FIXTURES / "xlsx" / "001_ac4016ef80131bfd.xlsx"
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, old.read(item.filename))
        new.writestr("xl/media/filler.xml", (b"<a>" + bytes(range(32, 127)) * 40 + b"</a>\n") * 800)
    path = tmp_path / "big-part.xlsx"
    path.write_bytes(out.getvalue())
    found = measure(path, MAX_PART_BYTES=1 << 20)
    assert "上限" in found["outcome"], found
    assert_cheap(found)


# --------------------------------------------------------------------------- spreadsheets


def test_one_cell_at_the_last_row_costs_nothing(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet["A1"], sheet["B1"] = "一级指标", "二级指标"
    sheet["A1048576"] = "最后一行"
    path = tmp_path / "last-row.xlsx"
    book.save(path)
    assert path.stat().st_size < 10_000
    found = measure(path)
    assert found["outcome"] == "read 2 rows, 2 in tables", found  # read, not refused: two tables of one row
    assert_cheap(found, seconds=3)


def test_a_sheet_with_too_many_stored_cells_is_refused(tmp_path):
    rows = "".join(
        f'<row r="{r}">' + "".join(f'<c r="{col}{r}" s="0"/>' for col in ("A", "B", "C", "D")) + "</row>"
        for r in range(1, 15_001)
    )
    sheet = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        f'spreadsheetml/2006/main"><sheetData>{rows}</sheetData></worksheet>'
    )
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "x"
    plain = tmp_path / "plain.xlsx"
    book.save(plain)
    path = tmp_path / "stored.xlsx"
    with zipfile.ZipFile(plain) as old, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else old.read(item.filename)
            new.writestr(item.filename, data)
    found = measure(path, MAX_CELLS=30_000)
    assert "单元格过多" in found["outcome"], found
    assert_cheap(found, seconds=6)  # most of it openpyxl's own scan for the sheet's <dimension>


# --------------------------------------------------------------------------- text and web pages


def test_a_text_file_of_millions_of_short_rows_is_refused_before_splitting(tmp_path):
    path = tmp_path / "rows.txt"
    path.write_bytes(SEED.read_bytes() + b"1\t2\n" * 6_000_000)  # 24 MB, 6 million rows
    found = measure(path)
    assert "行数过多" in found["outcome"], found
    assert_cheap(found, seconds=3)


def test_a_text_file_of_millions_of_cells_is_refused(tmp_path):
    path = tmp_path / "cells.txt"
    path.write_bytes(SEED.read_bytes() + (b"\t" * 30_000 + b"\n") * 100)  # 3 million cells on 100 lines
    found = measure(path)
    assert "单元格过多" in found["outcome"], found
    assert_cheap(found, seconds=3)


def test_a_web_page_of_millions_of_empty_tags_is_refused_before_parsing(tmp_path):
    path = tmp_path / "tags.html"
    path.write_bytes(b"<html><body><table>" + b"<tr><td></td></tr>" * 1_000_000 + b"</table></body></html>")
    found = measure(path)
    assert "标签过多" in found["outcome"], found
    assert_cheap(found, seconds=3)


# --------------------------------------------------------------------------- PDF


def _pdf(operators: list[bytes], size: float) -> bytes:
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from test_bad_input import minimal_pdf

    text = b"BT /F1 9 Tf 20 20 Td (performance table) Tj ET"
    font = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"
    page = minimal_pdf(b"\n".join([*operators, text]), b"<< /Font << /F1 5 0 R >> >>", [font])
    return page.replace(b"/MediaBox [0 0 200 200]", b"/MediaBox [0 0 %d %d]" % (size, size))


@pytest.mark.parametrize(
    "lines, outcome",
    [
        pytest.param(200, "read 1 rows, 0 in tables", id="a 200x200 ruled grid (250 s of table finding before): text"),
        pytest.param(None, "PDF 第 1 页矢量图形过多", id="19,999 vector lines on one page (6.5 s before): refused"),
    ],
)
def test_a_pdf_page_built_to_stall_reading_is_cut_short(tmp_path, lines, outcome):
    if lines:
        gap, end = 5.0, 5 + 5.0 * (lines - 1)
        ops = [b"5 %.1f m %.1f %.1f l S" % (5 + gap * i, end, 5 + gap * i) for i in range(lines)]
        ops += [b"%.1f 5 m %.1f %.1f l S" % (5 + gap * i, 5 + gap * i, end) for i in range(lines)]
        data = _pdf(ops, end + 10)
    else:
        ops = [b"%d %d m %d %d l S" % (i % 97, i % 89, 200 - i % 83, 200 - i % 79) for i in range(19_999)]
        data = _pdf(ops, 210)
    path = tmp_path / "stall.pdf"
    path.write_bytes(data)
    found = measure(path)
    assert found["outcome"].startswith(outcome), found
    assert_cheap(found, seconds=4)
