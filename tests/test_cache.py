"""The per-user cache folder (auditor/cache.py): made once, read back, stale or damaged files never trusted."""

from __future__ import annotations

import pytest

from auditor import cache


@pytest.fixture
def folder(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "cache"))
    return tmp_path / "cache"


def test_made_once_then_read_back(folder):
    made = []

    def make():
        made.append(1)
        return {"救助金": "n", "发放": "v"}

    first = cache.pickled("tags", ("v1", 3), make)
    second = cache.pickled("tags", ("v1", 3), make)
    assert first == second == {"救助金": "n", "发放": "v"}
    assert len(made) == 1
    assert len(list(folder.glob("tags-*.pickle"))) == 1


def test_a_changed_input_makes_a_new_file(folder):
    cache.pickled("tags", ("v1",), lambda: 1)
    assert cache.pickled("tags", ("v2",), lambda: 2) == 2
    assert len(list(folder.glob("tags-*.pickle"))) == 2


def test_a_damaged_file_is_made_again(folder):
    cache.pickled("tags", "key", lambda: [1, 2])
    (path,) = folder.glob("tags-*.pickle")
    path.write_bytes(b"\x80\x05not a pickle")
    assert cache.pickled("tags", "key", lambda: [3]) == [3]
    assert cache.pickled("tags", "key", lambda: [4]) == [3]  # the repaired file is read


def test_off_when_the_variable_is_empty(tmp_path, monkeypatch):
    monkeypatch.setenv("AUDITOR_CACHE_DIR", "")
    made = []
    for _ in range(2):
        cache.pickled("tags", "key", lambda: made.append(1) or len(made))
    assert len(made) == 2
    assert cache.path_for("tags", "key", ".pickle") is None


def test_a_folder_that_cannot_be_made_only_costs_time(tmp_path, monkeypatch):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(blocker / "cache"))  # a folder inside a file
    assert cache.pickled("tags", "key", lambda: "made") == "made"


def test_the_cached_tokenizer_reads_names_as_a_fresh_one(folder, monkeypatch):
    """The jieba state read back from the cache gives the same objects and actions as one just built."""
    import auditor.nlp as nlp

    names = ["困难群众救助金发放人数", "农村供水工程泵房改造数量", "义务教育学生营养餐补助发放及时率", "发放人数"]

    def fresh():
        nlp.tokenizer.cache_clear()
        nlp.name_words.cache_clear()
        return [nlp.name_words(n) for n in names]

    built = fresh()  # made and stored
    assert list(folder.glob("jieba-state-*.pickle"))
    again = fresh()  # read back
    assert built == again
    assert "泵房" in again[1][0] and "改造" in again[1][1]  # object and action of a water-supply row
    assert again[3][0] == ()  # 发放人数 names no object
    nlp.tokenizer.cache_clear()
    nlp.name_words.cache_clear()


def test_old_files_of_the_same_kind_are_removed_when_a_new_one_is_made(folder):
    import os
    import time

    cache.pickled("tags", "v1", lambda: 1)
    cache.pickled("tags", "v2", lambda: 2)
    cache.pickled("letter", "v1", lambda: 3)
    month_ago = time.time() - 40 * 86400
    for path in folder.glob("*-*.pickle"):
        os.utime(path, (month_ago, month_ago))
    recent = cache.path_for("tags", "v2", ".pickle")
    os.utime(recent, None)  # v2 was written lately: kept
    cache.pickled("tags", "v3", lambda: 4)
    names = sorted(p.name.split("-")[0] for p in folder.glob("*.pickle"))
    assert names == ["letter", "tags", "tags"]  # v1 gone, v2 and v3 kept; another kind untouched
    assert cache.pickled("tags", "v2", lambda: 99) == 2


def test_a_rule_file_is_parsed_once_and_again_when_edited(folder, tmp_path, monkeypatch):
    from auditor import resources
    from auditor.resources import read_yaml

    parsed = []
    monkeypatch.setattr(
        resources, "parse_yaml", lambda text, parse=resources.parse_yaml: parsed.append(1) or parse(text)
    )
    rule = tmp_path / "vague.yaml"
    rule.write_text("code: VAGUE\nseverity: warning\nexamples:\n  - 指标值: 有所提高\n", encoding="utf-8")
    assert read_yaml(rule) == {"code": "VAGUE", "severity": "warning", "examples": [{"指标值": "有所提高"}]}
    assert len(list(folder.glob("yaml-*.pickle"))) == 1
    assert read_yaml(rule)["severity"] == "warning"  # read back, not parsed
    assert len(parsed) == 1
    rule.write_text("code: VAGUE\nseverity: error\n", encoding="utf-8")
    assert read_yaml(rule) == {"code": "VAGUE", "severity": "error"}  # the edit is seen
    assert len(parsed) == 2
    rule.write_text("code: [VAGUE\n", encoding="utf-8")
    with pytest.raises(Exception, match="flow sequence"):  # a YAML error is raised, never cached
        read_yaml(rule)
    assert len(list(folder.glob("yaml-*.pickle"))) == 2


# --------------------------------------------------------------------------- compiled modules (bytecode.py)


def _python(code: str, cache_dir, **env) -> str:
    import os
    import subprocess
    import sys

    environ = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    environ.update(AUDITOR_CACHE_DIR=str(cache_dir), **env)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=environ, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def test_without_bytecode_files_the_package_is_compiled_once_into_the_cache(tmp_path):
    """With PYTHONDONTWRITEBYTECODE a module's code is kept in the cache folder, and the next
    import reads it from there: a planted code object shows through."""
    import marshal

    import auditor.chars

    _python("import auditor.chars", tmp_path, PYTHONDONTWRITEBYTECODE="1")
    (kept,) = tmp_path.glob("code-auditor.chars-*.bin")
    kept.write_bytes(marshal.dumps(compile("MARK = '取自缓存'", auditor.chars.__file__, "exec")))
    assert (
        _python("import auditor.chars; print(auditor.chars.MARK)", tmp_path, PYTHONDONTWRITEBYTECODE="1") == "取自缓存"
    )


def test_with_bytecode_files_allowed_python_keeps_them_itself(tmp_path):
    _python("import auditor.chars", tmp_path / "cache", PYTHONPYCACHEPREFIX=str(tmp_path / "pyc"))
    assert not list((tmp_path / "cache").glob("code-*"))


def test_an_edited_module_is_compiled_again(tmp_path, monkeypatch):
    from auditor.bytecode import CachedLoader

    monkeypatch.setenv("AUDITOR_CACHE_DIR", str(tmp_path / "cache"))
    source = tmp_path / "fake.py"
    source.write_text("VALUE = '第一版'\n", encoding="utf-8")
    loader = CachedLoader("auditor.fake", str(source))
    first = {}
    exec(loader.get_code("auditor.fake"), first)
    source.write_text("VALUE = '第二版（修改后）'\n", encoding="utf-8")
    second = {}
    exec(loader.get_code("auditor.fake"), second)
    assert (first["VALUE"], second["VALUE"]) == ("第一版", "第二版（修改后）")
    assert len(list((tmp_path / "cache").glob("code-auditor.fake-*.bin"))) == 2
