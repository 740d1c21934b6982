"""Every rule in rules/*.yaml: its firing examples fire and its passing examples do not.

The examples are real rows from the seed documents, so this is the catalog's behaviour test.
"""

import pytest

from auditor.checks.catalog import explain_rule, load_rules
from auditor.checks.examples import run_example
from auditor.checks.kinds import ACROSS, KINDS

REQUIRED = {
    "VAGUE",
    "MALFORMED",
    "UNIT",
    "COST_DIRECTION",
    "DIRECTION",
    "COST_NOT_MONEY",
    "EXCEEDS_BUDGET",
    "MISFILED",
    "STALE_DATE",
    "DESC_DUP",
    "GENERIC",
    "MISSING_DIMENSION",
    "DUP_TABLE",
    "GOAL_PLACEHOLDER",
    "COST_SUM",
    "DUP_TABLE_CROSS",
    "YEAR_COPY",
}

CASES = [
    pytest.param(rule.code, expect, example, id=f"{rule.code}-{expect}-{i}")
    for rule in load_rules()
    for expect in ("fire", "pass")
    for i, example in enumerate(rule.examples.get(expect) or [])
]


@pytest.mark.parametrize(("code", "expect", "example"), CASES)
def test_rule_example(code, expect, example):
    found = run_example(code, example)
    if expect == "fire":
        assert found, f"{code} should fire on {example}"
        assert all(f.message for f in found)
        if "message" in example:  # an example may pin the exact message and suggestion
            assert found[0].message == example["message"]
        if "suggestion" in example:
            assert found[0].suggestion == example["suggestion"]
    else:
        assert not found, f"{code} should not fire on {example}: {[f.message for f in found]}"


def test_catalog_covers_required_codes_with_examples():
    rules = {r.code: r for r in load_rules()}
    assert REQUIRED <= set(rules)
    for rule in rules.values():
        assert rule.kind in KINDS or rule.kind in ACROSS
        assert rule.examples.get("fire") and rule.examples.get("pass"), rule.code
        assert rule.rationale and rule.source, rule.code


def test_messages_name_the_text_and_suggest_the_fix():
    example = {
        "level1": "产出指标",
        "level2": "成本指标",
        "name": "改制人员费用",
        "value": "≥558.42 万元",
        "budget": 564,
    }
    (finding,) = run_example("COST_DIRECTION", example)
    assert "改制人员费用" in finding.message and "≥558.42 万元" in finding.message
    assert finding.suggestion == "≤558.42万元"
    (finding,) = run_example(
        "MALFORMED",
        {"level1": "满意度指标", "level2": "服务对象满意度指标", "name": "收到款项的单位满意度", "value": "≥95100"},
    )
    assert finding.suggestion == "≥95%"
    example = {"level1": "产出指标", "level2": "成本指标", "name": "预算控制数", "value": "≥100000 元", "budget": 10}
    (finding,) = run_example("UNIT", example)
    assert finding.suggestion == "≤10万元"


def test_explain_cites_source_and_examples():
    text = explain_rule("COST_DIRECTION")
    assert "101号" in text and "≥558.42万元" in text and "✗" in text and "✓" in text
    assert explain_rule("NO_SUCH_RULE") is None
