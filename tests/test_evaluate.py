"""`audit eval`: rows matched by name, findings scored per code, end to end on the shipped labelled set."""

import json
import re
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner

from auditor.cli import main
from auditor.evaluate import Found, GoldRow, Row, evaluate, match_rows, read_gold, render

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"


def gold_row(n, name, codes="", file="a.txt", value="≥95%"):
    return GoldRow(file, n, "质量指标", name, value, frozenset(c for c in codes.split(";") if c))


def test_rows_match_by_name_exact_first_then_similar():
    gold = [gold_row(1, "补助资金拨付及时率"), gold_row(2, "低保对象认定准确率"), gold_row(3, "村级水管员培训人次")]
    rows = [
        Row("a.txt", 1, 1, "质量指标", "低保对象认定、准确率 ", "≥95%"),  # same name once punctuation is gone
        Row("a.txt", 1, 2, "时效指标", "补助资金拨付的及时率", "≥95%"),  # similar
        Row("a.txt", 1, 3, "数量指标", "农田灌溉面积", "≥2万亩"),  # a different row
        Row("b.txt", 1, 1, "质量指标", "村级水管员培训人次", "≥40人次"),  # another file
    ]
    matched = match_rows(gold, rows)
    assert matched[gold[0]] == rows[1] and matched[gold[1]] == rows[0]
    assert gold[2] not in matched


def test_findings_scored_per_code_with_micro_and_macro():
    gold = [
        gold_row(1, "学生资助人数", "VAGUE"),
        gold_row(2, "校舍维修面积", "UNIT"),
        gold_row(3, "师生满意度"),
    ]
    rows = [Row("a.txt", 1, i, "质量指标", g.name, g.value) for i, g in enumerate(gold, 1)]
    rows.append(Row("a.txt", 1, 4, "质量指标", "未标注的行", "好"))
    findings = [
        Found("a.txt", "VAGUE", 1, 1),  # true positive
        Found("a.txt", "DIRECTION", 1, 3),  # false positive on a clean row
        Found("a.txt", "VAGUE", 1, 4),  # false positive on a row nobody labelled
        Found("other.txt", "VAGUE", 1, 1),  # not a labelled file: ignored
    ]
    result = evaluate(gold, rows, findings, Counter({("a.txt", "MISSING_DIMENSION"): 1}))
    codes = result.codes
    assert (codes["VAGUE"].tp, codes["VAGUE"].fp, codes["VAGUE"].fn) == (1, 1, 0)
    assert (codes["UNIT"].tp, codes["UNIT"].fn) == (0, 1)  # missed
    assert (codes["DIRECTION"].fp, codes["DIRECTION"].labelled) == (1, 0)
    assert codes["MISSING_DIMENSION"].fn == 1
    assert (result.micro.tp, result.micro.fp, result.micro.fn) == (1, 2, 2)
    # macro: mean F1 over the three labelled codes (VAGUE 2/3, UNIT 0, MISSING_DIMENSION 0)
    assert result.macro_f1 == pytest.approx((2 / 3) / 3)
    assert (result.row_recall, result.row_precision) == (1.0, 0.75)
    text = render(result, show=True)
    assert "漏报 UNIT: a.txt #2 校舍维修面积" in text and text.splitlines()[-1].startswith("findings micro P 0.333")


def test_project_codes_are_counted_per_file():
    gold = [gold_row(1, "工程完工时限")]
    rows = [Row("a.txt", 1, 1, "时效指标", "工程完工时限", "≥95%")]
    found = [Found("a.txt", "GOAL_PLACEHOLDER", 1, None), Found("a.txt", "GOAL_PLACEHOLDER", 2, None)]
    result = evaluate(gold, rows, found, Counter({("a.txt", "GOAL_PLACEHOLDER"): 1}))
    assert (result.codes["GOAL_PLACEHOLDER"].tp, result.codes["GOAL_PLACEHOLDER"].fp) == (1, 1)
    assert "GOAL_PLACEHOLDER" not in evaluate(gold, rows, found).codes  # without project labels: not scored


def run_eval(*args):
    result = CliRunner().invoke(main, ["eval", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_audit_eval_on_the_shipped_labelled_set():
    gold = read_gold(EVAL / "gold.csv")
    assert len({g.file for g in gold}) >= 4 and len(gold) >= 50
    out = run_eval(str(EVAL / "gold.csv"), str(EVAL / "documents"), "--projects", str(EVAL / "gold_projects.csv"))
    data = json.loads(
        run_eval(
            str(EVAL / "gold.csv"),
            str(EVAL / "documents"),
            "--projects",
            str(EVAL / "gold_projects.csv"),
            "--format",
            "json",
            "-q",
            "-j",
            "1",
        )
    )
    assert data["gold_rows"] == len(gold) and data["row_recall"] == 1.0 and data["row_precision"] == 1.0
    assert data["value_agrees"] == 1.0
    labelled = {c for g in gold for c in g.codes} | {"MISSING_DIMENSION", "GOAL_PLACEHOLDER"}
    assert labelled <= set(data["codes"])
    assert data["micro"]["f1"] >= 0.9
    # the README quotes these figures: they must be what the command prints today
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    last = out.splitlines()[-1]
    assert last in readme, f"README.md's audit eval figures are stale; the command now prints: {last}"
    assert re.search(r"rows recall 1\.000 +precision 1\.000", out)


def test_only_the_named_codes_are_scored():
    data = json.loads(
        run_eval(str(EVAL / "gold.csv"), str(EVAL / "documents"), "--rules", "VAGUE", "--format", "json", "-q")
    )
    assert set(data["codes"]) == {"VAGUE"}


def test_a_label_file_without_its_columns_is_a_usage_error(tmp_path):
    bad = tmp_path / "gold.csv"
    bad.write_text("文件,行\na.txt,1\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", str(bad), str(EVAL / "documents"), "-q"])
    assert result.exit_code == 2 and "标注文件无法读取" in result.output and "Traceback" not in result.output
