"""The condition language of rules/*.yaml (checks/conditions.py), entry by entry."""

from __future__ import annotations

import pytest

from auditor.checks.conditions import compile_condition

ROW = {
    "level2": "成本指标",
    "number": 120.0,
    "unit": None,
    "value_n": "效果明显提升",
    "name_n": "群众满意度",
    "problems": ["fused", "over_100"],
}


@pytest.mark.parametrize(
    ("cond", "expected"),
    [
        ({}, True),
        ({"level2": "成本指标"}, True),
        ({"level2": ["数量指标", "质量指标"]}, False),
        ({"level2__not": ["数量指标"]}, True),
        ({"unit": None}, True),  # a missing or empty fact equals None
        ({"number__gt": 100}, True),
        ({"number__lte": 100}, False),
        ({"unit__gt": 0}, False),  # None never compares
        ({"missing__lt": 5}, False),
        ({"value_n__has": ["明显"]}, True),
        ({"value_n__has_not": ["明显"]}, False),
        ({"problems__has": ["over_100"]}, True),  # a list fact shares an item
        ({"problems__has": ["over"]}, False),  # ... whole items only
        ({"name_n__is": ["满意度", "群众满意度"]}, True),
        ({"name_n__is": ["满意度"]}, False),
        ({"value_n__re": "^效果"}, True),
        ({"any": [{"level2": "数量指标"}, {"number__gte": 120}]}, True),
        ({"any": [{"level2": "数量指标"}, {"number__gt": 120}]}, False),
        ({"level2": "成本指标", "number__lt": 100}, False),  # every entry must hold
    ],
)
def test_each_entry(cond, expected):
    assert compile_condition(cond)(dict(ROW)) is expected


def test_the_word_that_made_has_or_is_hold_is_recorded_longest_first():
    facts = dict(ROW)
    assert compile_condition({"value_n__has": ["明显", "明显提升"]})(facts)
    assert facts["hit"] == "明显提升"
    facts = dict(ROW)
    assert compile_condition({"name_n__is": ["群众满意度"]})(facts)
    assert facts["hit"] == "群众满意度"


def test_entries_run_in_order_and_stop_at_the_first_that_fails():
    facts = dict(ROW)
    assert not compile_condition({"level2": "数量指标", "value_n__has": ["明显"]})(facts)
    assert "hit" not in facts  # the has entry never ran


def test_fact_names_are_data_not_code():
    odd = "a') or True or ('"
    assert compile_condition({odd: "x"})({odd: "x"}) is True
    assert compile_condition({odd: "x"})({}) is False


def test_a_case_that_fails_leaves_no_hit_for_the_next_case():
    from types import SimpleNamespace

    from auditor.checks.kinds import Context, check_row
    from auditor.model import Department, Indicator, Project

    ind = Indicator(row=1, level1="产出指标", level2="质量指标", name="是否按期完成", value="基本完成")
    dept = Department(source="a.txt", year=2025, projects=[Project(no=1, name="项目", indicators=[ind])])
    from auditor.analyse import analyse_department

    analyse_department(dept, classify=False)
    rule = SimpleNamespace(
        params={
            "cases": [
                {"when": {"name_n__has": ["是否"], "value_n__is": ["是", "否"]}, "fire": False},
                {"when": {}},
            ]
        }
    )
    hits = list(check_row(rule, dept, Context()))
    assert len(hits) == 1
    assert "hit" not in hits[0][2]  # 是否 matched inside the first case, which did not hold
