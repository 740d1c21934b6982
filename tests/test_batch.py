"""Batch runs: the same output whatever the number of jobs or the scheduler; duplicate-table
candidates found by prefix filtering are exactly those a full pairwise comparison finds."""

from __future__ import annotations

import json
import random
import shutil
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from auditor.checks.dup import Table, TableIndex, similar_tables
from auditor.cli import main
from auditor.report.publish import MANIFEST

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def run(*args: str):
    return CliRunner().invoke(main, list(args))


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> Path:
    """The five seeds, a copy of one under another department's name (cross-document duplicates), and a broken file."""
    root = tmp_path_factory.mktemp("batch")
    for path in EXAMPLES.iterdir():
        shutil.copy(path, root / path.name)
    text = (EXAMPLES / "000_8a1b00379ebc752e.txt").read_text(encoding="utf-8")
    (root / "900_copy.txt").write_text(text.replace("秦皇岛市工业和信息化局", "秦皇岛市某某局"), encoding="utf-8")
    (root / "broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    return root


def test_check_output_is_the_same_for_one_and_two_jobs(folder, tmp_path):
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"f{jobs}.jsonl"
        result = run("check", str(folder), "--format", "jsonl", "-o", str(out), "-j", jobs, "--fail-on", "never", "-q")
        assert result.exit_code == 3, result.output  # the broken file is reported, the rest is checked
        assert "broken.docx" in result.stderr
        outputs.append(out.read_text(encoding="utf-8"))
    assert outputs[0] == outputs[1]
    findings = [json.loads(line) for line in outputs[0].splitlines()]
    sources = [f["source"] for f in findings]
    assert sources == sorted(sources, key=lambda s: sorted(p.name for p in folder.iterdir()).index(s))
    cross = [f for f in findings if f["rule"] == "DUP_TABLE_CROSS"]
    assert cross and {f["source"] for f in cross} == {"000_8a1b00379ebc752e.txt", "900_copy.txt"}


def test_score_output_is_the_same_for_one_and_two_jobs(folder, tmp_path):
    written = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"r{jobs}"
        result = run("score", str(folder), "-o", str(out), "-j", jobs, "-q")
        assert result.exit_code == 3, result.output
        written[jobs] = {p.name: p.read_bytes() for p in out.iterdir()}  # findings.xlsx too: byte for byte
    assert written["1"] == written["2"]
    scores = json.loads(written["1"]["scores.json"])
    assert len(scores["departments"]) == 6
    temporary = [name for name in written["1"] if name.startswith(".") and name != MANIFEST]
    assert not temporary and not list(tmp_path.glob(".*"))  # no temporary files left, inside or beside
    assert set(json.loads(written["1"][MANIFEST])["files"]) == set(written["1"]) - {MANIFEST}


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_findings(folder, tmp_path):
    pytest.importorskip("dask.distributed")
    local = tmp_path / "local.jsonl"
    dask = tmp_path / "dask.jsonl"
    run("check", str(folder), "--format", "jsonl", "-o", str(local), "-j", "1", "--fail-on", "never", "-q")
    result = run(
        "check", str(folder), "--format", "jsonl", "-o", str(dask), "--scheduler", "local", "--fail-on", "never", "-q"
    )
    assert result.exit_code == 3, result.output
    assert dask.read_text(encoding="utf-8") == local.read_text(encoding="utf-8")


def _table(doc: int, no: int, names: list[str], name: str | None = None) -> Table:
    return Table(
        doc, f"{doc}.txt", f"部门{doc}", str(doc), 2025, no, f"P{doc}-{no}", name or f"项目{doc}-{no}", 0, tuple(names)
    )


def _brute_force(tables: list[Table], threshold: float, cross: bool) -> dict[tuple[int, int], float]:
    best = {}
    for a in tables:
        if len(a.names) < 2:
            continue
        for b in tables:
            if b is a or (a.doc == b.doc) == cross or a.key_without_year == b.key_without_year:
                continue
            share = sum(1 for n in a.names if n in set(b.names)) / len(a.names)
            if share >= threshold and share > best.get((a.doc, a.no), 0):
                best[(a.doc, a.no)] = share
    return best


@pytest.mark.parametrize("seed", range(20))
def test_prefix_filtering_finds_every_pair_a_full_comparison_finds(seed):
    rng = random.Random(seed)
    vocabulary = [f"指标{i}" for i in range(12)] + ["服务对象满意度", "资金拨付及时率"] * 6
    tables = []
    for doc in range(8):
        for no in range(1, rng.randint(2, 5)):
            tables.append(_table(doc, no, rng.sample(vocabulary, rng.randint(2, 7))))
    threshold = rng.choice([0.6, 0.7, 0.8, 1.0])
    index = TableIndex(tables)
    pairs = similar_tables(range(len(tables)), index, threshold, 100, cross=True)
    found = {(tables[t].doc, tables[t].no): share for t, _, share in pairs}
    assert found == _brute_force(tables, threshold, cross=True)


def test_common_names_alone_do_not_make_every_table_a_candidate():
    common = ["服务对象满意度", "资金拨付及时率", "项目完成率"]
    tables = [_table(doc, 1, common + [f"专用指标{doc}a", f"专用指标{doc}b"]) for doc in range(200)]
    index = TableIndex(tables)
    # 5 names at 80%: a match must hold one of the two rarest names, held by this table alone
    assert index.shortlist(np.array([0]), 0.8)[1].tolist() == []  # nor another: a table is not its own copy
    assert list(similar_tables(range(len(tables)), index, 0.8, 100, cross=True)) == []


def test_each_document_gets_its_own_cross_document_findings_even_after_a_failed_one():
    from auditor.batch import Doc, Finishing, SpillRef, _with_across

    refs = [SpillRef("s", offset, 1) for offset in range(3)]
    docs = [Doc(0, refs[0], "a.html", "", 4, 2), Doc(2, refs[1], "c.html", "", 0, 1), Doc(3, refs[2], "d.html")]
    across = iter([(0, 2, b"f0"), (1, 1, b"f1"), (3, 5, b"f3")])  # (doc, count, findings pickled) where any; 1 failed
    # each with the findings (its own and across) and the scores (projects + 1) of the documents before it
    assert list(_with_across(docs, across)) == [
        Finishing(refs[0], b"f0", "a.html", "", (0, 0)),
        Finishing(refs[1], b"", "c.html", "", (6, 3)),
        Finishing(refs[2], b"f3", "d.html", "", (6, 5)),
    ]


def _square(x: int) -> int:
    return x * x


@pytest.mark.parametrize("jobs", [1, 2])
def test_ordered_map_takes_items_only_as_workers_are_ready(jobs):
    from auditor.pipeline import ordered_map

    handed: list[int] = []

    def items():
        for i in range(200):
            handed.append(i)
            yield i

    results = ordered_map(_square, items(), jobs, size=200)
    first = next(results)
    assert first == 0 and len(handed) < 200  # a generator is not drained up front
    assert [first, *results] == [i * i for i in range(200)]
    assert len(handed) == 200


# a county education bureau's template, copied by many departments (names as real tables write them)
_TEMPLATE = ["学生资助人数", "资助资金发放及时率", "资助对象识别准确率", "家庭经济困难学生入学率", "学生及家长满意度"]


def test_a_template_copied_into_many_tables_is_still_found_when_posting_lists_are_cut(monkeypatch):
    import auditor.checks.dup as dup

    monkeypatch.setattr(dup, "POSTING_LIMIT", 5)
    tables = []
    for doc in range(40):
        tables.append(_table(doc, 1, _TEMPLATE))  # copied everywhere: every name in 40 tables
        tables.append(_table(doc, 2, [f"乡镇卫生院{doc}号诊疗人次", "门诊患者满意度", f"基本药物配备率{doc}"]))
    late = _table(99, 1, [*_TEMPLATE[:4], "营养餐供应天数"])  # the last department edits one name
    tables.append(late)
    index = TableIndex(tables)
    pairs = similar_tables(range(len(tables)), index, 0.8, 100, cross=True)
    found = {(tables[t].doc, tables[t].no): (tables[o].doc, share) for t, o, share in pairs}
    assert found[(99, 1)] == (0, 0.8)  # 4 of 5 names, from the earliest copy
    assert found[(39, 1)] == (0, 1.0)
    assert (5, 2) not in found  # the health tables share one name only
    assert [len(index.holders(n)) for n in _TEMPLATE] == [5] * 5  # each name's first 5 tables kept
    assert list(index.holders(_TEMPLATE[0])) == [0, 2, 4, 6, 8]


def test_a_names_list_keeps_its_first_tables_with_their_signatures_beside_them(monkeypatch):
    import auditor.checks.dup as dup

    monkeypatch.setattr(dup, "POSTING_LIMIT", 3)
    roads = ["农村公路养护里程", "路面病害处治及时率", "群众出行满意度"]
    tables = [_table(doc, 1, [roads[doc % 3], f"危桥改造{doc}座", "群众出行满意度"]) for doc in range(7)]
    tables.insert(2, _table(9, 2, []))  # a table without names between them holds nothing
    index = TableIndex(tables, keep=False)
    holders, starts, signatures = index.postings
    assert list(index.holders("群众出行满意度")) == [0, 1, 3]  # 7 tables hold it: the first 3
    assert list(index.holders("路面病害处治及时率")) == [1, 5]
    assert list(index.holders("危桥改造6座")) == [7]
    assert (signatures == index.signatures[holders]).all()  # each one's signature beside it
    assert starts[-1] == len(holders) == 3 + 3 + 2 + 7  # three shared names (one held twice), seven own ones


def test_the_tables_compared_are_those_sharing_most_names_not_the_first_met(monkeypatch):
    import auditor.checks.dup as dup

    monkeypatch.setattr(dup, "MAX_CANDIDATES", 2)
    water = ["农村饮水安全巩固提升人数", "供水管网改造长度", "水质检测合格率", "工程验收合格率", "受益群众满意度"]
    # 30 earlier tables, each with two of those names and its own: every name of water is in 12 of them
    tables = [_table(doc, 1, [water[doc % 5], water[(doc + 1) % 5], f"河道清淤{doc}段长度", f"堤防加固{doc}号工程"])
              for doc in range(30)]  # fmt: skip
    tables.append(_table(40, 1, ["义务教育学生资助人数", "资助资金发放及时率", "学生及家长满意度"]))
    tables.append(_table(41, 1, water))  # the whole table, met last through every one of its names
    tables.append(_table(42, 1, [*water[:4], "群众满意度"]))
    index = TableIndex(tables)
    found = {t: (o, share) for t, o, share in similar_tables(range(len(tables)), index, 0.8, 100, cross=True)}
    assert found[len(tables) - 1] == (len(tables) - 2, 0.8)  # 4 of 5 names, though 12 tables came first
    assert found[len(tables) - 2] == (len(tables) - 1, 0.8)  # 4 of 5


def test_a_tables_signature_has_a_bit_for_each_name_and_the_same_names_give_the_same_bits():
    names = ["困难群众救助金发放人数", "救助资金发放及时率", "救助对象满意度"]
    tables = [_table(0, 1, names), _table(1, 1, names[::-1] + names[:1]), _table(2, 1, []), _table(3, 1, ["培训人次"])]
    signature = TableIndex(tables, keep=False).signatures
    assert (signature[0] == signature[1]).all()  # order and repeats do not matter
    assert not signature[2].any()  # a table without names has no bits
    bits = [int(w).bit_count() for w in signature[0]]
    assert 1 <= sum(bits) <= 3 and sum(int(w).bit_count() for w in signature[3]) == 1
    last_empty = TableIndex([_table(0, 1, names), _table(1, 1, [])], keep=False).signatures
    assert last_empty[0].any() and not last_empty[1].any()  # nothing borrowed past the last name


def test_names_held_by_as_many_tables_are_ranked_in_text_order_whatever_order_they_came_in():
    tables = [
        _table(0, 1, ["基本药物配备率", "乡镇卫生院诊疗人次"]),
        _table(1, 1, ["村卫生室覆盖率", "基本药物配备率"]),
    ]
    tables.append(_table(2, 1, ["家庭医生签约率", "乡镇卫生院诊疗人次"]))  # text order differs from arrival order
    index = TableIndex(tables, keep=False)
    rank = dict(zip(index._ready().words, index.rare.tolist(), strict=True))
    once = sorted(["家庭医生签约率", "村卫生室覆盖率"])  # in one table each: the rarest, in text order
    assert sorted(rank, key=rank.get) == [*once, *sorted(["乡镇卫生院诊疗人次", "基本药物配备率"])]


def test_the_shortlists_of_several_tables_at_once_are_each_tables_own(monkeypatch):
    import auditor.checks.dup as dup

    monkeypatch.setattr(dup, "MAX_CANDIDATES", 4)
    rng = random.Random(7)
    vocabulary = ["水质达标率", "供水管网漏损率", "农田灌溉面积", "河道保洁覆盖率"] + [f"专项{i}" for i in range(10)]
    tables = [_table(doc, 1, rng.sample(vocabulary, rng.randint(2, 6))) for doc in range(30)]
    index = TableIndex(tables)
    of, keys = index.shortlist(np.arange(30), 0.8)
    assert 0 < len(keys) <= 4 * 30
    for q in range(30):
        assert keys[of == q].tolist() == index.shortlist(np.array([q]), 0.8)[1].tolist()


@pytest.mark.parametrize("separate", [False, True])
def test_cross_check_gives_each_documents_findings_in_order(separate):
    import pickle

    from auditor.checks import iter_across
    from auditor.crosscheck import CrossCheck

    docs = [[_table(d, 1, _TEMPLATE), _table(d, 2, [f"村级道路{d}公里", "道路验收合格率"])] for d in range(4)]
    docs[2] = [_table(2, 1, ["文物保护单位数量", "展览开放天数"])]  # a museum: nothing copied
    expected = [(doc, [f.message for f in found]) for doc, found in iter_across([t for d in docs for t in d])]
    cross = CrossCheck(separate=separate)
    try:
        for tables in docs:
            cross.add(pickle.dumps(tables))
        results = [(doc, count, pickle.loads(found)) for doc, count, found in cross.results()]
        got = [(doc, [f.message for f in findings]) for doc, _, findings in results]
    finally:
        cross.close()
    assert [doc for doc, _ in got] == [0, 1, 3]
    assert all(count == len(findings) for _, count, findings in results)
    assert got == expected
    assert "100%" in got[0][1][0] and "部门1" in got[0][1][0]  # document 0's template, as in document 1


def test_the_cross_check_gets_a_process_of_its_own_only_on_a_large_run_with_workers():
    from auditor.crosscheck import OWN_PROCESS_FROM, worth_a_process

    assert not worth_a_process(2, 400)  # a county's departments: compared in the main process
    assert worth_a_process(2, OWN_PROCESS_FROM) and worth_a_process(8, 100_000)
    assert not worth_a_process(1, 100_000)  # one job: everything in one process anyway


def test_a_table_record_comes_back_from_a_worker_as_it_was_each_string_once():
    import pickle

    from auditor.checks.dup import Table

    table = Table(
        3, "卫生健康委.txt", "市卫生健康委员会", "301", 2025, 2, "P-01", "2025年 基层医疗 卫生服务能力提升", 40,
        ("门诊人次", "家庭医生签约率", "门诊人次"), "ab12",
    )  # fmt: skip
    back = pickle.loads(pickle.dumps(table, pickle.HIGHEST_PROTOCOL))
    assert back == table
    assert (back.key, back.key_without_year) == ("2025年基层医疗卫生服务能力提升", "基层医疗卫生服务能力提升")
    assert (back.content, back.line, back.no, back.year) == ("ab12", 40, 2, 2025)
    assert back.names[0] is back.names[2]  # a name the table repeats is one string, as in the worker


def test_the_copy_check_index_keeps_each_name_once_and_drops_its_name_dict_when_queried():
    import pickle

    from auditor.checks.dup import Table, TableIndex

    def sent(doc, department, names):  # as the copy-check process receives a worker's record
        table = Table(doc, f"{department}.txt", department, "", 2025, 1, "", "项目", 1, names)
        return pickle.loads(pickle.dumps([table], pickle.HIGHEST_PROTOCOL))

    index = TableIndex(keep=False)
    index.add(sent(0, "甲县水利局", ("农村饮水安全巩固提升人数", "水质检测合格率", "受益群众满意度")))
    index.add(sent(1, "乙县水利局", ("供水管网改造长度", "水质检测合格率", "受益群众满意度")))
    assert len(index.vocabulary) == 4
    assert list(index.holders("水质检测合格率")) == [0, 1]  # the first query builds the arrays
    assert index.vocabulary == {} and index.width == 4  # the name-to-number dict is let go
    assert sorted(index.words) == sorted(
        ["农村饮水安全巩固提升人数", "水质检测合格率", "受益群众满意度", "供水管网改造长度"]
    )
    assert index.names_of(1) == ("供水管网改造长度", "水质检测合格率", "受益群众满意度")
    assert list(index.holders("未填报的指标")) == []


def test_the_tables_named_again_and_again_stay_rebuilt_and_the_others_go():
    from auditor.checks.dup import _Recent

    recent = _Recent(size=3)
    recent.put("原表", "某县教育局 校舍维修改造项目")
    for k in range(10):  # the documents go by; each names its own tables and, again, the same original
        recent.put(k, f"第{k}张表")
        assert recent.get("原表") == "某县教育局 校舍维修改造项目"
    assert recent.get(0) is None and recent.get(9) == "第9张表"


def test_building_the_index_where_the_c_library_cannot_give_memory_back_still_works(monkeypatch):
    import ctypes

    def no_such_library(name):  # musl and others: no malloc_trim, or no library by that name
        raise OSError("malloc_trim: symbol not found")

    monkeypatch.setattr(ctypes, "CDLL", no_such_library)
    names = ["培训人次", "培训合格率", "参训人员满意度"]
    index = TableIndex([_table(0, 1, names), _table(1, 1, names)], keep=False)
    assert list(similar_tables(range(2), index, 0.8, 100, cross=True)) == [(0, 1, 1.0), (1, 0, 1.0)]
