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


def card_lines(cards: list[dict], limit: int = 30) -> list[str]:
    """The table for department summaries (``html.card_summary``): lowest scores first, then totals."""
    lines = [f"{_pad('部门', 30)} {_pad('项目', 4, True)} {_pad('问题', 4, True)} {_pad('得分', 6, True)}  等级  结论"]
    ranked = sorted(cards, key=lambda c: c["score"].score)
    for c in ranked[:limit]:
        s = c["score"]
        lines.append(
            f"{_pad(c['dept'].name or c['dept'].source, 30)} {_pad(str(c['project_count']), 4, True)} "
            f"{_pad(str(c['n_findings']), 4, True)} {_pad(f'{s.score:g}', 6, True)}  {_pad(s.grade, 4)}  {s.decision}"
        )
    if len(ranked) > limit:
        lines.append(f"……另有 {len(ranked) - limit} 个部门，完整排名见 index.html")
    decisions: Counter = Counter()
    for c in cards:
        decisions.update(c["decisions"])
    lines.append(
        f"合计 {len(cards)} 个部门、{sum(decisions.values())} 个项目：通过 {decisions['通过']}，"
        f"修改后通过 {decisions['修改后通过']}，退回 {decisions['退回']}；"
        f"问题 {sum(c['n_findings'] for c in cards)} 处。"
    )
    return lines


def summary_lines(departments: list[Department], findings: list[Finding], scores: list[Score]) -> list[str]:
    """The same table for departments held in memory."""
    from auditor.report.html import card_summary, department_card, group_by_source

    by_f, by_s = group_by_source(findings), group_by_source(scores)
    cards = [card_summary(department_card(d, by_f[d.source], by_s[d.source], "")) for d in departments]
    return card_lines(cards)


def print_summary(cards: list[dict], written: list[Path]) -> None:
    for line in card_lines(cards):
        click.echo(line, err=True)
    if written:
        click.echo(f"报告已写入 {written[0].parent}（{len(written)} 个文件），打开 index.html 查看。", err=True)
