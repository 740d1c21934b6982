"""findings.xlsx: the hand-written streaming writer (auditor/report/xlsx.py) against the libraries.

Why it exists: in `audit score` every worker renders its department's rows as SpreadsheetML text
(``Sheet.row``, in parallel) and the one writer process only appends them to the zip. A library
(xlsxwriter in constant_memory mode, openpyxl in write-only mode) must write every cell in the
one process that owns the file. This script times, for N findings rows taken from the examples:

* hand-written: rendering the rows (worker side, spread over the workers in a run) and appending
  and zipping them (writer side, the one process);
* xlsxwriter constant_memory and openpyxl write_only: the whole file in one process.

Times are CPU seconds of this process (``time.process_time``, zlib threads included), best of
--repeat, so a busy machine changes them little.

and reads each file back with openpyxl to check it holds the same cells.
Usage: python bench/bench_xlsx.py [--rows 24000 100000] [--repeat 3]   (xlsxwriter: pip install xlsxwriter)
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def sample_findings() -> list:
    """Every finding of the examples (about 300), as the rules give them."""
    from auditor.pipeline import collect, document_stage

    findings = []
    for i, path in enumerate(collect([ROOT / "examples"])):
        loaded = document_stage((i, path), check=True)
        findings += loaded.findings
    return findings


def value_rows(findings: list, n: int) -> list[list]:
    from auditor.report.excel import _finding_values

    base = [list(_finding_values(f)) for f in findings]
    return [base[i % len(base)] for i in range(n)]


def best_of(repeat: int, func) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return min(times)


def hand_written(rows: list[list], path: Path) -> tuple[float, float]:
    """(render seconds, append-and-zip seconds) with auditor.report.xlsx."""
    from auditor.report.excel import FINDINGS_SHEET
    from auditor.report.xlsx import Workbook

    start = time.process_time()
    rendered = [FINDINGS_SHEET.row(values) for values in rows]
    render = time.process_time() - start
    start = time.process_time()
    book = Workbook(path, [FINDINGS_SHEET])
    for at in range(0, len(rendered), 60):  # a department's rows at a time, as in a run
        book.add(0, rendered[at : at + 60])
    book.close()
    return render, time.process_time() - start


def with_xlsxwriter(rows: list[list], path: Path) -> None:
    import xlsxwriter

    from auditor.report.excel import FINDINGS_SHEET

    book = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_formulas": False})
    sheet = book.add_worksheet(FINDINGS_SHEET.title)
    head = book.add_format({"bold": True, "bg_color": "#DCE6F1", "valign": "top"})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    for col, width in enumerate(FINDINGS_SHEET.widths):
        wrapped = FINDINGS_SHEET.header[col] in FINDINGS_SHEET.wrapped
        sheet.set_column(col, col, width, wrap if wrapped else None)
    sheet.write_row(0, 0, FINDINGS_SHEET.header, head)
    sheet.freeze_panes(1, 0)
    for r, values in enumerate(rows, 1):
        sheet.write_row(r, 0, ["" if v is None else v for v in values])
    sheet.autofilter(0, 0, len(rows), len(FINDINGS_SHEET.header) - 1)
    book.close()


def with_openpyxl(rows: list[list], path: Path) -> None:
    from openpyxl import Workbook

    from auditor.report.excel import FINDINGS_SHEET

    book = Workbook(write_only=True)
    sheet = book.create_sheet(FINDINGS_SHEET.title)
    sheet.append(FINDINGS_SHEET.header)
    for values in rows:
        sheet.append(values)
    book.save(path)


def same_cells(path: Path, rows: list[list]) -> bool:
    """The file read back by openpyxl: header plus the given rows, spot-checked."""
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    sheet = book.worksheets[0]
    got = [[c for c in row] for row in sheet.iter_rows(values_only=True)]
    book.close()
    if len(got) != len(rows) + 1:
        return False
    for i in (0, len(rows) // 2, len(rows) - 1):
        want = [None if v in (None, "") else v for v in rows[i]]
        have = list(got[i + 1][: len(want)]) + [None] * max(0, len(want) - len(got[i + 1]))
        if [str(v) if v is not None else None for v in have] != [str(v) if v is not None else None for v in want]:
            return False
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[24_000, 100_000])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    findings = sample_findings()
    print(f"{len(findings)} findings from examples/, repeated to each size; best of {args.repeat}")
    print(f"{'rows':>8} {'writer':<34} {'one process s':>13} {'workers s':>9} {'µs/row (one process)':>21}  reads back")
    with tempfile.TemporaryDirectory() as folder:
        for n in args.rows:
            rows = value_rows(findings, n)
            path = Path(folder) / "hand.xlsx"
            timings = [hand_written(rows, path) for _ in range(args.repeat)]
            render, append = min(t[0] for t in timings), min(t[1] for t in timings)
            ok = same_cells(path, rows)
            print(
                f"{n:8d} {'hand-written (auditor.report.xlsx)':<34} {append:13.3f} {render:9.3f} {append / n * 1e6:21.1f}  {ok}"
            )
            for name, func in (("xlsxwriter constant_memory", with_xlsxwriter), ("openpyxl write_only", with_openpyxl)):
                out = Path(folder) / f"{name.split()[0]}.xlsx"
                try:
                    seconds = best_of(args.repeat, lambda f=func, o=out, r=rows: f(r, o))
                except ImportError as err:
                    print(f"{n:8d} {name:<34} not installed ({err.name})")
                    continue
                ok = same_cells(out, rows)
                print(f"{n:8d} {name:<34} {seconds:13.3f} {'-':>9} {seconds / n * 1e6:21.1f}  {ok}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
