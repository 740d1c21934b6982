"""Scale benchmark: `audit score` on synthetic corpora of N departments against a read-and-regex pass.

usage: python bench/run_scale.py [--sizes 100 1000] [--jobs N] [--copying C] [--keep] [--fresh] [--timeout S]
                                [--reference-runs R]

For each N the corpus is generated with bench/make_corpus.py into bench/corpus-N/ (with
``--copying C``: bench/corpus-C-N/, e.g. heavy: half the tables from shared templates; see
make_corpus.py for none and templates; all git-ignored) or reused when its .manifest.json matches. Then, in the same run and on the same files:

- reference pass: a fresh Python process reads every file's bytes, decodes them and runs one
  regular expression (indicator-like lines with ≥/≤/%), counting matches. Run three times
  (``--reference-runs``: fewer, for 100,000 departments on a busy machine) after one untimed
  warm-up pass (page cache); the fastest counts, which makes the ratio stricter.
- audit: ``python -m auditor score CORPUS -o OUT --quiet [--jobs N]`` with this interpreter,
  after one untimed run on five of the files (``warm_up``: the per-user cache and the page cache
  made and filled as any second run finds them).

Every measurement runs in its own wrapper process that starts the command, waits for it and
prints the wall time (time.perf_counter) and ``getrusage(RUSAGE_CHILDREN).ru_maxrss``. That
is the peak resident set of the largest single process among the command and every descendant
that was waited for (pool workers included) — not the sum over processes; the wrapper also
samples, every quarter second, the sum of the resident sets of all the command's processes (the
main process, the workers, the copy-check process) and reports its peak as "all (RSS)", and the
sum of their proportional sets as "all (PSS)": the processes are forked from the main one and
share its pages until they write them, which the RSS sum counts once per process and the PSS
sum once in all (what the run occupies). The audit command also reports, as it exits,
its own CPU time (user + system: the main process) and its children's (the workers, the
copy-check process), which stay meaningful on a machine busy with other work when wall
times do not.

Results go to stdout as a markdown table and to bench/results/scale-<date>.json (git-ignored).
--keep keeps each run's report folder under bench/results/reports-N/ (default: a temporary
folder, removed). --fresh regenerates the corpora.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
ROOT = BENCH.parent
sys.path.insert(0, str(BENCH))

from make_corpus import COPYING  # noqa: E402

# Runs one command, prints {"seconds", "maxrss_kb", "group_rss_kb", "group_pss_kb", "returncode"} as
# JSON on its last line; group_rss_kb: the largest sum of the resident sets of all its processes at
# once (sampled); group_pss_kb: the same with proportional sets (a page shared by k processes, as
# forked processes share their parent's, counted 1/k in each: what the run occupies).
WRAPPER = r"""
import json, os, resource, signal, subprocess, sys, threading, time
timeout = float(sys.argv[1]) or None
start = time.perf_counter()
proc = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, start_new_session=True)
peak = [0, 0]
def pss(pid):
    with open(f"/proc/{pid}/smaps_rollup") as fh:
        return next(int(line.split()[1]) for line in fh if line.startswith("Pss:"))
def sample():  # every quarter second: the resident memory of every process of the command's group
    page = os.sysconf("SC_PAGE_SIZE") // 1024
    while proc.poll() is None:
        total = proportional = 0
        for pid in os.listdir("/proc"):
            if pid.isdigit():
                try:
                    with open(f"/proc/{pid}/stat") as fh:
                        group = int(fh.read().rsplit(")", 1)[1].split()[2])
                    if group == proc.pid:
                        with open(f"/proc/{pid}/statm") as fh:
                            total += int(fh.read().split()[1]) * page
                        proportional += pss(pid)
                except (OSError, ValueError, IndexError, StopIteration):
                    pass
        peak[0], peak[1] = max(peak[0], total), max(peak[1], proportional)
        time.sleep(0.25)
threading.Thread(target=sample, daemon=True).start()
try:
    code = proc.wait(timeout=timeout)
except subprocess.TimeoutExpired:
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    code = "timeout"
seconds = time.perf_counter() - start
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": seconds, "maxrss_kb": rss, "group_rss_kb": peak[0], "group_pss_kb": peak[1],
                  "returncode": code}))
"""

# The reference pass: read, decode, one regex over every file of the folder (as `audit` finds them).
BASELINE = r"""
import re, sys
from pathlib import Path
row = re.compile(r"^[^\n]*(?:[≥≤]|\d\s*[%％])[^\n]*$", re.M)
files = rows = 0
for path in sorted(p for p in Path(sys.argv[1]).rglob("*") if p.is_file() and not p.name.startswith(".")):
    data = path.read_bytes()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("gb18030", errors="replace")
    files += 1
    rows += len(row.findall(text))
print(files, rows, file=sys.stderr)
"""

# `audit` itself, reporting into the file argv[1] as it exits: its own CPU and its children's.
AUDIT = r"""
import atexit, json, resource, sys
out = sys.argv.pop(1)

def report():
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    with open(out, "w") as fh:
        json.dump({"main_cpu": me.ru_utime + me.ru_stime, "children_cpu": kids.ru_utime + kids.ru_stime,
                   "main_maxrss_kb": me.ru_maxrss, "children_maxrss_kb": kids.ru_maxrss}, fh)

atexit.register(report)
sys.argv[0] = "audit"
from auditor.cli import main
main()
"""


def measure(command: list[str], timeout: float) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(timeout), *command], capture_output=True, text=True, check=True
    )
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["stderr"] = out.stderr[-2000:]
    return result


def corpus(n: int, seed: int, fresh: bool, copying: str = "light") -> tuple[Path, dict]:
    folder = BENCH / (f"corpus-{n}" if copying == "light" else f"corpus-{copying}-{n}")
    manifest = folder / ".manifest.json"
    if not fresh and manifest.exists():
        info = json.loads(manifest.read_text(encoding="utf-8"))
        if info.get("departments") == n and info.get("seed") == seed and info.get("copying", "light") == copying:
            print(f"reusing {folder.relative_to(ROOT)}: {info['rows']} rows", flush=True)
            return folder, info
    if folder.exists():
        shutil.rmtree(folder)
    subprocess.run(
        [sys.executable, str(BENCH / "make_corpus.py"), str(n), str(folder), "--seed", str(seed), "--copying", copying],
        check=True,
    )
    return folder, json.loads(manifest.read_text(encoding="utf-8"))


def warm_up(folder: Path, files: int = 5) -> None:
    """One untimed ``audit score`` of a few of the corpus's files: what a first run makes once (the
    per-user cache: jieba's dictionary state, the parsed rule files, compiled modules where Python
    may not write bytecode; the page cache for the package) is not counted in the timed run."""
    sample = sorted(p for p in folder.iterdir() if not p.name.startswith("."))[:files]
    with tempfile.TemporaryDirectory(prefix="audit-warm-") as out:
        subprocess.run(
            [sys.executable, "-m", "auditor", "score", *map(str, sample), "-o", str(Path(out) / "r"), "--quiet"],
            capture_output=True,
            check=False,
        )


def run_size(n: int, args: argparse.Namespace) -> dict:
    folder, info = corpus(n, args.seed, args.fresh, args.copying)
    baseline_cmd = [sys.executable, "-c", BASELINE, str(folder)]
    measure(baseline_cmd, 0)  # warm the page cache
    baselines = [measure(baseline_cmd, 0) for _ in range(args.reference_runs)]
    baseline = min(baselines, key=lambda r: r["seconds"])

    if args.keep:
        out_dir = BENCH / "results" / f"reports-{n}"
        shutil.rmtree(out_dir, ignore_errors=True)
        out_dir.mkdir(parents=True)
    else:
        out_dir = Path(tempfile.mkdtemp(prefix=f"audit-scale-{n}-"))
    usage = out_dir.parent / f".{out_dir.name}-usage.json"
    command = [sys.executable, "-c", AUDIT, str(usage), "score", str(folder), "-o", str(out_dir), "--quiet"]
    if args.jobs:
        command += ["--jobs", str(args.jobs)]
    warm_up(folder)
    print(f"N={n}: audit score … ", end="", flush=True)
    audit = measure(command, args.timeout)
    print(f"{audit['seconds']:.1f} s, exit {audit['returncode']}", flush=True)
    cpu = json.loads(usage.read_text()) if usage.exists() else {"main_cpu": 0.0, "children_cpu": 0.0}
    usage.unlink(missing_ok=True)
    if not args.keep:
        shutil.rmtree(out_dir, ignore_errors=True)
    if audit["returncode"] not in (0, 3):
        print(audit["stderr"], file=sys.stderr)

    seconds = audit["seconds"]
    load = os.getloadavg()
    docs, rows = info["departments"], info["rows"]
    total_cpu = cpu["main_cpu"] + cpu["children_cpu"]
    return {
        "n": n,
        "copying": args.copying,
        "documents": docs,
        "projects": info["projects"],
        "rows": rows,
        "bytes": info["bytes"],
        "audit_seconds": round(seconds, 3),
        "audit_returncode": audit["returncode"],
        "docs_per_s": round(docs / seconds, 2),
        "rows_per_s": round(rows / seconds, 1),
        "peak_rss_mb": round(audit["maxrss_kb"] / 1024, 1),  # the largest single process
        "peak_rss_all_mb": round(audit.get("group_rss_kb", 0) / 1024, 1),  # all its processes at once (sampled)
        "peak_pss_all_mb": round(audit.get("group_pss_kb", 0) / 1024, 1),  # ... shared pages counted once
        "peak_rss_main_mb": round(cpu.get("main_maxrss_kb", 0) / 1024, 1),  # the main process alone
        "baseline_seconds": round(baseline["seconds"], 4),
        "baseline_runs": [round(r["seconds"], 4) for r in baselines],
        "baseline_counts": baseline["stderr"].strip(),
        "ratio": round(seconds / baseline["seconds"], 1),
        "seconds_per_1000_rows": round(seconds / rows * 1000, 3),
        "main_cpu_seconds": round(cpu["main_cpu"], 2),
        "workers_cpu_seconds": round(cpu["children_cpu"], 2),  # every child: the workers and the copy check
        "main_cpu_share": round(cpu["main_cpu"] / total_cpu, 3) if total_cpu else None,
        "cpu_seconds_per_1000_rows": round(total_cpu / rows * 1000, 3),
        "loadavg_after": [round(x, 2) for x in load],  # other work on the machine skews the figures
    }


def table(results: list[dict]) -> str:
    head = (
        "| N | rows | audit s | rows/s | s per 1000 rows | CPU s: main / children | main share "
        "| CPU s per 1000 rows | peak MB: main / largest process / all (RSS) / all (PSS) | reference s "
        "| audit/reference |"
    )
    lines = [head, "|" + "---|" * 11]
    for r in results:
        status = "" if r["audit_returncode"] in (0, 3) else f" ({r['audit_returncode']})"
        share = f"{r['main_cpu_share']:.0%}" if r["main_cpu_share"] is not None else "?"
        lines.append(
            f"| {r['n']:,} | {r['rows']:,} | {r['audit_seconds']:.1f}{status} | {r['rows_per_s']:,.0f} "
            f"| {r['seconds_per_1000_rows']:.2f} | {r['main_cpu_seconds']:.1f} / {r['workers_cpu_seconds']:.1f} "
            f"| {share} | {r['cpu_seconds_per_1000_rows']:.2f} "
            f"| {r.get('peak_rss_main_mb', 0):.0f} / {r['peak_rss_mb']:.0f} / {r['peak_rss_all_mb']:.0f} "
            f"/ {r.get('peak_pss_all_mb', 0):.0f} "
            f"| {r['baseline_seconds']:.3f} | {r['ratio']:.0f}× |"
        )
    return "\n".join(lines)


def machine() -> dict:
    """What the figures were measured on, and how busy it was (other work skews wall times)."""
    model = ""
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "cpus": os.cpu_count(),
        "cpu": model,
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg_at_end": [round(x, 2) for x in os.getloadavg()],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 1000], help="numbers of departments")
    parser.add_argument("--jobs", type=int, default=None, help="passed to audit score (default: its own)")
    parser.add_argument("--keep", action="store_true", help="keep the reports under bench/results/reports-N/")
    parser.add_argument("--fresh", action="store_true", help="regenerate the corpora")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--copying",
        choices=COPYING,
        default="light",
        help="the corpus (make_corpus.py --copying)",
    )
    parser.add_argument("--timeout", type=float, default=0, help="seconds per audit run, 0 = none")
    parser.add_argument(
        "--reference-runs", type=int, default=3, choices=(1, 2, 3), help="timed reference passes (the fastest counts)"
    )
    args = parser.parse_args()

    results = [run_size(n, args) for n in args.sizes]
    print()
    print(table(results))

    out = BENCH / "results" / f"scale-{datetime.now():%Y%m%d-%H%M%S}.json"
    out.parent.mkdir(exist_ok=True)
    record = {
        "when": datetime.now().isoformat(timespec="seconds"),
        "machine": machine(),
        "jobs": args.jobs,
        "git": subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
        ).stdout.strip(),
        "results": results,
    }
    out.write_text(json.dumps(record, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"\nwritten {out.relative_to(ROOT)}")


if __name__ == "__main__":
    start = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - start:.0f} s")
