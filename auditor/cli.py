"""Command line: thin click commands over the pipeline. Heavy modules are imported lazily.

Exit status: 0 all good; 1 findings at or above --fail-on (check); 2 usage error;
3 some input files could not be read (the others were processed).
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

EXIT_FINDINGS = 1
EXIT_INPUT_ERRORS = 3


def _default_jobs() -> int:
    return os.cpu_count() or 1


def _load(paths: tuple[str, ...], jobs: int, quiet: bool):
    """Load every document; report each bad file on stderr as one line. Returns (departments, failures)."""
    from auditor.pipeline import collect, load_all
    from auditor.progress import Progress

    files = collect(paths)
    if not files:
        raise click.UsageError("没有找到可读取的文件：" + "、".join(paths))
    departments, failures = [], []
    with Progress(len(files), "读取", quiet=quiet) as bar:
        for path, result in load_all(files, jobs=jobs):
            bar.advance(path.name)
            if isinstance(result, Exception):
                failures.append(result)
                click.echo(f"错误: {result}", err=True)
                continue
            for warning in result.warnings:
                click.echo(f"警告: {result.source}: {warning}", err=True)
            departments.append(result)
    return departments, failures


def _input_summary(files_ok: int, failures: list, quiet: bool) -> None:
    if failures and not quiet:
        click.echo(f"共 {files_ok + len(failures)} 个文件，{len(failures)} 个无法读取（见上方错误）。", err=True)


jobs_option = click.option(
    "--jobs", "-j", type=int, default=None, help="并行进程数（默认：全部 CPU 核）。"
)
quiet_option = click.option("--quiet", "-q", is_flag=True, help="不显示进度和汇总，仅输出结果。")
config_option = click.option(
    "--config", "config_path", type=click.Path(dir_okay=False), default=None,
    help="audit.toml 配置文件（默认在文档所在目录查找）。",
)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="auditor")
def main() -> None:
    """绩效目标表质量审核：抽取指标、按规则检查、评分并生成报告。"""


# --------------------------------------------------------------------------- extract


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "xlsx"]), default="csv", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="输出文件（默认标准输出；xlsx 必须指定）。")
@jobs_option
@quiet_option
def extract(paths, fmt, output, jobs, quiet):
    """抽取每个三级指标行（含项目和部门信息）。"""
    from auditor.report.rows import write_rows

    if fmt == "xlsx" and not output:
        raise click.UsageError("xlsx 格式需要用 -o 指定输出文件。")
    departments, failures = _load(paths, jobs or _default_jobs(), quiet)
    write_rows(departments, fmt, output)
    _input_summary(len(departments), failures, quiet)
    sys.exit(EXIT_INPUT_ERRORS if failures else 0)


# --------------------------------------------------------------------------- check


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["text", "jsonl", "csv"]), default="text", show_default=True)
@click.option("-o", "--output", type=click.Path(dir_okay=False), default=None, help="输出文件（默认标准输出）。")
@click.option(
    "--fail-on", type=click.Choice(["error", "warning", "never"]), default="error", show_default=True,
    help="出现该级别及以上的问题时以状态 1 退出。",
)
@config_option
@jobs_option
@quiet_option
def check(paths, fmt, output, fail_on, config_path, jobs, quiet):
    """按规则目录检查指标，输出问题清单。"""
    from auditor.checks import run_checks
    from auditor.config import load_config
    from auditor.report.findings import write_findings

    config = load_config(config_path, paths)
    departments, failures = _load(paths, jobs or _default_jobs(), quiet)
    findings = run_checks(departments, config)
    write_findings(findings, fmt, output)
    _input_summary(len(departments), failures, quiet)
    order = {"info": 0, "warning": 1, "error": 2}
    if fail_on != "never" and any(order.get(f.severity, 0) >= order[fail_on] for f in findings):
        sys.exit(EXIT_FINDINGS)
    sys.exit(EXIT_INPUT_ERRORS if failures else 0)


# --------------------------------------------------------------------------- score


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default="reports", show_default=True)
@config_option
@jobs_option
@quiet_option
def score(paths, out_dir, config_path, jobs, quiet):
    """检查并评分，生成 HTML 评分卡、findings.csv/xlsx 和 scores.json。"""
    from auditor.checks import run_checks
    from auditor.config import load_config
    from auditor.report import write_reports
    from auditor.scoring import score_all

    config = load_config(config_path, paths)
    departments, failures = _load(paths, jobs or _default_jobs(), quiet)
    findings = run_checks(departments, config)
    scores = score_all(departments, findings, config)
    written = write_reports(departments, findings, scores, Path(out_dir), config)
    if not quiet:
        from auditor.report.summary import print_summary

        print_summary(departments, findings, scores, written)
    _input_summary(len(departments), failures, quiet)
    sys.exit(EXIT_INPUT_ERRORS if failures else 0)


# --------------------------------------------------------------------------- rules / explain


@main.command(name="rules")
def list_rules():
    """列出规则目录（代码、级别、说明）。"""
    from auditor.checks.catalog import load_rules

    for rule in load_rules():
        click.echo(f"{rule.code:18s} {rule.severity:8s} {rule.title}")


@main.command()
@click.argument("code")
def explain(code):
    """显示一条规则的依据、示例和修改建议。"""
    from auditor.checks.catalog import explain_rule

    text = explain_rule(code.upper())
    if text is None:
        raise click.UsageError(f"未知规则代码：{code}（用 audit rules 查看全部）")
    click.echo(text)
