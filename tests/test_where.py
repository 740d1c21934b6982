"""Locations a person can open: the binary readers give each row its place in the document's own
terms (page of a PDF, sheet and row of a workbook, table and row of a Word file), findings carry
it with the path relative to the folder given, and the reports show it."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.read import read_blocks

FIXTURES = Path(__file__).resolve().parent / "fixtures"
SEED = "000_8a1b00379ebc752e"


@pytest.mark.parametrize(
    ("fmt", "pattern"),
    [
        ("pdf", r"^第\d+页$"),
        ("xlsx", r"^工作表“[^”]+”第\d+行$"),
        ("xls", r"^工作表“[^”]+”第\d+行$"),
        ("docx", r"^表\d+第\d+行$"),
    ],
)
def test_readers_give_every_table_row_its_place(fmt, pattern):
    blocks, _ = read_blocks(FIXTURES / fmt / f"{SEED}.{fmt}")
    rows = [b for b in blocks if b.table is not None]
    assert rows and all(re.match(pattern, b.where) for b in rows), {b.where for b in rows[:5]}
    if fmt == "pdf":
        assert len({b.where for b in rows}) > 3  # several pages
    if fmt in ("xlsx", "xls"):  # rows of one sheet are numbered as Excel shows them
        sheets: dict[str, list[int]] = {}
        for b in rows:
            sheet, number = re.match(r"工作表“([^”]+)”第(\d+)行", b.where).groups()
            sheets.setdefault(sheet, []).append(int(number))
        for numbers in sheets.values():
            assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)


@pytest.mark.parametrize(("fmt", "pattern"), [("xlsx", "工作表“"), ("docx", "表"), ("pdf", "页")])
def test_findings_carry_the_place_and_the_relative_path(tmp_path, fmt, pattern):
    folder = tmp_path / "in" / "工信局"
    folder.mkdir(parents=True)
    shutil.copy(FIXTURES / fmt / f"{SEED}.{fmt}", folder)
    out = tmp_path / "f.jsonl"
    result = CliRunner().invoke(main, ["check", str(tmp_path / "in"), "--format", "jsonl", "-o", str(out), "-q"])
    assert result.exit_code in (0, 1), result.stderr
    records = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    rows = [r for r in records if r["row"] is not None]
    assert rows and all(pattern in r["where"] for r in rows)
    assert {r["path"] for r in records} == {f"工信局/{SEED}.{fmt}"}
    text = CliRunner().invoke(main, ["check", str(tmp_path / "in"), "-q", "--fail-on", "never"]).stdout
    first = next(line for line in text.splitlines() if re.search(r" 第\d+行", line))  # a row finding
    assert first.startswith(f"工信局/{SEED}.{fmt}:") and pattern in first


def test_reports_show_the_place(tmp_path):
    shutil.copy(FIXTURES / "xlsx" / f"{SEED}.xlsx", tmp_path)
    result = CliRunner().invoke(main, ["score", str(tmp_path), "-o", str(tmp_path / "out"), "-q"])
    assert result.exit_code == 0, result.stderr
    card = next(p for p in (tmp_path / "out").glob("*.html") if p.name != "index.html").read_text(encoding="utf-8")
    assert re.search(r'<small class="meta">工作表“[^”]+”第\d+行</small>', card)
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "out" / "findings.xlsx")["问题清单"]
    header = [c.value for c in sheet[1]]
    places = [row[header.index("位置")] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert any(p and p.startswith("工作表“") for p in places)
