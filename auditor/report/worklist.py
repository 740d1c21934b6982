"""The send-back worklist: every project that needs action, in the order a reviewer works.

退回 first, then 修改后通过, each group by score (lowest first) and then budget (largest first).
Each entry names its department, budget, decision with its reason and the two or three
findings that decide it. Entries are built per department (``entries``, in the worker that
scored it); ``Worklist`` in the main process spools them to disk, sorts their small keys at
the end and hands the rows back in order to index.html and to findings.xlsx's first sheet.
"""

from __future__ import annotations

import tempfile
from array import array
from collections import defaultdict
from collections.abc import Iterator
from typing import NamedTuple

from auditor.model import SEVERITY_CN, Finding, Score
from auditor.report.xlsx import Sheet

ACTION = {"退回": 0, "修改后通过": 1}  # decisions that need action, in the order they are worked
_SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
# A project's columns as every sheet that lists projects writes them (this one and 评分).
PROJECT_COLUMNS = ["项目序号", "项目编码", "项目名称", "预算数（万元）", "得分", "等级"]
WORKLIST_COLUMNS = [
    "审核结论",
    "结论理由",
    "部门编码",
    "部门",
    *PROJECT_COLUMNS,
    "决定结论的问题",
    "问题数",
    "文件",
    "位置",
]
WORKLIST_SHEET = Sheet(
    "待处理清单",
    WORKLIST_COLUMNS,
    [10, 36, 9, 22, 8, 22, 30, 12, 7, 6, 70, 7, 24, 16],
    {"结论理由", "项目名称", "决定结论的问题"},
)


def deciding(findings: list[Finding], cfg: dict, limit: int = 3) -> list[tuple[str, list[Finding]]]:
    """The rules whose findings decide a project, most decisive first, with their findings.

    A rule that returns a table by itself (``decision.return.rules``) comes first, then the
    rules of a copied template (``template``), then by severity, then by how often it fired.
    """
    returning = set(cfg.get("decision", {}).get("return", {}).get("rules", []))
    tp = cfg.get("template") or {}
    template = set(tp.get("copied", [])) | set(tp.get("generic", []))
    by_rule: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        by_rule[f.rule].append(f)

    def key(item):
        code, fs = item
        worst = min(_SEVERITY_RANK.get(f.severity, 3) for f in fs)
        return (code not in returning, code not in template, worst, -len(fs), code)

    return sorted(by_rule.items(), key=key)[:limit]


def _rows(fs: list[Finding]) -> str:
    rows = sorted({f.row for f in fs if f.row is not None})
    if not rows:
        return ""
    shown = "、".join(map(str, rows[:8])) + ("等" if len(rows) > 8 else "")
    return f"（第{shown}行）"


def deciding_text(code: str, fs: list[Finding], title: str) -> str:
    """One deciding rule as a line: ``错误 VAGUE 指标值不可衡量 3处（第2、5、7行）：first message``."""
    severity = SEVERITY_CN.get(fs[0].severity, fs[0].severity)
    name = f"{code} {title}" if title and title != code else code
    message = fs[0].message if len(fs[0].message) <= 80 else fs[0].message[:79] + "…"
    return f"{severity} {name} {len(fs)}处{_rows(fs)}：{message}"


class Entry(NamedTuple):
    """One project of the worklist, rendered for both reports."""

    key: tuple  # sort key: (decision order, score, -budget, department order, project no)
    html: bytes  # its index.html row, UTF-8 (encoded where rendered: the main process only spools it)
    xlsx: bytes  # its findings.xlsx row (with ROW_MARK), UTF-8


def sort_key(score: Score) -> tuple:
    return (ACTION[score.decision], score.score, -(score.budget or 0))


class Worklist:
    """The run's worklist: entries spooled to disk as departments come, sorted at the end.

    Kept in memory per entry: its sort key and where it lies in the spool, as seven numbers in
    typed arrays (about 50 bytes; a million entries of a 100,000-department run fit in 50 MB)."""

    def __init__(self):
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed in close()
        # the sort key (decision order, score, -budget, department order), then the spool position
        self._action, self._score, self._budget = array("b"), array("d"), array("d")
        self._department, self._offset = array("q"), array("q")
        self._html, self._xlsx = array("q"), array("q")
        self.counts = {d: 0 for d in ACTION}

    def add(self, entries: list[Entry], department_order: int) -> None:
        for e in entries:
            html, xlsx = e.html, e.xlsx
            action, score, budget = e.key
            self._action.append(action)
            self._score.append(score)
            self._budget.append(budget)
            self._department.append(department_order)
            self._offset.append(self._spool.tell())
            self._html.append(len(html))
            self._xlsx.append(len(xlsx))
            self._spool.write(html)
            self._spool.write(xlsx)
            self.counts[next(d for d, n in ACTION.items() if n == action)] += 1

    def __len__(self) -> int:
        return len(self._action)

    def _sorted(self) -> list[int]:
        """The entries' numbers in worklist order (ties: the order they came in)."""
        import numpy as np

        columns = (self._department, self._budget, self._score, self._action)  # lexsort: last is first
        return np.lexsort([np.frombuffer(c, np.float64 if c.typecode == "d" else np.int64 if c.typecode == "q"
                                         else np.int8) for c in columns]).tolist()  # fmt: skip

    def _read(self, offset: int, size: int) -> str:
        self._spool.seek(offset)
        return self._spool.read(size).decode()

    def xlsx_rows(self) -> Iterator[str]:
        for i in self._sorted():
            yield self._read(self._offset[i] + self._html[i], self._xlsx[i])

    def html_rows(self, limit: int) -> Iterator[str]:
        for i in self._sorted()[:limit]:
            yield self._read(self._offset[i], self._html[i])

    def close(self) -> None:
        self._spool.close()
