"""Review rounds: stable finding ids, dispositions read back into a score, `audit diff` of a resubmission."""

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from openpyxl import load_workbook

from auditor.cli import main
from auditor.diff import diff_runs, document_states, totals
from auditor.identity import assign
from auditor.model import Department, Finding, Indicator, Project

sys.path.insert(0, str(Path(__file__).resolve().parent))
import rounds_docs  # noqa: E402


def _run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture(scope="module")
def pair(tmp_path_factory) -> Path:
    """The bureau's first submission in old/, its resubmission in new/ (same file name)."""
    root = tmp_path_factory.mktemp("pair")
    for side, text in (("old", rounds_docs.original()), ("new", rounds_docs.resubmitted())):
        (root / side).mkdir()
        (root / side / "812-青川县农业农村局.txt").write_text(text, encoding="utf-8")
    return root


# --------------------------------------------------------------------------- identities


def _dept(rows_by_project, codes=("", "")):
    projects = []
    for no, (rows, code) in enumerate(zip(rows_by_project, codes, strict=True), 1):
        inds = [Indicator(row=r, name=name, value=value) for r, (name, value) in enumerate(rows, 1)]
        projects.append(Project(no=no, code=code, name=f"（{no}）项目{code or no}", indicators=inds))
    return Department(source="a.txt", code="510", name="某市卫生健康委员会", projects=projects)


def _findings(dept, rule="VAGUE"):
    return [
        Finding(source=dept.source, rule=rule, severity="warning", message="", project_no=p.no, row=i.row)
        for p in dept.projects
        for i in p.indicators
        if i.value == "较好"
    ]


def test_ids_survive_reordered_rows_and_renumbered_projects():
    a = _dept([[("门诊量", "≥1万人次"), ("服务质量", "较好")], [("疫苗接种率", "较好")]], ("A01", "B02"))
    b = _dept([[("疫苗接种率", "较好")], [("服务质量", "较好"), ("门诊量", "≥1万人次")]], ("B02", "A01"))
    ids_a = {f.indicator: f.id for f in assign(a, _findings(a))}
    ids_b = {f.indicator: f.id for f in assign(b, _findings(b))}
    assert ids_a == ids_b and len(set(ids_a.values())) == 2
    assert all(i.startswith("VAGUE-") and len(i) == len("VAGUE-") + 12 for i in ids_a.values())


def test_ids_differ_by_rule_indicator_and_project_and_repeat_names_stay_apart():
    dept = _dept([[("粮食产量", "较好"), ("粮食产量", "较好")], [("粮食产量", "较好")]])
    found = assign(dept, _findings(dept))
    assert len({f.id for f in found}) == 3  # same name twice in a project: #2; other project: other id
    other_rule = assign(dept, _findings(dept, "UNIT"))
    assert not {f.id for f in found} & {f.id for f in other_rule}


def test_without_a_project_code_the_normalised_name_is_the_identity():
    a = _dept([[("图书借阅量", "较好")], [("x", "1")]])
    b = _dept([[("图书借阅量", "较好")], [("x", "1")]])
    b.projects[0].name = "1. 项目1"  # numbering and punctuation do not count
    assert [f.id for f in assign(a, _findings(a))] == [f.id for f in assign(b, _findings(b))]


# --------------------------------------------------------------------------- diff


def test_a_resubmission_gives_fixed_open_and_new_findings(pair):
    old, new = document_states([sorted((pair / "old").iterdir()), sorted((pair / "new").iterdir())])
    (d,) = diff_runs(old, new)
    counts = d.counts()
    # fixed: 亩均建设成本 COST_NOT_MONEY + VAGUE, 农村供水保障水平 VAGUE; open: 项目完成时间 GENERIC,
    # 粮食产能提升 VAGUE, 学生营养健康状况 VAGUE; new: 补助发放及时率 “按时发放” VAGUE
    assert (counts["fixed"], counts["open"], counts["new"]) == (3, 3, 1)
    assert (counts["added"], counts["removed"], counts["renamed"]) == (0, 0, 1)
    water = next(p for p in d.projects if p.new.name.startswith("农村饮水"))
    assert water.status == "改名、调序" and water.old.no == 2 and water.new.no == 3
    assert [f.indicator for f in water.findings.fixed] == ["农村供水保障水平"]
    school = next(p for p in d.projects if p.new.name.startswith("乡村学校"))
    assert [(f.rule, f.indicator) for f in school.findings.new] == [("VAGUE", "补助发放及时率")]
    assert d.score_change is not None and d.score_change > 0


def test_audit_diff_on_documents_and_on_score_outputs_agree(pair, tmp_path):
    result = _run("diff", pair / "old", pair / "new", "-o", tmp_path / "d1")
    assert result.exit_code == 0, result.output
    assert "已修改 3，仍存在 3，新增 1" in result.output
    assert "修改后通过→通过" in result.output
    for side in ("old", "new"):
        assert _run("score", pair / side, "-o", tmp_path / side, "-q").exit_code == 0
    result = _run("diff", tmp_path / "old", tmp_path / "new", "-o", tmp_path / "d2", "-q")
    assert result.exit_code == 0
    for name in ("d1", "d2"):
        book = load_workbook(tmp_path / name / "diff.xlsx", read_only=True)
        states = [r[4] for r in book["问题"].iter_rows(min_row=2, values_only=True)]
        assert sorted(states) == sorted(["已修改"] * 3 + ["仍存在"] * 3 + ["新增"])
        departments = list(book["部门"].iter_rows(min_row=2, values_only=True))
        assert len(departments) == 1 and departments[0][10:13] == (3, 3, 1)
        book.close()
    html = (tmp_path / "d1" / "diff.html").read_text(encoding="utf-8")
    assert "<script src" not in html and "http" not in html.split("<footer>")[0]
    assert "农村饮水安全工程维修养护项目" in html and "原名：农村饮水安全工程维修养护" in html


def test_audit_diff_on_two_findings_files(pair, tmp_path):
    for side in ("old", "new"):
        out = tmp_path / f"{side}.jsonl"
        _run("check", pair / side, "--format", "jsonl", "-o", out, "-q", "--fail-on", "never")
    result = _run("diff", tmp_path / "old.jsonl", tmp_path / "new.jsonl", "-o", tmp_path / "d")
    assert result.exit_code == 0
    assert "已修改 3，仍存在 3，新增 1" in result.output
    for side in ("old", "new"):  # the reviewers' workbooks (Chinese headers and severities)
        _run("score", pair / side, "-o", tmp_path / f"s-{side}", "-q")
    books = [tmp_path / f"s-{side}" / "findings.xlsx" for side in ("old", "new")]
    result = _run("diff", *books, "-o", tmp_path / "dx")
    assert result.exit_code == 0 and "已修改 3，仍存在 3，新增 1" in result.output
    page = (tmp_path / "dx" / "diff.html").read_text(encoding="utf-8")
    assert 'class="sev sev-warning">警告' in page


def test_a_workbook_that_is_not_a_findings_list_is_refused_with_a_message(pair, tmp_path):
    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["部门", "预算数"])
    book.save(tmp_path / "other.xlsx")
    result = _run("diff", tmp_path / "other.xlsx", pair / "new", "-o", tmp_path / "d")
    assert result.exit_code == 2 and "other.xlsx" in result.output and "问题编号" in result.output


def test_departments_added_and_removed_are_reported(pair, tmp_path):
    (tmp_path / "new").mkdir()
    doc = rounds_docs.render("455", "平山县民政局", 2025, rounds_docs.ORIGINAL["projects"][2:])
    (tmp_path / "new" / "455.txt").write_text(doc, encoding="utf-8")
    old, new = document_states([sorted((pair / "old").iterdir()), sorted((tmp_path / "new").iterdir())])
    t = totals(diff_runs(old, new))
    assert (t["departments_added"], t["departments_removed"]) == (1, 1)
    assert t["fixed"] == 0 and t["new"] == 1 and t["withdrawn"] == 6  # 学生营养健康状况 VAGUE; all six old


@pytest.mark.parametrize("jobs", [1, 2])
def test_sides_of_different_lengths_with_an_unreadable_file_are_checked_in_pairs_and_kept_apart(pair, tmp_path, jobs):
    new = tmp_path / "new"
    new.mkdir()
    (new / "455-平山县民政局.txt").write_text(
        rounds_docs.render("455", "平山县民政局", 2025, rounds_docs.ORIGINAL["projects"][2:]), encoding="utf-8"
    )
    (new / "812-青川县农业农村局.txt").write_text(rounds_docs.resubmitted(), encoding="utf-8")
    (new / "900-损坏.docx").write_bytes(b"PK\x03\x04 not a document")
    loaded = []
    old_states, new_states = document_states(
        [sorted((pair / "old").iterdir()), sorted(new.iterdir())], None, jobs, on_loaded=loaded.append
    )
    assert [s.name for s in old_states] == ["青川县农业农村局"]
    assert [s.name for s in new_states] == ["平山县民政局", "青川县农业农村局"]  # each side in its input order
    assert [c.path.name for c in loaded if c.error is not None] == ["900-损坏.docx"]
    (bureau,) = [d for d in diff_runs(old_states, new_states) if d.code == "812"]
    assert (bureau.counts()["fixed"], bureau.counts()["open"], bureau.counts()["new"]) == (3, 3, 1)
    assert [d.status for d in diff_runs(old_states, new_states)] == ["新增", "保留"]


def test_a_finding_state_comes_back_from_a_worker_unchanged():
    import pickle

    from auditor.diff import FindingState

    for state in (
        FindingState(
            "VAGUE-3fa29c1b07d2", "VAGUE", "warning", "1. 粮食产能 提升", "指标值“显著提升”不可衡量", 5, "已沟通"
        ),
        FindingState("GOAL_EMPTY-0123456789ab", "GOAL_EMPTY", "error", "", "绩效目标为空"),
    ):
        back = pickle.loads(pickle.dumps(state, pickle.HIGHEST_PROTOCOL))
        assert back == state and back.key == state.key


# --------------------------------------------------------------------------- dispositions


@pytest.fixture(scope="module")
def scored(pair, tmp_path_factory):
    out = tmp_path_factory.mktemp("scored")
    assert _run("score", pair / "old", "-o", out, "-q").exit_code == 0
    return out


def _project_scores(folder: Path) -> dict[int, float]:
    (dept,) = json.loads((folder / "scores.json").read_text(encoding="utf-8"))["departments"]
    return {p["project_no"]: p["score"] for p in dept["projects"]}


def _fill(scored: Path, path: Path, choices: dict[tuple[str, str], tuple[str, str]], extra=()) -> None:
    """The reviewer's work: 处理意见 and 理由 typed into findings.xlsx, saved under ``path``."""
    book = load_workbook(scored / "findings.xlsx")
    sheet = book["问题清单"]
    header = [c.value for c in sheet[1]]
    col = {name: header.index(name) + 1 for name in ("规则", "问题", "处理意见", "理由", "问题编号")}
    for r in range(2, sheet.max_row + 1):
        for (rule, word), (choice, reason) in choices.items():
            if sheet.cell(r, col["规则"]).value == rule and word in sheet.cell(r, col["问题"]).value:
                sheet.cell(r, col["处理意见"]).value = choice
                sheet.cell(r, col["理由"]).value = reason
    for fid, choice, reason in extra:
        row = sheet.max_row + 1
        sheet.cell(row, col["问题编号"]).value = fid
        sheet.cell(row, col["处理意见"]).value = choice
        sheet.cell(row, col["理由"]).value = reason
    book.save(path)


STALE_REASON = "+1-1 <script>alert(1)</script> 指标已删除（“x” & 'y'）"


@pytest.fixture(scope="module")
def reviewed(scored, pair, tmp_path_factory):
    """The first round scored again with a reviewer's filled-in findings.xlsx: COST_NOT_MONEY
    not adopted (error, 5 points), one VAGUE talked over (2 points), one VAGUE adopted, and one
    disposition whose finding does not exist (stale), with a hostile reason."""
    root = tmp_path_factory.mktemp("reviewed")
    filled = root / "reviewed.xlsx"
    _fill(
        scored,
        filled,
        {
            ("COST_NOT_MONEY", "亩均建设成本"): ("不采纳", "按亩均标准核定，已附测算表"),
            ("VAGUE", "显著提升"): ("已沟通", "产能提升以省级验收为准"),
            ("VAGUE", "持续提高"): ("采纳", "请部门修改"),
        },
        extra=[("VAGUE-0123456789ab", "已沟通", STALE_REASON)],
    )
    result = _run("score", pair / "old", "-o", root / "r", "-q", "--dispositions", filled)
    assert result.exit_code == 0
    return result, root / "r"


def test_a_filled_workbook_changes_the_score_by_exactly_the_accepted_deductions(scored, reviewed):
    result, out = reviewed
    before, after = _project_scores(scored), _project_scores(out)
    assert after[1] == pytest.approx(before[1] + 5 + 2) and after[2] == before[2] and after[3] == before[3]
    assert "处理意见已过期" in result.stderr and "VAGUE-0123456789ab" in result.stderr
    assert "已应用 3 条，过期 1 条" in result.stderr
    card = next(out.glob("812*.html")).read_text(encoding="utf-8")
    assert "已接受（按亩均标准核定，已附测算表）" in card and "已接受（产能提升以省级验收为准）" in card
    # the new workbook carries the dispositions forward, so the next round starts from them
    book = load_workbook(out / "findings.xlsx", read_only=True)
    rows = list(book["问题清单"].iter_rows(values_only=True))
    header = rows[0]
    kept = {(r + (None,) * len(header))[header.index("处理意见")] for r in rows[1:]}
    assert kept == {None, "不采纳", "已沟通", "采纳"}
    book.close()


def _letter(folder: Path) -> list[str]:
    from docx import Document

    return [p.text for p in Document(str(next(folder.glob("*-审核意见书.docx")))).paragraphs]


def test_the_letter_lists_accepted_findings_as_accepted_with_their_reasons(scored, reviewed):
    before, after = _letter(scored), _letter(reviewed[1])
    assert not any("已接受" in p for p in before)
    heading = next(i for i, p in enumerate(after) if p.endswith("、已接受的问题（2处）"))
    lines = after[heading + 2 : heading + 4]
    assert lines[0].startswith("1. 高标准农田建设项目（第4行），成本指标的值不是金额：")
    assert lines[0].endswith("已接受（按亩均标准核定，已附测算表）。")
    assert lines[1].startswith("2. 高标准农田建设项目（第5行），指标值不可衡量：指标值“显著提升”")
    assert lines[1].endswith("已接受（产能提升以省级验收为准）。")
    assert after[heading + 4].endswith("、有关要求")
    assert "审核结论为“通过”" in "".join(after) and "审核结论为“修改后通过”" in "".join(before)


def test_in_the_letter_an_adopted_finding_stays_a_problem_and_an_accepted_one_leaves_the_list(scored, pair, tmp_path):
    import csv

    records = list(csv.DictReader((scored / "findings.csv").read_text(encoding="utf-8-sig").splitlines()))
    (low,) = [r["id"] for r in records if r["rule"] == "VAGUE" and "“较低”" in r["message"]]
    (sharp,) = [r["id"] for r in records if r["rule"] == "VAGUE" and "显著提升" in r["message"]]
    baseline = tmp_path / "baseline.txt"
    baseline.write_text(f"{low} 采纳 请部门修改\n{sharp} 已沟通 以省级验收为准\n", encoding="utf-8")
    assert _run("score", pair / "old", "-o", tmp_path / "r", "-q", "--dispositions", baseline).exit_code == 0
    before, after = _letter(scored), _letter(tmp_path / "r")
    assert "2. 指标值不可衡量（第4、5行），共2处：" in "\n".join(before)
    project = after[after.index(next(p for p in after if p.startswith("（一）高标准农田建设项目"))) :]
    problems = project[2 : project.index(next(p for p in project if p.startswith("三、")))]
    assert "、已接受的问题（1处）" in "\n".join(after)
    # COST_NOT_MONEY still makes it 修改后通过; the adopted VAGUE (row 4) is still listed, the accepted one not
    assert [p.split("：")[0] for p in problems] == [
        "1. 成本指标的值不是金额（第4行）", "2. 指标值不可衡量（第4行）", "3. 三级指标名称空泛，放在任何项目都成立（第3行）"
    ]  # fmt: skip
    assert "1. 高标准农田建设项目（第5行），指标值不可衡量：" in "\n".join(after)


def test_stale_dispositions_are_listed_in_index_html_findings_xlsx_and_scores_json(reviewed):
    from auditor import dispositions

    _, out = reviewed
    page = (out / "index.html").read_text(encoding="utf-8")
    section = page[page.index('<h2 id="dispositions">') :]
    assert "本次读入审核人员的处理意见 4 条：已应用 3 条，已过期 1 条" in section
    table = section[section.index('<table id="stale-dispositions"') : section.index("</table>")]
    assert "VAGUE-0123456789ab" in table and "<td>已沟通</td>" in table
    assert "reviewed.xlsx 工作表“问题清单”第" in table
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in table and "<script>alert" not in page
    book = load_workbook(out / "findings.xlsx")  # not read-only: a formula would show as one
    sheet = book["过期处理意见"]
    header = [c.value for c in sheet[1]]
    (row,) = list(sheet.iter_rows(min_row=2))
    values = dict(zip(header, (c.value for c in row), strict=True))
    assert values["问题编号（已不存在）"] == "VAGUE-0123456789ab" and values["原处理意见"] == "已沟通"
    assert values["理由"] == STALE_REASON and row[header.index("理由")].data_type == "s"
    assert values["来源文件"] == "reviewed.xlsx" and values["工作表"] == "问题清单" and values["行"] > 1
    book.close()
    review = json.loads((out / "scores.json").read_text(encoding="utf-8"))["dispositions"]
    assert (review["given"], review["applied"]) == (4, 3) and review["stale"][0]["id"] == "VAGUE-0123456789ab"
    # the next round reads this workbook back: the three live dispositions, never the stale one
    again = dispositions.load(out / "findings.xlsx")
    assert len(again) == 3 and "VAGUE-0123456789ab" not in again


def test_without_stale_dispositions_the_workbook_keeps_its_sheets(scored):
    book = load_workbook(scored / "findings.xlsx", read_only=True)
    assert book.sheetnames == ["待处理清单", "问题清单", "评分"]
    book.close()
    page = (scored / "index.html").read_text(encoding="utf-8")
    assert 'id="dispositions"' not in page and "已过期的处理意见" not in page


def test_a_text_baseline_works_like_the_workbook_and_reports_stale_lines(scored, pair, tmp_path):
    findings = (scored / "findings.csv").read_text(encoding="utf-8-sig").splitlines()
    import csv

    records = list(csv.DictReader(findings))
    vague = [r["id"] for r in records if r["rule"] == "VAGUE"]
    baseline = tmp_path / "baseline.txt"
    baseline.write_text(
        "# 已与部门沟通的问题\n" + "\n".join(vague) + "\nGENERIC-ffffffffffff 不采纳 已删除的指标\n", encoding="utf-8"
    )
    result = _run("score", pair / "old", "-o", tmp_path / "r", "-q", "--dispositions", baseline)
    assert result.exit_code == 0
    before, after = _project_scores(scored), _project_scores(tmp_path / "r")
    assert sum(after.values()) - sum(before.values()) == pytest.approx(2 * len(vague))
    assert "GENERIC-ffffffffffff" in result.stderr and "baseline.txt 第" in result.stderr


def test_review_dispositions_in_audit_toml(scored, pair, tmp_path):
    import shutil

    docs = tmp_path / "docs"
    shutil.copytree(pair / "old", docs)
    (docs / "baseline.txt").write_text("NOT-AN-ID\n", encoding="utf-8")
    (tmp_path / "audit.toml").write_text('[review]\ndispositions = "docs/baseline.txt"\n', encoding="utf-8")
    result = _run("score", docs / "812-青川县农业农村局.txt", "--config", tmp_path / "audit.toml", "-o", tmp_path / "r")
    assert result.exit_code == 2 and "不是问题编号" in result.output


# --------------------------------------------------------------------------- year over year


def test_a_table_carried_over_from_last_year_with_only_the_year_changed_is_flagged(tmp_path):
    last, this = rounds_docs.year_pair()
    (tmp_path / "2024-812.txt").write_text(last, encoding="utf-8")
    (tmp_path / "2025-812.txt").write_text(this, encoding="utf-8")
    out = tmp_path / "f.jsonl"
    _run("check", tmp_path, "--format", "jsonl", "-o", out, "-q", "--fail-on", "never")
    found = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    copied = [(f["source"], f["project"]) for f in found if f["rule"] == "YEAR_COPY"]
    # farmland: same rows, 2024→2025 only; school: same rows, the year only added to its name
    assert copied == [("2025-812.txt", "高标准农田建设项目"), ("2025-812.txt", "2025年乡村学校营养改善补助")]
    message = next(f["message"] for f in found if f["rule"] == "YEAR_COPY")
    assert "2024年" in message and "2024-812.txt" in message
    assert "“高标准农田建设项目”的6个三级指标" in message  # its rows counted


def test_another_departments_identical_table_is_not_a_carry_over(tmp_path):
    last, this = rounds_docs.year_pair()
    (tmp_path / "a.txt").write_text(last.replace("812 青川县农业农村局", "640 平武县农业农村局"), encoding="utf-8")
    (tmp_path / "b.txt").write_text(this, encoding="utf-8")
    out = tmp_path / "f.jsonl"
    _run("check", tmp_path, "--format", "jsonl", "-o", out, "-q", "--fail-on", "never")
    assert '"YEAR_COPY"' not in out.read_text(encoding="utf-8")


def test_the_worklist_leaves_out_accepted_findings(scored, pair, tmp_path):
    import csv

    records = list(csv.DictReader((scored / "findings.csv").read_text(encoding="utf-8-sig").splitlines()))
    (fid,) = [r["id"] for r in records if r["rule"] == "VAGUE" and "显著提升" in r["message"]]
    baseline = tmp_path / "baseline.txt"
    baseline.write_text(f"{fid} 已沟通 以省级验收为准\n", encoding="utf-8")
    for name, extra in (("before", ()), ("after", ("--dispositions", baseline))):
        assert _run("score", pair / "old", "-o", tmp_path / name, "-q", *extra).exit_code == 0
    lines = {}
    for name in ("before", "after"):
        book = load_workbook(tmp_path / name / "findings.xlsx", read_only=True)
        rows = list(book["待处理清单"].iter_rows(values_only=True))
        book.close()
        lines[name] = " ".join(str(c) for r in rows if "高标准农田建设项目" in r for c in r if c)
    assert "VAGUE 指标值不可衡量 2处（第4、5行）" in lines["before"]  # 亩均建设成本 and 粮食产能提升
    assert "VAGUE 指标值不可衡量 1处（第4行）" in lines["after"]


# --------------------------------------------------------------------------- messages


def test_diff_and_dispositions_mistakes_are_one_chinese_line_each(pair, tmp_path):
    def line(*args):
        result = CliRunner().invoke(main, [str(a) for a in args])
        assert result.exit_code == 2 and "Traceback" not in result.output, result.output
        (text,) = result.stderr.strip().splitlines()[-1:]
        assert text.startswith("错误：")
        return text

    help_text = CliRunner().invoke(main, ["diff", "--help"]).output
    assert "对比两轮报送" in help_text and "输出文件夹：写入 diff.html 和 diff.xlsx" in help_text
    (tmp_path / "plain.csv").write_text("部门,预算数\n民政局,12\n", encoding="utf-8")
    assert "OLD（" in line("diff", tmp_path / "plain.csv", pair / "new", "-o", tmp_path / "d")
    (tmp_path / "a-file").write_text("x", encoding="utf-8")
    assert "“" + str(tmp_path / "a-file") + "”是文件，应为文件夹" in line(
        "diff", pair / "old", pair / "new", "-o", tmp_path / "a-file"
    )
    assert "--threshold 的值 200.0 超出范围" in line("diff", pair / "old", pair / "new", "--threshold", "200")
    (tmp_path / "binary.txt").write_bytes(b"\xff\xfe\x00\x81")
    (tmp_path / "broken.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    for bad, says in (
        (tmp_path, "是文件夹，应为文件"),
        (tmp_path / "binary.txt", "既不是 xlsx 工作簿，也不是 UTF-8 编码的文本文件"),
        (tmp_path / "broken.xlsx", "不是有效的 xlsx 工作簿"),
    ):
        assert says in line("score", pair / "old", "-o", tmp_path / "r", "--dispositions", bad)


def _dispositions_seen(_) -> int:
    from auditor.pipeline import shared

    return len(shared("dispositions") or {})


def test_dispositions_reach_the_workers_once_not_with_every_document(tmp_path):
    """With thousands of dispositions the config sent with each document carries none (pickled
    with every item they cost more than the document): the workers are given them once, when
    they start, and every worker has them all."""
    import pickle

    from auditor.batch import Run
    from auditor.config import Config
    from auditor.dispositions import Disposition
    from auditor.pipeline import ordered_map

    config = Config()
    config.dispositions = {f"VAGUE-{i:012x}": Disposition(f"VAGUE-{i:012x}", "已沟通", "已核实") for i in range(20_000)}
    run = Run(files=[tmp_path / "a.txt", tmp_path / "b.txt"], config=config, jobs=2)
    with run._workers() as workers:
        sent = run._for_items(workers)
        assert sent.dispositions == {} and sent.raw == config.raw
        assert len(pickle.dumps(sent)) < 2_000
        assert list(ordered_map(_dispositions_seen, range(4), workers=workers)) == [20_000] * 4
    assert run._for_items().dispositions == {}  # stage 1 never reads them
    assert len(config.dispositions) == 20_000  # the run's own config keeps them (stale ones are listed)
