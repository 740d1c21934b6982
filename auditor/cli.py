"""Command line: thin click commands over the pipeline. Heavy modules are imported lazily.

Exit status: 0 all good; 1 findings at or above --fail-on (check); 2 usage error;
3 some input files could not be read (the others were processed).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_FINDINGS = 1
EXIT_INPUT_ERRORS = 3


def _files(paths: tuple[str, ...]) -> list[Path]:
    from auditor.pipeline import collect

    files = collect(paths)
    if not files:
        raise click.UsageError("没有找到可读取的文件：" + "、".join(paths))
    return files


class _Notices:
    """Progress bar and one stderr line per unreadable file or warning, as documents come back."""

    def __init__(self, total: int, label: str, quiet: bool):
        from auditor.progress import Progress

        self.bar = Progress(total, label, quiet=quiet)
        self.failures: list = []
        self.good = 0

    def __call__(self, loaded) -> None:
        self.bar.advance(loaded.path.name)
        if loaded.error is not None:
            self.failures.append(loaded.error)
            self.bar.clear()
            click.echo(f"错误: {loaded.error}", err=True)
            return
        self.good += 1
        for warning in loaded.warnings:
            self.bar.clear()
            click.echo(f"警告: {loaded.path.name}: {warning}", err=True)

    def done(self, quiet: bool) -> int:
        """Close the bar, print the input summary; the exit status for the input side."""
        self.bar.close()
        if self.failures and not quiet:
            click.echo(f"共 {self.good + len(self.failures)} 个文件，{len(self.failures)} 个无法读取（见上方错误）。", err=True)
        return EXIT_INPUT_ERRORS if self.failures else 0


def _run(paths, config, jobs, scheduler, quiet, label):
    """A batch.Run over the files with progress and notices on stderr."""
    from auditor.batch import Run
    from auditor.pipeline import default_jobs
    from auditor.progress import Progress

    files = _files(paths)
    notices = _Notices(len(files), label, quiet)
    finishing = Progress(len(files), "汇总", quiet=quiet)

    def finished(done: int) -> None:
        if done == 1:  # reading is over: its bar ends, this one counts only the readable files
            notices.bar.close()
            finishing.total = notices.good
        finishing.advance()

    run = Run(files, config, jobs or default_jobs(), scheduler, on_loaded=notices, on_finished=finished)
    return run, notices, finishing


jobs_option = click.option(
    "--jobs", "-j", type=click.IntRange(min=1), default=None, help="并行进程数（默认：全部 CPU 核）。"
)
scheduler_option = click.option(
    "--scheduler",
    default=None,
    metavar="ADDRESS",
    help="在 Dask 集群上运行逐文件阶段：调度器地址（如 tcp://10.0.0.5:8786），或 local 启动本机集群。",
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
@scheduler_option
@quiet_option
def extract(paths, fmt, output, jobs, scheduler, quiet):
    """抽取每个三级指标行（含项目和部门信息）。"""
    from auditor.pipeline import default_jobs, document_stage, ordered_map
    from auditor.report.rows import write_rows

    if fmt == "xlsx" and not output:
        raise click.UsageError("xlsx 格式需要用 -o 指定输出文件。")
    files = _files(paths)
    notices = _Notices(len(files), "读取", quiet)

    def departments():
        for loaded in ordered_map(document_stage, enumerate(files), jobs or default_jobs(), scheduler):
            notices(loaded)
            if loaded.department is not None:
                yield loaded.department

    write_rows(departments(), fmt, output)
    sys.exit(notices.done(quiet))


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
@scheduler_option
@quiet_option
def check(paths, fmt, output, fail_on, config_path, jobs, scheduler, quiet):
    """按规则目录检查指标，输出问题清单。"""
    from auditor.config import load_config
    from auditor.report.findings import FindingsWriter

    config = load_config(config_path, paths)
    run, notices, finishing = _run(paths, config, jobs, scheduler, quiet, "检查")
    with FindingsWriter(fmt, output) as writer:
        severities = run.check(writer)
    finishing.close()
    status = notices.done(quiet)
    order = {"info": 0, "warning": 1, "error": 2}
    if fail_on != "never" and any(order.get(sev, 0) >= order[fail_on] for sev in severities):
        sys.exit(EXIT_FINDINGS)
    sys.exit(status)


# --------------------------------------------------------------------------- score


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default="reports", show_default=True)
@config_option
@click.option(
    "--dispositions", "dispositions_path", type=click.Path(dir_okay=False), default=None,
    help="审核人员填写了“处理意见”的 findings.xlsx 或文本基线文件；不采纳、已沟通的问题不再扣分。",
)
@jobs_option
@scheduler_option
@quiet_option
def score(paths, out_dir, config_path, dispositions_path, jobs, scheduler, quiet):
    """检查并评分，生成 HTML 评分卡、findings.csv/xlsx 和 scores.json。"""
    from auditor.config import load_config

    config = load_config(config_path, paths)
    _load_dispositions(config, dispositions_path)
    run, notices, finishing = _run(paths, config, jobs, scheduler, quiet, "检查")
    lines, written = run.score(Path(out_dir))
    finishing.close()
    _report_stale(config, run.used)
    if not quiet:
        from auditor.report.summary import print_summary

        print_summary(lines, written)
    sys.exit(notices.done(quiet))


def _load_dispositions(config, path) -> None:
    """``--dispositions`` or audit.toml's [review] dispositions into ``config.dispositions``."""
    from auditor import dispositions
    from auditor.errors import AuditError

    path = path or config.dispositions_path()
    if path is None:
        return
    try:
        config.dispositions = dispositions.load(path)
    except AuditError as err:
        raise click.UsageError(str(err)) from None


def _report_stale(config, used: set[str]) -> None:
    """One stderr line per disposition whose finding no longer exists (as ruff reports an unused noqa)."""
    from auditor.dispositions import stale

    old = stale(config.dispositions, used)
    for d in old:
        click.echo(f"警告: 处理意见已过期（问题已不存在）：{d.id} {d.disposition}（{d.where}）", err=True)
    if config.dispositions:
        click.echo(
            f"处理意见 {len(config.dispositions)} 条：已应用 {len(config.dispositions) - len(old)} 条，过期 {len(old)} 条。",
            err=True,
        )


# --------------------------------------------------------------------------- diff


@main.command()
@click.argument("old", type=click.Path(exists=True))
@click.argument("new", type=click.Path(exists=True))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default="diff", show_default=True)
@click.option(
    "--threshold", type=click.FloatRange(0, 100), default=80, show_default=True,
    help="项目名称、三级指标名称的相似度（0–100）达到此值视为同一项（改名后仍对应）。",
)
@config_option
@jobs_option
@quiet_option
def diff(old, new, out_dir, threshold, config_path, jobs, quiet):
    """对比两轮报送：哪些问题已修改、仍存在、新增，得分和结论的变化。

    OLD、NEW 各为一组文档（文件或文件夹）、一个 audit score 输出文件夹，或一个问题清单
    （findings.csv / .jsonl / findings.xlsx）。输出终端摘要、diff.html 和 diff.xlsx。
    """
    from auditor.config import load_config
    from auditor.diff import diff_runs, document_states, report_files, states_from_files
    from auditor.errors import InputError
    from auditor.pipeline import default_jobs
    from auditor.report.diff_report import summary_text, write_diff

    config = load_config(config_path, (new,))
    sides, documents = [], []
    for path in (Path(old), Path(new)):
        files = report_files(path)
        if files is not None:
            try:
                sides.append(states_from_files(*files))
            except InputError as err:
                raise click.UsageError(str(err)) from None
            documents.append([])
        else:
            sides.append(None)
            documents.append(_files((str(path),)))
    status = 0
    if any(documents):
        notices = _Notices(sum(map(len, documents)), "检查", quiet)
        loaded = document_states(documents, config, jobs or default_jobs(), on_loaded=notices)
        sides = [side if side is not None else states for side, states in zip(sides, loaded, strict=True)]
        status = notices.done(quiet)
    diffs = diff_runs(sides[0], sides[1], threshold)
    written = write_diff(diffs, Path(out_dir), old, new, config)
    if not quiet:
        click.echo(summary_text(diffs, old, new))
        click.echo("已写入：" + "、".join(str(p) for p in written))
    sys.exit(status)


# --------------------------------------------------------------------------- eval


@main.command(name="eval")
@click.argument("gold", type=click.Path(exists=True, dir_okay=False))
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option(
    "--projects", "projects_path", type=click.Path(exists=True, dir_okay=False), default=None,
    help="项目级标注 CSV（file,code[,project]）。",
)
@click.option("--rules", "only", default=None, metavar="A,B", help="只评测这些规则代码。")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--show", is_flag=True, help="逐条列出漏报和误报。")
@config_option
@jobs_option
@quiet_option
def evaluate(gold, paths, projects_path, only, fmt, show, config_path, jobs, quiet):
    """对照人工标注评测抽取和检查结果：按三级指标名称匹配行，按规则代码计算 P/R/F1（micro、macro）。

    GOLD 为行级标注 CSV（file,n,level1,level2,name,value,codes），PATH 为被标注的文档。
    """
    from auditor import evaluate as ev
    from auditor.config import load_config
    from auditor.pipeline import default_jobs, document_stage, ordered_map

    try:
        labels = ev.read_gold(Path(gold))
        projects = ev.read_gold_projects(Path(projects_path)) if projects_path else None
    except (ValueError, KeyError, OSError) as err:
        raise click.UsageError(f"标注文件无法读取：{err}") from err
    config = load_config(config_path, paths)
    files = _files(paths)
    rows = []
    for loaded in ordered_map(document_stage, enumerate(files), jobs or default_jobs()):
        if loaded.department is not None:
            rows += ev.rows_of(loaded.department)
    run, notices, finishing = _run(paths, config, jobs, None, quiet, "评测")
    collected = ev.Collected()
    run.check(collected)
    finishing.close()
    status = notices.done(quiet)
    codes = {c.strip() for c in only.split(",") if c.strip()} if only else None
    result = ev.evaluate(labels, rows, collected.found, projects, codes)
    click.echo(ev.render_json(result) if fmt == "json" else ev.render(result, show), nl=False)
    sys.exit(status)


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
