"""Bad input never stops a batch: each broken file gets one Chinese reason naming it.

Reader-level cases call ``read_blocks``; the end-to-end case runs ``python -m auditor extract``
on a folder mixing good documents (docx, xlsx, pdf, GBK text) with broken ones.
"""

from __future__ import annotations

import csv
import io
import os
import random
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

import auditor.read as read_package
from auditor.errors import InputError
from auditor.read import limits, read_blocks

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
FIXTURES = HERE / "fixtures"
DOCX = FIXTURES / "docx" / "001_ac4016ef80131bfd.docx"
XLSX = FIXTURES / "xlsx" / "002_9f400b94fd3b1d9f.xlsx"
PDF = FIXTURES / "pdf" / "003_dfde72d2c9d140db.pdf"


def reason_for(path: Path) -> str:
    with pytest.raises(InputError) as caught:
        read_blocks(path)
    assert caught.value.path == path.name
    assert str(caught.value).startswith(path.name + ": ")
    return caught.value.reason


def audit(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line (``python -m auditor``) in a fresh process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "auditor", *args]
    return subprocess.run(command, capture_output=True, text=True, env=env, cwd=cwd, timeout=300)


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def minimal_pdf(content: bytes, resources: bytes = b"<< >>", extra: list[bytes] | None = None) -> bytes:
    """A small valid PDF: one page drawing ``content``; ``extra`` objects are numbered from 5."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /Contents 4 0 R /Resources " + resources + b" >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        *(extra or []),
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref))
    return out.getvalue()


def scanned_pdf() -> bytes:
    """A page that only paints an image (what a scanner produces): no text layer."""
    pixels = bytes(range(256)) * 4
    image = b"<< /Type /XObject /Subtype /Image /Width 32 /Height 32 /ColorSpace /DeviceGray "
    image += b"/BitsPerComponent 8 /Length %d >>\nstream\n" % len(pixels) + pixels + b"\nendstream"
    return minimal_pdf(b"q 200 0 0 200 0 0 cm /Im1 Do Q", b"<< /XObject << /Im1 5 0 R >> >>", [image])


def rezip(source: Path, replace: dict[str, bytes]) -> bytes:
    """``source`` (a docx/xlsx) with some members replaced."""
    out = io.BytesIO()
    with zipfile.ZipFile(source) as old, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as new:
        for item in old.infolist():
            new.writestr(item.filename, replace.get(item.filename, old.read(item.filename)))
    return out.getvalue()


# --------------------------------------------------------------------------- one file


def test_empty_and_blank_files(tmp_path):
    assert reason_for(write(tmp_path, "空.docx", b"")) == "文件为空"
    assert reason_for(write(tmp_path, "blank.txt", b" \n\r\n")) == "文件为空"


def test_random_bytes(tmp_path):
    noise = random.Random(5).randbytes(4096)
    assert "无法识别" in reason_for(write(tmp_path, "noise.bin", noise))
    assert reason_for(write(tmp_path, "noise.pdf", b"%PDF-1.7\n" + noise)).startswith("PDF 文件已损坏")


@pytest.mark.parametrize("source", [DOCX, XLSX], ids=["docx", "xlsx"])
def test_truncated_zip_container(tmp_path, source):
    data = source.read_bytes()
    assert "损坏" in reason_for(write(tmp_path, source.name, data[: len(data) // 2]))


def test_zip_bomb_is_refused_before_unpacking(tmp_path):
    bomb = rezip(DOCX, {"word/document.xml": b"<" + b"\0" * (limits.RATIO_FLOOR_BYTES + 1024)})
    assert len(bomb) < 200_000
    reason = reason_for(write(tmp_path, "bomb.docx", bomb))
    assert "压缩炸弹" in reason and "word/document.xml" in reason


def test_total_unzipped_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(limits, "MAX_UNZIPPED_BYTES", 10_000)
    reason = reason_for(write(tmp_path, "big.xlsx", XLSX.read_bytes()))
    assert "解压后内容过大" in reason


@pytest.mark.parametrize(
    ("source", "member"), [(DOCX, "word/document.xml"), (XLSX, "xl/worksheets/sheet1.xml")], ids=["docx", "xlsx"]
)
def test_xml_entity_bomb_is_not_expanded(tmp_path, source, member):
    """A "billion laughs" DTD inside the package: refused or left unexpanded, never blown up."""
    laughs = b'<!DOCTYPE x [<!ENTITY l0 "lollollollollollollollollollol">'
    laughs += b"".join(b'<!ENTITY l%d "%s">' % (i, b"&l%d;" % (i - 1) * 10) for i in range(1, 10)) + b"]>"
    with zipfile.ZipFile(source) as archive:
        body = archive.read(member)
    body = body.replace(b"?>", b"?>" + laughs, 1).replace(b"</w:t>", b"&l9;</w:t>", 1).replace(b"</t>", b"&l9;</t>", 1)
    path = write(tmp_path, "laughs" + source.suffix, rezip(source, {member: body}))
    try:
        blocks, _ = read_blocks(path)
    except InputError:
        return
    assert max(len(cell) for block in blocks for cell in block.cells) < 10_000


def test_oversize_file_is_refused_without_reading_it(tmp_path, monkeypatch):
    monkeypatch.setattr(read_package, "MAX_INPUT_BYTES", 1000)
    assert reason_for(write(tmp_path, "huge.docx", DOCX.read_bytes())).startswith("文件过大")


def test_encrypted_pdf():
    assert reason_for(FIXTURES / "bad" / "encrypted.pdf").startswith("PDF 已加密")


def test_encrypted_office_document(tmp_path):
    # Word/Excel with an open password are OLE2 containers holding an "EncryptedPackage" stream
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512
    assert "已加密" in reason_for(write(tmp_path, "locked.docx", ole))


def test_zip_with_encrypted_members(tmp_path):
    data = bytearray(DOCX.read_bytes())
    for signature, offset in ((b"PK\x03\x04", 6), (b"PK\x01\x02", 8)):  # local and central headers
        at = data.find(signature)
        while at != -1:
            data[at + offset] |= 0x1  # the "encrypted" general-purpose flag
            at = data.find(signature, at + 4)
    assert "已加密" in reason_for(write(tmp_path, "zipcrypto.docx", bytes(data)))


def test_scanned_pdf_without_text_layer(tmp_path):
    reason = reason_for(write(tmp_path, "scan.pdf", scanned_pdf()))
    assert reason.startswith("扫描件无文字层，不支持 OCR")


def test_pdf_with_nothing_on_it(tmp_path):
    assert "没有可提取的文字" in reason_for(write(tmp_path, "blank.pdf", minimal_pdf(b"")))


def test_pdf_page_limit(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PAGES", 2)
    assert "页数过多" in reason_for(PDF)


def test_pdf_page_crowded_with_graphics_is_read_as_text_only(monkeypatch):
    monkeypatch.setattr(limits, "MAX_PAGE_GRAPHICS", 5)
    blocks, _ = read_blocks(PDF)
    assert blocks and all(block.table is None for block in blocks)
    assert any("绩效目标表" in block.cells[0] for block in blocks)


def test_cells_far_to_the_right_are_not_read(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    book.active["A1"] = "一级指标"
    book.active["XFD1"] = "far away"  # the last column Excel has
    path = tmp_path / "wide.xlsx"
    book.save(path)
    blocks, _ = read_blocks(path)
    assert blocks[0].cells == ["一级指标"]


def test_legacy_word_doc_is_named(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 1024
    assert ".doc" in reason_for(write(tmp_path, "旧文件.doc", ole))


def test_document_without_any_performance_table_warns(tmp_path):
    import docx

    from auditor.pipeline import load

    document = docx.Document()
    document.add_paragraph("部门预算信息公开情况说明")
    table = document.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "项目", "预算数"
    table.cell(1, 0).text, table.cell(1, 1).text = "一般公共预算拨款收入", "3769.83"
    path = tmp_path / "说明.docx"
    document.save(path)
    dept = load(path)
    assert dept.projects == []
    assert any("未找到项目支出绩效目标表" in w for w in dept.warnings)


# --------------------------------------------------------------------------- a whole batch


def mixed_folder(tmp_path: Path) -> tuple[Path, dict, dict]:
    """A folder of good documents (docx, xlsx, pdf, GBK text) and broken ones: (folder, good, broken)."""
    folder = tmp_path / "dept"
    folder.mkdir()
    good = {DOCX.name: DOCX.read_bytes(), XLSX.name: XLSX.read_bytes(), PDF.name: PDF.read_bytes()}
    examples = ROOT / "examples" / "004_fea291bfd100ca97.txt"
    if examples.exists():
        good["004_gbk.txt"] = examples.read_text(encoding="utf-8").encode("gbk", errors="replace")
    broken = {
        "empty.docx": b"",
        "truncated.xlsx": XLSX.read_bytes()[:3000],
        "noise.pdf": b"%PDF-1.4\n" + random.Random(7).randbytes(3000),
        "scan.pdf": scanned_pdf(),
        "bomb.docx": rezip(DOCX, {"word/document.xml": b"<" + b"\0" * (limits.RATIO_FLOOR_BYTES + 1024)}),
    }
    for name, data in {**good, **broken}.items():
        (folder / name).write_bytes(data)
    return folder, good, broken


def assert_broken_reported_once(stderr: str, broken: dict) -> None:
    assert "Traceback" not in stderr
    errors = [line for line in stderr.splitlines() if line.startswith("错误")]
    assert len(errors) == len(broken)
    for name in broken:
        assert sum(name in line for line in errors) == 1, (name, errors)


@pytest.mark.slow
def test_mixed_folder_end_to_end(tmp_path):
    folder, good, broken = mixed_folder(tmp_path)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    out = out_dir / "rows.csv"
    result = audit("extract", str(folder), "--format", "csv", "-o", str(out), "-q", "-j", "1")
    assert result.returncode == 3, result.stderr
    assert_broken_reported_once(result.stderr, broken)
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    sources = {r["source"] for r in rows}
    assert sources == set(good)
    assert sorted(os.listdir(out_dir)) == ["rows.csv"]  # written whole, no temporary left behind


@pytest.mark.slow
def test_mixed_folder_checked_end_to_end(tmp_path):
    folder, _, broken = mixed_folder(tmp_path)
    out = tmp_path / "findings.csv"
    result = audit("check", str(folder), "--format", "csv", "-o", str(out), "--fail-on", "never", "-q", "-j", "1")
    assert result.returncode == 3, result.stderr
    assert_broken_reported_once(result.stderr, broken)
    assert out.exists()


def test_batch_of_only_broken_files_leaves_no_output(tmp_path):
    folder = tmp_path / "dept"
    folder.mkdir()
    (folder / "empty.xlsx").write_bytes(b"")
    out = tmp_path / "rows.csv"
    result = audit("extract", str(folder), "-o", str(out), "-q")
    assert result.returncode == 3
    assert "empty.xlsx" in result.stderr and "Traceback" not in result.stderr
    assert [p.name for p in tmp_path.iterdir() if p.name != "dept"] in ([], ["rows.csv"])


def test_damaged_files_print_nothing_of_their_own(tmp_path):
    """Library chatter (xlrd warnings on stdout, pdfminer repair logs) must not leak into the output."""
    import re

    xls = (FIXTURES / "xls" / "002_9f400b94fd3b1d9f.xls").read_bytes()
    pdf = bytearray(PDF.read_bytes())
    stream = re.search(rb"<</Length (\d+)/Filter/FlateDecode>>\s*stream\r?\n", pdf)
    middle = stream.end() + int(stream.group(1)) // 2
    pdf[middle : middle + 40] = b"\0" * 40  # a damaged compressed stream: pdfminer logs "Data-loss"
    write(tmp_path, "cut.xls", xls[: len(xls) - 700])
    write(tmp_path, "flate.pdf", bytes(pdf))
    result = audit("extract", "cut.xls", "flate.pdf", "--format", "jsonl", "-q", cwd=tmp_path)
    assert "WARNING" not in result.stdout and "Data-loss" not in result.stderr
    assert all(line.startswith(("错误", "警告")) for line in result.stderr.splitlines())
    assert all(line.startswith("{") for line in result.stdout.splitlines())
