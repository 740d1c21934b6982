"""Time `audit diff` on two N-department batches against one `audit check` of the first, back to back.

usage: python bench/bench_diff.py [--n 400] [--repeat 3] [--workdir bench/diff-400]

Builds the first batch with make_corpus.py and its resubmission with make_resubmission.py when
missing, then alternates `audit check A --format jsonl` and `audit diff A B` ``--repeat`` times,
each in a fresh interpreter, and prints per run the wall time and the CPU time (user + system of
the command and its worker processes, from ``resource.getrusage(RUSAGE_CHILDREN)``). On a shared
machine the CPU ratio is the steadier figure; the target is diff ≤ 2 × check.
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed(args: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(args, check=True, stdout=subprocess.DEVNULL)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--workdir", type=Path, default=None)
    args = parser.parse_args()
    work = args.workdir or ROOT / "bench" / f"diff-{args.n}"
    old, new = work / "old", work / "new"
    if not old.is_dir():
        subprocess.run(
            [sys.executable, ROOT / "bench" / "make_corpus.py", str(args.n), old, "--check", "0"], check=True
        )
    if not new.is_dir():
        subprocess.run([sys.executable, ROOT / "bench" / "make_resubmission.py", old, new], check=True)
    audit = [sys.executable, "-m", "auditor"]
    ratios_wall, ratios_cpu = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i in range(args.repeat):
            check = timed([*audit, "check", str(old), "--format", "jsonl", "-o", f"{tmp}/f.jsonl", "-q",
                           "--fail-on", "never"])  # fmt: skip
            diff = timed([*audit, "diff", str(old), str(new), "-o", f"{tmp}/diff", "-q"])
            ratios_wall.append(diff[0] / check[0])
            ratios_cpu.append(diff[1] / check[1])
            print(
                f"run {i + 1}: check {check[0]:.1f} s wall, {check[1]:.1f} s CPU; diff {diff[0]:.1f} s wall, "
                f"{diff[1]:.1f} s CPU; ratio wall {ratios_wall[-1]:.2f}, CPU {ratios_cpu[-1]:.2f}",
                flush=True,
            )
    print(f"median ratio: wall {statistics.median(ratios_wall):.2f}, CPU {statistics.median(ratios_cpu):.2f}")


if __name__ == "__main__":
    main()
