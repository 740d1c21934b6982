"""DUP_TABLE's plain-Python comparison inside one document gives what the indexed search gives."""

from hypothesis import given, settings
from hypothesis import strategies as st

from auditor.checks.dup import Table, TableIndex, similar_tables
from auditor.checks.within import best_share, near_hits, similar_within

# names from two sectors, with near-identical spellings (rapidfuzz ratio ≥ 90 for the long ones)
NAMES = [
    "义务教育学生资助人数",
    "义务教育学生资助人次",
    "校舍维修改造面积",
    "校舍维修改造总面积",
    "家庭医生签约服务覆盖率",
    "家庭医生签约服务覆盖比率",
    "受益群众满意度",
    "受益对象满意度",
    "资金拨付及时率",
    "资金支付及时率",
    "项目完成率",
    "培训人次",
]


def _tables(rows: list[tuple[int, list[str]]]) -> list[Table]:
    return [
        Table(doc=0, source="a.txt", department="某县教育局", department_code="101", year=2025, no=i + 1,
              code="", name=f"项目{key}", line=i, names=tuple(names))
        for i, (key, names) in enumerate(rows)
    ]  # fmt: skip


def _indexed(tables: list[Table], threshold: float, similarity: float) -> list:
    return list(similar_tables(range(len(tables)), TableIndex(tables), threshold, similarity, cross=False))


def _plain(tables: list[Table], threshold: float, similarity: float) -> list:
    return list(similar_within([(t.key, t.names) for t in tables], threshold, similarity))


@settings(max_examples=300, deadline=None)
@given(
    rows=st.lists(
        st.tuples(st.integers(0, 5), st.lists(st.sampled_from(NAMES), min_size=0, max_size=8)), min_size=0, max_size=7
    ),
    threshold=st.sampled_from([0.5, 0.8, 1.0]),
    similarity=st.sampled_from([90.0, 100.0]),
)
def test_plain_comparison_equals_the_indexed_search(rows, threshold, similarity):
    tables = _tables(rows)
    plain, indexed = _plain(tables, threshold, similarity), _indexed(tables, threshold, similarity)
    if similarity < 100:  # the catalog's setting: the same pairs
        assert plain == indexed
    else:  # exact names only: the same tables and shares; of two others at one share the index may
        # name the one met first through the rarest name, the plain comparison the earlier table
        assert [(t, share) for t, _, share in plain] == [(t, share) for t, _, share in indexed]
        for t, other, share in plain:
            held = sum(1 for n in tables[t].names if n in tables[other].names)
            assert held / len(tables[t].names) == share


def test_a_copied_table_is_found_and_the_same_project_is_not():
    health = ["家庭医生签约服务覆盖率", "受益群众满意度", "资金拨付及时率", "培训人次", "项目完成率"]
    tables = _tables([(1, health), (2, health[:4] + ["校舍维修改造面积"]), (1, health)])
    found = _plain(tables, 0.8, 90)
    assert (0, 1, 0.8) in found  # the third table is the same project as the first: not a copy of it
    assert all(pair[:2] != (0, 2) for pair in found)


def test_near_hits_counts_near_spellings_and_may_stop_short():
    mine = ["义务教育学生资助人数", "校舍维修改造面积", "培训人次"]
    other = ["义务教育学生资助人次", "校舍维修改造总面积", "受益群众满意度"]
    assert near_hits(mine, other, 90) == 2  # 培训人次 has no near spelling
    assert near_hits(mine, other, 90, need=3) < 3


@settings(max_examples=300, deadline=None)
@given(
    mine=st.lists(st.sampled_from(NAMES), min_size=2, max_size=8),
    others=st.lists(st.lists(st.sampled_from(NAMES), min_size=1, max_size=8), min_size=1, max_size=6),
    threshold=st.sampled_from([0.5, 0.8, 1.0]),
)
def test_best_share_may_stop_counting_without_changing_the_winner(mine, others, threshold):
    candidates = [(k, sum(1 for n in mine if n in other)) for k, other in enumerate(others)]

    def stopping(k: int, exact: int, need: int) -> int:
        return near_hits(mine, others[k], 90, need)

    full = best_share(candidates, len(mine), threshold, lambda k, exact, need: near_hits(mine, others[k], 90))
    assert best_share(candidates, len(mine), threshold, stopping) == full
