"""Output files are written whole or not at all, with ordinary permissions."""

import os
import stat

import pytest

from auditor.report.atomic import atomic_open, write_whole
from auditor.report.xlsx import Sheet, Workbook


def test_finished_file_is_readable_by_others(tmp_path):
    old = os.umask(0o022)
    try:
        with atomic_open(tmp_path / "findings.csv") as handle:
            handle.write("source,rule\n")
        sheet = Sheet("问题清单", ["规则"], [16])
        book = Workbook(tmp_path / "findings.xlsx", [sheet])
        book.add(0, [sheet.row(["VAGUE"])])
        book.close()
    finally:
        os.umask(old)
    for name in ("findings.csv", "findings.xlsx"):
        assert stat.S_IMODE((tmp_path / name).stat().st_mode) == 0o644


def test_failure_leaves_no_file(tmp_path):
    target = tmp_path / "rows.csv"
    with pytest.raises(RuntimeError), atomic_open(target) as handle:
        handle.write("partial")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_write_whole_replaces_the_file_and_leaves_no_temp(tmp_path):
    target = tmp_path / "110101-北京市东城区教育委员会.html"
    target.write_text("旧的评分卡", encoding="utf-8")
    old = os.umask(0o022)
    try:
        write_whole(target, "<h1>东城区教育委员会 绩效目标表审核评分卡</h1>".encode())
    finally:
        os.umask(old)
    assert target.read_text(encoding="utf-8") == "<h1>东城区教育委员会 绩效目标表审核评分卡</h1>"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert [p.name for p in tmp_path.iterdir()] == [target.name]


def test_write_whole_failure_keeps_the_old_file(tmp_path):
    target = tmp_path / "卫生健康委员会-审核意见书.docx"
    target.write_bytes(b"old")
    with pytest.raises(TypeError):
        write_whole(target, "not bytes")  # type: ignore[arg-type]
    assert target.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
