"""Command line: thin click commands over the pipeline. Heavy modules are imported lazily.

Exit status: 0 all good; 1 findings at or above --fail-on (check); 2 usage or configuration
error, an output folder that cannot be written or that another run is writing (one Chinese line on
stderr, no traceback); 3 some input files could not be read or were skipped (the others were
processed); 4 internal error or a run stopped by a failed stage (a bug: one line, the traceback
only with AUDIT_DEBUG=1); 130 interrupted (Ctrl-C, SIGTERM: one line, the previous reports kept).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

EXIT_FINDINGS = 1
EXIT_USAGE = 2
EXIT_INPUT_ERRORS = 3
EXIT_INTERNAL = 4
EXIT_INTERRUPTED = 130
INTERRUPTED = "已中断：未写入新的报告，输出位置保留上一次完整运行的结果。"

_CLICK_CN = [  # click's English usage messages, as one Chinese line
    (
        r"No such option: (\S+)(?:\s+Did you mean (\S+)\?)?",
        lambda m: f"没有选项 {m[1]}" + (f"（是否想用 {m[2]}？）" if m[2] else ""),
    ),
    (r"No such command '([^']*)'\.", lambda m: f"没有命令 {m[1]}（可用：extract、check、score、diff、rules、explain）"),
    (r"Missing argument '([^']*)'\.", lambda m: f"缺少参数 {m[1].rstrip('.')}"),
    (r"Option '([^']*)' requires an argument\.", lambda m: f"选项 {m[1]} 需要一个值"),
    (r"Invalid value for '([^']*)': Path '([^']*)' does not exist\.", lambda m: f"路径不存在：{m[2]}"),
    (
        r"Invalid value for '([^']*)': '([^']*)' is not one of (.*)\.",
        lambda m: f"{m[1]} 的值“{m[2]}”无效，可选：{m[3]}",
    ),
    (r"Invalid value for '([^']*)': File '([^']*)' is a directory\.", lambda m: f"{m[1]}：“{m[2]}”是文件夹，应为文件"),
    (r"Invalid value for '([^']*)': Directory '([^']*)' is a file\.", lambda m: f"{m[1]}：“{m[2]}”是文件，应为文件夹"),
    (
        r"Invalid value for '([^']*)': (\S+) is not in the range (.*?)\.?$",
        lambda m: f"{m[1]} 的值 {m[2]} 超出范围（{m[3]}）",
    ),
    (r"Invalid value for '([^']*)': (.*)", lambda m: f"{m[1]} 的值无效：{m[2]}"),
]


def _usage_line(err: click.UsageError) -> str:
    """A click usage error as one Chinese line naming the command."""
    import re

    message = err.format_message().replace("\n", " ").strip()
    message = re.sub(r"'[^']*' / ('[^']*')", r"\1", message)  # '-o' / '--output': the long name
    for pattern, render in _CLICK_CN:
        match = re.match(pattern, message)
        if match:
            message = render(match)
            break
    command = err.ctx.command_path if err.ctx is not None else "audit"
    return f"错误：{message}（{command} -h 查看用法）"


class _Main(click.Group):
    """The command group, run like a linter: every user mistake is one Chinese line and a status."""

    def main(self, *args, **kwargs):
        import os
        import signal

        from auditor.errors import AuditError, RunStopped

        def terminate(signum, frame):
            raise KeyboardInterrupt

        signal.signal(signal.SIGTERM, terminate)  # SIGTERM cleans up as Ctrl-C does
        kwargs["standalone_mode"] = False
        try:
            status = super().main(*args, **kwargs)
        except click.exceptions.Exit as done:  # --help, --version
            sys.exit(done.exit_code)
        except click.UsageError as err:
            if type(err).__name__ == "NoArgsIsHelpError":  # `audit` alone: the help, as click prints it
                click.echo(err.format_message(), err=True)
                sys.exit(EXIT_USAGE)
            click.echo(_usage_line(err), err=True)
            sys.exit(EXIT_USAGE)
        except click.Abort:  # click's form of Ctrl-C (and of SIGTERM, see above)
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut the clean-up short
            click.echo(INTERRUPTED, err=True)
            sys.exit(EXIT_INTERRUPTED)
        except click.ClickException as err:
            click.echo(f"错误：{err.format_message()}", err=True)
            sys.exit(EXIT_USAGE)
        except RunStopped as err:  # a stage failed where no document can take the blame
            click.echo(terminal(f"错误：{err}"), err=True)
            sys.exit(EXIT_INTERNAL)
        except AuditError as err:  # a bad audit.toml, an unknown rule code, a missing optional library
            click.echo(terminal(f"错误：{err}"), err=True)
            sys.exit(EXIT_USAGE)
        except OSError as err:  # an output path that cannot be written, a folder that cannot be made
            where = terminal(err.filename or "")
            click.echo(f"错误：无法写入或读取 {where}：{err.strerror or err}", err=True)
            sys.exit(EXIT_USAGE)
        except KeyboardInterrupt:  # Ctrl-C or SIGTERM: every temporary file is gone by now
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            click.echo(INTERRUPTED, err=True)
            sys.exit(EXIT_INTERRUPTED)
        except Exception as err:  # noqa: BLE001 - a bug: say so in one line, no traceback
            if os.environ.get("AUDIT_DEBUG"):
                raise
            click.echo(
                f"内部错误：{type(err).__name__}: {err}（这是 auditor 的缺陷，请报告；设置 AUDIT_DEBUG=1 显示详细信息）",
                err=True,
            )
            sys.exit(EXIT_INTERNAL)
        sys.exit(status if isinstance(status, int) else 0)


def _catalog_or_exit() -> None:
    """Load (and so validate) the rule catalog; a broken rule file is one line and exit status 2."""
    from auditor.checks.catalog import load_rules
    from auditor.checks.validate import RuleError

    try:
        load_rules()
    except RuleError as err:
        click.echo(f"错误：{err}", err=True)
        sys.exit(EXIT_USAGE)


def _files(paths: tuple[str, ...]) -> tuple[list[Path], list]:
    """The documents to read, and what was skipped while looking for them (each with a reason)."""
    from auditor.pipeline import collect

    skipped: list = []
    files = collect(paths, skipped)
    if not files:
        for error in skipped:
            click.echo(terminal(f"错误: {error}"), err=True)
        raise click.UsageError("没有找到可读取的文件：" + "、".join(map(terminal, paths)))
    return files, skipped


def terminal(text: str) -> str:
    from auditor.safe import terminal as strip

    return strip(str(text))


class _Notices:
    """Progress bar and one stderr line per unreadable file or warning, as documents come back."""

    def __init__(self, total: int, label: str, quiet: bool, skipped: list = ()):
        from auditor.progress import Progress

        self.bar = Progress(total, label, quiet=quiet)
        self.failures: list = list(skipped)
        self.good = 0
        for error in skipped:
            click.echo(terminal(f"错误: {error}"), err=True)

    def __call__(self, loaded) -> None:
        from auditor.safe import shown

        name = shown(loaded.path.name)
        self.bar.advance(terminal(name))
        if loaded.error is not None:
            self.failures.append(loaded.error)
            self.bar.clear()
            click.echo(terminal(f"错误: {loaded.error}"), err=True)
            return
        self.good += 1
        for warning in loaded.warnings:
            self.bar.clear()
            click.echo(terminal(f"警告: {name}: {warning}"), err=True)

    def done(self, quiet: bool) -> int:
        """Close the bar, print the input summary; the exit status for the input side."""
        self.bar.close()
        if self.failures and not quiet:
            total = self.good + len(self.failures)
            click.echo(f"共 {total} 个文件，{len(self.failures)} 个无法读取或已跳过（见上方错误）。", err=True)
        return EXIT_INPUT_ERRORS if self.failures else 0


def _run(paths, config, jobs, scheduler, quiet, label, time_limit=None):
    """A batch.Run over the files with progress and notices on stderr."""
    from auditor.batch import Run
    from auditor.pipeline import default_jobs
    from auditor.progress import Progress

    files, skipped = _files(paths)
    notices = _Notices(len(files), label, quiet, skipped)
    finishing = Progress(len(files), "汇总", quiet=quiet)

    def finished(done: int) -> None:
        if done == 1:  # reading is over: its bar ends, this one counts only the readable files
            notices.bar.close()
            finishing.total = notices.good
        finishing.advance()

    run = Run(
        files, config, jobs or default_jobs(), scheduler, on_loaded=notices, on_finished=finished, roots=tuple(paths)
    )
    run.time_limit = time_limit
    run.unread += [(error.path, error.reason) for error in skipped]  # skipped while looking: named in the reports
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
time_limit_option = click.option(
    "--time-limit",
    type=click.FloatRange(min=1),
    default=300,
    show_default=True,
    metavar="SECONDS",
    help="单个文件每个处理阶段的最长时间（秒）；超时的文件记为无法读取，其余继续。",
)
quiet_option = click.option("--quiet", "-q", is_flag=True, help="不显示进度和汇总，仅输出结果。")


def _codes(ctx, param, values) -> set[str] | None:
    """--select / --ignore: rule codes, comma-separated or repeated; unknown ones are usage errors."""
    if not values:
        return None
    from auditor.checks.catalog import load_rules
    from auditor.config import did_you_mean

    known = [rule.code for rule in load_rules()]
    codes = {c.strip().upper() for v in values for c in v.split(",") if c.strip()}
    for code in sorted(codes):
        if code not in known:
            hint = did_you_mean(code, known) or "（用 audit rules 查看全部）"
            raise click.BadParameter(f"未知规则代码 {code}{hint}", ctx=ctx, param=param)
    return codes


select_option = click.option(
    "--select", multiple=True, callback=_codes, metavar="CODES", help="只运行这些规则（代码，逗号分隔，可重复）。"
)
ignore_option = click.option(
    "--ignore", multiple=True, callback=_codes, metavar="CODES", help="不运行这些规则（代码，逗号分隔，可重复）。"
)


def _configure(config_path, paths, select, ignore, quiet: bool = False):
    """audit.toml (validated; chosen, never found among the documents) with --select / --ignore applied."""
    from auditor.checks import validate_config

    config = _config(config_path, paths, quiet)
    config.select = select
    config.ignore = ignore or set()
    validate_config(config)
    return config


config_option = click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="audit.toml 配置文件（默认使用当前目录下的 audit.toml；不读取被审核文件夹中的配置）。",
)


def _config(config_path, paths, quiet: bool):
    """The chosen config (``--config``, else audit.toml in the working directory); an audit.toml
    among the documents is named on stderr as not used."""
    from auditor.config import load_config, stray_configs

    config = load_config(config_path)
    if not quiet:  # which config was used is said in the closing lines of check and score
        for stray in stray_configs(paths, config):
            click.echo(
                terminal(f"注意：未使用被审核文件夹中的配置 {stray}（只读取当前目录或 --config 指定的配置）"), err=True
            )
    return config


@click.group(cls=_Main, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="auditor")
def main() -> None:
    """绩效目标表质量审核：抽取指标、按规则检查、评分并生成报告。"""


# --------------------------------------------------------------------------- extract


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("--format", "fmt", type=click.Choice(["csv", "jsonl", "xlsx"]), default="csv", show_default=True)
@click.option(
    "-o", "--output", type=click.Path(dir_okay=False), default=None, help="输出文件（默认标准输出；xlsx 必须指定）。"
)
@jobs_option
@scheduler_option
@time_limit_option
@quiet_option
def extract(paths, fmt, output, jobs, scheduler, time_limit, quiet):
    """抽取每个三级指标行（含项目和部门信息）。"""
    from auditor.pipeline import default_jobs, document_stage, failed, ordered_map
    from auditor.report.rows import write_rows

    if fmt == "xlsx" and not output:
        raise click.UsageError("xlsx 格式需要用 -o 指定输出文件。")
    files, skipped = _files(paths)
    notices = _Notices(len(files), "读取", quiet, skipped)

    def departments():
        loads = ordered_map(
            document_stage, enumerate(files), jobs or default_jobs(), scheduler, fault=failed, time_limit=time_limit
        )
        for loaded in loads:
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
    "--fail-on",
    type=click.Choice(["error", "warning", "never"]),
    default="error",
    show_default=True,
    help="出现该级别及以上的问题时以状态 1 退出。",
)
@click.option("--statistics", is_flag=True, help="最后按规则列出问题数量。")
@config_option
@select_option
@ignore_option
@jobs_option
@scheduler_option
@time_limit_option
@quiet_option
def check(paths, fmt, output, fail_on, statistics, config_path, select, ignore, jobs, scheduler, time_limit, quiet):
    """按规则目录检查指标，输出问题清单。"""
    from auditor.report.findings import FindingsWriter

    _catalog_or_exit()
    config = _configure(config_path, paths, select, ignore, quiet)
    run, notices, finishing = _run(paths, config, jobs, scheduler, quiet, "检查", time_limit)
    with FindingsWriter(fmt, output) as writer:
        severities = run.check(writer)
    finishing.close()
    status = notices.done(quiet)
    if statistics:
        _statistics(run.rule_counts)
    if not quiet:
        _closing_line(severities, run, config)
    order = {"info": 0, "warning": 1, "error": 2}
    if fail_on != "never" and any(order.get(sev, 0) >= order[fail_on] for sev in severities):
        sys.exit(EXIT_FINDINGS)
    sys.exit(status)


def _statistics(rule_counts) -> None:
    """--statistics: one line per rule, most frequent first (as ruff and flake8 print them)."""
    from auditor.report.html import short_title

    for code, n in sorted(rule_counts.items(), key=lambda kv: (-kv[1], kv[0])):
        click.echo(f"{n:6d}  {code:18s} {short_title(code)}", err=True)


def _closing_line(severities, run, config) -> None:
    """The count line that closes `audit check` (on stderr, so stdout stays machine-readable)."""
    total = sum(severities.values())
    if total:
        click.echo(
            f"共发现 {total} 处问题（错误 {severities['error']}，警告 {severities['warning']}，"
            f"提示 {severities['info']}），涉及 {run.files_with_findings} 个文件；配置：{config.name()}。",
            err=True,
        )
    else:
        click.echo(f"未发现问题；配置：{config.name()}。", err=True)


# --------------------------------------------------------------------------- score


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True))
@click.option("-o", "--output", "out_dir", type=click.Path(file_okay=False), default="reports", show_default=True)
@config_option
@select_option
@ignore_option
@click.option(
    "--dispositions",
    "dispositions_path",
    type=click.Path(dir_okay=False),
    default=None,
    help="审核人员填写了“处理意见”的 findings.xlsx 或文本基线文件；不采纳、已沟通的问题不再扣分。",
)
@jobs_option
@scheduler_option
@time_limit_option
@quiet_option
def score(paths, out_dir, config_path, select, ignore, dispositions_path, jobs, scheduler, time_limit, quiet):
    """检查并评分，生成 HTML 评分卡、审核意见书、findings.csv/xlsx 和 scores.json。"""
    _catalog_or_exit()
    config = _configure(config_path, paths, select, ignore, quiet)
    _load_dispositions(config, dispositions_path)
    run, notices, finishing = _run(paths, config, jobs, scheduler, quiet, "检查", time_limit)
    lines, written = run.score(Path(out_dir))
    finishing.close()
    _report_stale(config, run.used)
    if not quiet:
        from auditor.report.summary import print_summary

        print_summary(lines, written, run, config)
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
@click.option(
    "-o",
    "--output",
    "out_dir",
    type=click.Path(file_okay=False),
    default="diff",
    show_default=True,
    help="输出文件夹：写入 diff.html 和 diff.xlsx。",
)
@click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    default=80,
    show_default=True,
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
    from auditor.diff import diff_runs, document_states, report_files, states_from_files
    from auditor.errors import InputError
    from auditor.pipeline import default_jobs
    from auditor.report.diff_report import summary_text, write_diff

    config = _config(config_path, (old, new), quiet)
    sides, documents, skipped = [], [], []
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
            files, missed = _files((str(path),))
            documents.append(files)
            skipped += missed
    status = 0
    if any(documents):
        notices = _Notices(sum(map(len, documents)), "检查", quiet, skipped)
        loaded = document_states(documents, config, jobs or default_jobs(), on_loaded=notices)
        sides = [side if side is not None else states for side, states in zip(sides, loaded, strict=True)]
        status = notices.done(quiet)
        for label, path, files, states in zip(("OLD", "NEW"), (old, new), documents, sides, strict=True):
            if files and not states:
                raise click.UsageError(f"{label}（{path}）中没有可对比的部门：文件都无法读取或没有项目支出绩效目标表")
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
    "--projects",
    "projects_path",
    type=click.Path(exists=True, dir_okay=False),
    default=None,
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
    from auditor.pipeline import default_jobs, document_stage, failed, ordered_map

    try:
        labels = ev.read_gold(Path(gold))
        projects = ev.read_gold_projects(Path(projects_path)) if projects_path else None
    except (ValueError, KeyError, OSError) as err:
        raise click.UsageError(f"标注文件无法读取：{err}") from err
    config = _config(config_path, paths, quiet)
    files, _ = _files(paths)  # what is skipped is reported by the run below
    rows = []
    for loaded in ordered_map(document_stage, enumerate(files), jobs or default_jobs(), fault=failed):
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


# --------------------------------------------------------------------------- inspect


@main.command()
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def inspect(path):
    """显示读取器看到的内容：找到的表、表头各列的含义、逐行读取结果及来源位置、项目信息、未读取的原因。"""
    from auditor.errors import InputError
    from auditor.inspect import inspect_lines

    try:
        lines = inspect_lines(Path(path))
    except InputError as err:
        click.echo(str(err), err=True)
        sys.exit(3)
    click.echo("\n".join(lines))


# --------------------------------------------------------------------------- rules / explain


@main.command(name="rules")
def list_rules():
    """列出规则目录（代码、级别、说明）。"""
    from auditor.checks.catalog import load_rules

    _catalog_or_exit()
    for rule in load_rules():
        click.echo(f"{rule.code:18s} {rule.severity:8s} {rule.title}")


@main.command()
@click.argument("code")
def explain(code):
    """显示一条规则的依据、示例、修改建议和参数（audit explain facts：规则可用的全部事实）。"""
    from auditor.checks.catalog import explain_facts, explain_rule

    _catalog_or_exit()
    if code.lower() == "facts":
        click.echo(explain_facts())
        return
    text = explain_rule(code.upper())
    if text is None:
        from auditor.checks.catalog import load_rules
        from auditor.config import did_you_mean

        hint = did_you_mean(code.upper(), [rule.code for rule in load_rules()]) or "（用 audit rules 查看全部）"
        raise click.UsageError(f"未知规则代码 {code}{hint}")
    click.echo(text)
