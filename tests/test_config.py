"""audit.toml: disabled rules, severity overrides, parameter overrides, accepted exceptions."""

from auditor.checks import run_checks
from auditor.checks.examples import example_departments
from auditor.config import Config

COST_ROW = {"level1": "产出指标", "level2": "成本指标", "name": "费用总数", "value": "≥30.75万元", "budget": 1.87}


def _codes(config, example=COST_ROW):
    return {f.rule: f for f in run_checks(example_departments(example), config)}


def test_defaults_fire():
    found = _codes(Config())
    assert {"COST_DIRECTION", "EXCEEDS_BUDGET"} <= set(found)
    assert found["COST_DIRECTION"].severity == "error"


def test_disable_rule():
    found = _codes(Config(raw={"rules": {"disable": ["COST_DIRECTION"]}}))
    assert "COST_DIRECTION" not in found and "EXCEEDS_BUDGET" in found


def test_severity_override():
    found = _codes(Config(raw={"rules": {"severity": {"COST_DIRECTION": "warning"}}}))
    assert found["COST_DIRECTION"].severity == "warning"


def test_param_override_budget_tolerance():
    row = dict(COST_ROW, value="≤1.95万元")
    assert "EXCEEDS_BUDGET" in _codes(Config(), row)
    loose = Config(raw={"rules": {"params": {"EXCEEDS_BUDGET": {"tolerance": 0.1}}}})
    assert "EXCEEDS_BUDGET" not in _codes(loose, row)


def test_accepted_exception_for_one_project():
    code = example_departments(COST_ROW)[0].projects[0].code
    config = Config(raw={"exceptions": [{"project_code": code, "rule": "COST_DIRECTION", "reason": "已确认"}]})
    found = _codes(config)
    assert "COST_DIRECTION" not in found and "EXCEEDS_BUDGET" in found
    other = Config(raw={"exceptions": [{"project_code": "OTHER", "rule": "COST_DIRECTION"}]})
    assert "COST_DIRECTION" in _codes(other)


def test_wildcard_exception_silences_every_rule_of_the_project():
    code = example_departments(COST_ROW)[0].projects[0].code
    assert not _codes(Config(raw={"exceptions": [{"project_code": code, "rule": "*"}]}))


def test_unknown_rule_code_is_a_config_error():
    import pytest

    from auditor.errors import ConfigError

    with pytest.raises(ConfigError, match="GENRIC"):
        _codes(Config(raw={"rules": {"disable": ["GENRIC"]}}))
    with pytest.raises(ConfigError, match="级别"):
        _codes(Config(raw={"rules": {"severity": {"VAGUE": "fatal"}}}))


def test_a_config_received_afresh_reuses_the_applied_catalog():
    """A worker gets the run's config unpickled with every document: an equal config must not
    rebuild the rules (nor make and keep new compiled plans for them) document after document,
    while a different audit.toml still takes effect."""
    import pickle

    from auditor.checks import kinds

    config = Config(raw={"rules": {"severity": {"COST_DIRECTION": "warning"}}})
    first = _codes(config)
    plans = len(kinds._plans)
    for _ in range(5):
        again = _codes(pickle.loads(pickle.dumps(config)))
        assert again["COST_DIRECTION"].severity == first["COST_DIRECTION"].severity == "warning"
    assert len(kinds._plans) == plans
    assert _codes(Config())["COST_DIRECTION"].severity == "error"
