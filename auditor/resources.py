"""Locate the data that ships with the package: rules/*.yaml and lexicons/*.

Installed, they live in the packages ``auditor.rules`` and ``auditor.lexicons``
(mapped from the top-level folders in pyproject.toml); from a source checkout
they are the top-level ``rules/`` and ``lexicons/`` folders.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


@cache
def data_dir(name: str) -> Path:
    """Return the folder holding the shipped data ``name`` ("rules" or "lexicons")."""
    inside = _PACKAGE / name  # an installed wheel
    return inside if inside.is_dir() else _PACKAGE.parent / name  # a source checkout


def lexicon(name: str) -> list[str]:
    """Read lexicons/<name>.txt: one entry a line, '#' starts a comment, blanks skipped."""
    path = data_dir("lexicons") / f"{name}.txt"
    words = []
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            words.append(line)
    return words


def lexicon_rows(name: str) -> list[tuple[str, ...]]:
    """``lexicon(name)`` for a tab-separated list: each entry's fields, stripped."""
    return [tuple(part.strip() for part in line.split("\t")) for line in lexicon(name)]


def read_yaml(path: Path):
    """A YAML file's data, parsed safely, and kept parsed in the cache folder (auditor.cache) under
    the file's text: every run reads rules/*.yaml before its first document, and unpickling the
    catalog takes a twentieth of parsing it (PyYAML builds Python objects in Python even with
    libyaml's C parser). A changed file is parsed afresh; a YAML error is raised as parsing raises it."""
    from auditor.cache import pickled

    text = path.read_text(encoding="utf-8")
    return pickled("yaml", (path.name, text), lambda: parse_yaml(text))


def parse_yaml(text: str):
    """YAML text parsed safely; with libyaml's C parser when PyYAML has it (ten times faster)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
