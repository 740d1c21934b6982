"""The short summary table printed on stderr at the end of `audit score` (skipped with --quiet)."""

from __future__ import annotations

import unicodedata
from pathlib import Path

import click

from auditor.report.html import DECISIONS, Line


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    if _width(text) > width:
        while _width(text + "…") > width:
            text = text[:-1]
        text += "…"
    fill = " " * (width - _width(text))
    return fill + text if right else text + fill


def card_lines(lines: list[Line], limit: int = 30) -> list[str]:
    """The table for department summary lines (``html.Line``): lowest scores first, then totals."""
    out = [f"{_pad('部门', 30)} {_pad('项目', 4, True)} {_pad('问题', 4, True)} {_pad('得分', 6, True)}  等级  结论"]
    ranked = sorted(lines, key=lambda line: line.score)
    for line in ranked[:limit]:
        out.append(
            f"{_pad(line.name, 30)} {_pad(str(line.project_count), 4, True)} "
            f"{_pad(str(line.n_findings), 4, True)} {_pad(f'{line.score:g}', 6, True)}  {_pad(line.grade, 4)}  {line.decision}"
        )
    if len(ranked) > limit:
        out.append(f"……另有 {len(ranked) - limit} 个部门，完整排名见 index.html")
    passed, revise, returned = (sum(line.decisions[i] for line in lines) for i in range(len(DECISIONS)))
    out.append(
        f"合计 {len(lines)} 个部门、{passed + revise + returned} 个项目：通过 {passed}，"
        f"修改后通过 {revise}，退回 {returned}；"
        f"问题 {sum(line.n_findings for line in lines)} 处。"
    )
    return out


def print_summary(lines: list[Line], written: list[Path], run=None, config=None) -> None:
    from auditor.safe import terminal

    for line in card_lines(lines):
        click.echo(terminal(line), err=True)
    if run is not None:
        for path, reason in run.unread:
            click.echo(terminal(f"未计分（无法读取）：{path}：{reason}"), err=True)
        for path, _note in run.no_tables:
            click.echo(f"未计分（未发现绩效目标表）：{path}", err=True)
        for department, paths in run.same_department:
            click.echo(terminal(f"同一部门的多个文件：{department}：{'、'.join(paths)}"), err=True)
    if config is not None:
        exceptions = config.exceptions()
        click.echo(f"配置：{config.name()}；接受的例外 {len(exceptions)} 条。", err=True)
        for e in exceptions:
            rule = "全部规则" if e["rule"] == "*" else e["rule"]
            click.echo(f"  例外：项目 {e['project_code']} {rule}：{e['reason'] or '（未写理由）'}", err=True)
    if written:
        click.echo(f"报告已写入 {written[0].parent}（{len(written)} 个文件），打开 index.html 查看。", err=True)
