"""Stable finding identities: the same defect keeps its id when a department resubmits.

An id is built from what a department does not change when it fixes other things:

    department  its code, else its normalised name, else the file name without extension
    project     its 项目编码, else its normalised name (list numbering such as “（一）” removed)
    indicator   the normalised 三级指标 name of the row; for a project-level finding, the field
                at fault (goal, budget ...) or nothing
    rule        the rule code

Row numbers, line numbers and the project's position are left out, so reordered rows and
renumbered projects keep their ids. "Normalised" is ``checks.facts.norm_text``: NFKC, spaces
and punctuation removed. When two findings of one project share all four parts (the same
三级指标 written twice), the second gets ``#2`` added, and so on, in row order. The id is the
rule code, a dash and the first 12 hex digits of the BLAKE2b hash of those parts, e.g.
``VAGUE-3fa29c1b07d2``: short enough for a spreadsheet column, readable by rule.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from pathlib import Path

from auditor.checks.facts import norm_text
from auditor.model import Department, Finding

_NUMBERING = re.compile(
    r"^\s*(?:附表\s*\d+\s*[:：.、．]?|[(（]?[0-9一二三四五六七八九十]+[)）.、．:：]|项目\s*\d+\s*[:：.、．])\s*"
)


def norm_name(text: str) -> str:
    """A project or indicator name as identities compare it: numbering, spaces and punctuation gone."""
    return norm_text(_NUMBERING.sub("", text or ""))


def department_key(code: str, name: str, source: str = "") -> str:
    code = (code or "").strip()
    if code:
        return code
    name = norm_name(name)
    return f"名:{name}" if name else f"文件:{Path(source).stem}"


def project_key(code: str, name: str) -> str:
    code = (code or "").strip()
    return code if code else f"名:{norm_name(name)}"


def finding_id(rule: str, parts: str) -> str:
    digest = hashlib.blake2b(parts.encode("utf-8"), digest_size=6).hexdigest()
    return f"{rule}-{digest}"


def assign(dept: Department, findings: list[Finding]) -> list[Finding]:
    """Fill ``id`` and ``indicator`` of a department's findings (in place; returned for chaining)."""
    names = {(p.no, ind.row): ind.name for p in dept.projects for ind in p.indicators}
    projects = {p.no: p for p in dept.projects}
    dkey = department_key(dept.code, dept.name, dept.source)
    seen: Counter = Counter()
    pkeys: dict[int, str] = {}  # each project's key and each indicator name's, made once per department
    ikeys: dict[str, str] = {}
    for f in findings:
        project = projects.get(f.project_no) if f.project_no is not None else None
        if project is not None:
            pkey = pkeys.get(project.no)
            if pkey is None:
                pkey = pkeys[project.no] = project_key(project.code, project.name)
        elif f.project_no is not None or f.project_code or f.project:
            pkey = project_key(f.project_code, f.project)
        else:
            pkey = ""
        if f.row is not None:
            f.indicator = names.get((f.project_no, f.row), f.indicator)
            ikey = ikeys.get(f.indicator)
            if ikey is None:
                ikey = ikeys[f.indicator] = norm_name(f.indicator)
        else:
            ikey = f"@{f.field}" if f.field else ""
        parts = "\x1f".join((dkey, pkey, ikey, f.rule))
        seen[parts] += 1
        if seen[parts] > 1:
            parts += f"#{seen[parts]}"
        f.id = finding_id(f.rule, parts)
    return findings
