"""Output files are written whole or not at all, with ordinary permissions."""

import os
import stat

import pytest

from auditor.report.atomic import atomic_open
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
