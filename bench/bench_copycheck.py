"""The cross-document copy check alone, on synthetic table records: CPU per table as N grows.

usage: python bench/bench_copycheck.py [--sizes 1000 10000 100000] [--copying light heavy] [--seed S]

The ``Table`` records are made by bench/make_corpus.py's recipe (``names_only``: the same kind
of names, project names and copying, normalised as ``audit`` does, without values, files or
parsing; so not the very names of corpus-N, which draws more random numbers), and kept in bench/results/tables-<copying>-<seed>-<N>.pkl (the largest N is
made once; smaller N are its first documents, as corpus-100 is a prefix of corpus-1000).
For each N: the CPU time (time.process_time, this process only) of ``checks.iter_across``
over all of them, per table, the findings, and this process's peak memory so far (at the
largest N about what the copy-check process of a run holds: every Table record and the index).
"""

from __future__ import annotations

import argparse
import pickle
import resource
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import make_corpus  # noqa: E402

from auditor.checks import iter_across  # noqa: E402
from auditor.checks.dup import Table  # noqa: E402
from auditor.checks.facts import norm_text  # noqa: E402


def records(n: int, seed: int, copying: str) -> list[Table]:
    cache = BENCH / "results" / f"tables-{copying}-{seed}-{n}.pkl"
    if cache.exists():
        return pickle.loads(cache.read_bytes())
    pool = make_corpus.load_seeds(make_corpus.ROOT / "examples")
    out = []
    for i in range(n):
        code, name, year, tables = make_corpus.make_department(i, seed, pool, copying, names_only=True)
        source = make_corpus.file_name(i, code)
        for no, t in enumerate(tables, 1):
            names = tuple(x for x in (norm_text(r.name) for r in t.rows) if x)
            out.append(Table(i, source, name, code, year, no, t.code, t.name, 0, names))
    cache.parent.mkdir(exist_ok=True)
    cache.write_bytes(pickle.dumps(out, pickle.HIGHEST_PROTOCOL))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--copying", nargs="+", default=["light", "heavy"], choices=("light", "heavy"))
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print("| copying | departments | tables | findings | CPU s | µs per table | peak RSS MB so far |")
    print("|---|---|---|---|---|---|---|")
    for copying in args.copying:
        every = records(max(args.sizes), args.seed, copying)
        for n in sorted(args.sizes):
            tables = [t for t in every if t.doc < n]
            start = time.process_time()
            found = sum(len(f) for _, f in iter_across(tables))
            cpu = time.process_time() - start
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"| {copying} | {n:,} | {len(tables):,} | {found:,} | {cpu:.2f} | {cpu / len(tables) * 1e6:.0f} "
                f"| {rss:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
