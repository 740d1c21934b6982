"""Rule files are validated when the catalog loads: a misspelt fact, key, kind, operator, lexicon,
problem, parameter or ``unless`` code is one line naming the file and the key, and exit status 2."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from auditor.checks.catalog import _from_mapping, explain_rule
from auditor.checks.validate import RuleError
from auditor.resources import data_dir

ROW = {
    "code": "TEST_RULE",
    "severity": "warning",
    "kind": "row",
    "title": "测试",
    "message": "“{name}”",
    "params": {"when": {"level2": "成本指标"}},
}


def _broken_catalog(tmp_path: Path, file: str, old: str, new: str) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(data_dir("rules"), folder)
    path = folder / file
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return folder


def _audit(folder: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "AUDIT_RULES_DIR": str(folder)}
    return subprocess.run(
        [sys.executable, "-m", "auditor", *args], capture_output=True, text=True, env=env, timeout=120
    )


@pytest.mark.parametrize(
    ("file", "old", "new", "key"),
    [
        ("generic.yaml", "when: {generic: true", "when: {generik: true", "GENERIC.params.when.generik"),
        ("vague.yaml", "rationale:", "rationnale:", "VAGUE.rationnale"),
        ("stale_date.yaml", "kind: row", "kind: rows", "STALE_DATE.kind"),
    ],
    ids=["misspelt-fact", "misspelt-key", "misspelt-kind"],
)
def test_a_misspelt_rule_is_one_line_and_exit_2(tmp_path, file, old, new, key):
    folder = _broken_catalog(tmp_path, file, old, new)
    for command in (["rules"], ["check", str(data_dir("rules").parent / "examples"), "-q"]):
        result = _audit(folder, *command)
        assert result.returncode == 2, result.stderr
        lines = result.stderr.strip().splitlines()
        assert len(lines) == 1, result.stderr
        assert file in lines[0] and key in lines[0]
        assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("change", "key"),
    [
        ({"params": {"when": {"name_n__hass": ["率"]}}}, "name_n__hass"),  # an unknown operator
        ({"params": {"when": {"name_n__has": ["@no_such_list"]}}}, "no_such_list"),
        ({"params": {"when": {"problems__has": ["fuzed"]}}}, "fuzed"),
        ({"params": {"when": {"kind": ["ratio"]}}}, "ratio"),
        ({"params": {"tolerance": 0.1}}, "params.tolerance"),  # a budget parameter on a row rule
        ({"params": {"cases": [{"when": {}, "mesage": "x"}]}}, "mesage"),
        ({"message": "{nmae}"}, "nmae"),
        ({"examples": {"fire": [{"nmae": "x"}]}}, "nmae"),
    ],
)
def test_every_part_of_a_rule_is_checked(change, key):
    data = {**ROW, **change}
    with pytest.raises(RuleError) as err:
        _from_mapping(data, "test.yaml")
    text = str(err.value)
    assert "\n" not in text and "test.yaml" in text and key in text


def test_unless_must_name_an_earlier_rule():
    from auditor.checks import validate
    from auditor.checks.catalog import Rule

    rules = [Rule(code="A", severity="info", category="", kind="row", title="a", params={"unless": ["B"]}, order=1)]
    with pytest.raises(RuleError, match="A.params.unless"):
        validate.unless({"A": "a.yaml"}, rules)


def test_explain_shows_parameters_with_their_defaults():
    text = explain_rule("EXCEEDS_BUDGET")
    assert "tolerance = 0.005" in text
    assert "min_rows = 2" in text  # a default the rule does not set
    boiler = explain_rule("BOILERPLATE_VALUES")
    assert "share = 0.8" in boiler and "min_rows = 3" in boiler
