"""The short summary table printed on stderr at the end of `audit score` (skipped with --quiet)."""

from __future__ import annotations

import unicodedata
from collections import Counter
from pathlib import Path

import click

from auditor.model import Department, Finding, Score


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    if _width(text) > width:
        while _width(text + "…") > width:
            text = text[:-1]
        text += "…"
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def summary_lines(departments: list[Department], findings: list[Finding], scores: list[Score]) -> list[str]:
    dept_score = {s.source: s for s in scores if s.project_no is None}
    per_dept = Counter(f.source for f in findings)
    lines = [f"{_pad('部门', 30)} {_pad('项目', 4, True)} {_pad('问题', 4, True)} {_pad('得分', 6, True)}  等级  结论"]
    for dept in sorted(departments, key=lambda d: -dept_score[d.source].score):
        s = dept_score[dept.source]
        lines.append(
            f"{_pad(dept.name or dept.source, 30)} {_pad(str(len(dept.projects)), 4, True)} "
            f"{_pad(str(per_dept[dept.source]), 4, True)} {_pad(f'{s.score:g}', 6, True)}  {_pad(s.grade, 4)}  {s.decision}"
        )
    decisions = Counter(s.decision for s in scores if s.project_no is not None)
    lines.append(
        f"合计 {len(departments)} 个部门、{sum(decisions.values())} 个项目：通过 {decisions['通过']}，"
        f"修改后通过 {decisions['修改后通过']}，退回 {decisions['退回']}；问题 {len(findings)} 处。"
    )
    return lines


def print_summary(departments, findings, scores, written: list[Path]) -> None:
    for line in summary_lines(departments, findings, scores):
        click.echo(line, err=True)
    if written:
        click.echo(f"报告已写入 {written[0].parent}（{len(written)} 个文件），打开 index.html 查看。", err=True)
