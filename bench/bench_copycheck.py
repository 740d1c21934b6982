"""The cross-document copy check alone, on synthetic table records: CPU per table as N grows.

usage: python bench/bench_copycheck.py [--sizes 1000 10000 100000] [--copying light heavy] [--seed S]
       [--repeat R] [--interleave SLICES]

The ``Table`` records are made by bench/make_corpus.py's recipe (``names_only``: the same kind
of names, project names and copying, normalised as ``audit`` does, without values, files or
parsing; so not the very names of corpus-N, which draws more random numbers), and kept in
bench/results/tables-<copying>-<seed>-<N>.pkl, one pickle per document one after the other (the
largest N is made once; smaller N are its first documents, as corpus-100 is a prefix of
corpus-1000; an existing larger file serves a smaller N). For each N, as the copy-check
process of a run does (its cycle collector tuned as there, pipeline.collect_less): the records
are read document by document into a ``TableIndex(keep=False)`` (only its arrays stay), then
``checks.iter_across`` runs over it. Reported: the CPU time (time.process_time, this process
only) of feeding the index and of the check, per table (reading the pickles, which a run does
too, is not counted), the findings, and this process's peak memory so far: at the largest N
about what the copy-check process of a run holds.
"""

from __future__ import annotations

import argparse
import gc
import pickle
import resource
import sys
import time
from collections.abc import Iterator
from pathlib import Path

BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(BENCH.parent))
sys.path.insert(0, str(BENCH))

import make_corpus  # noqa: E402

from auditor.checks import iter_across  # noqa: E402
from auditor.checks.dup import Table, TableIndex  # noqa: E402
from auditor.checks.facts import norm_text  # noqa: E402
from auditor.pipeline import collect_less  # noqa: E402


def _cache(n: int, seed: int, copying: str) -> Path:
    made = sorted(
        (int(p.stem.rsplit("-", 1)[1]), p) for p in (BENCH / "results").glob(f"tables-{copying}-{seed}-*.pkl")
    )
    for size, path in made:  # a larger one holds the first n documents too
        if size >= n:
            return path
    cache = BENCH / "results" / f"tables-{copying}-{seed}-{n}.pkl"
    if not cache.exists():
        pool = make_corpus.load_seeds(make_corpus.ROOT / "examples")
        cache.parent.mkdir(exist_ok=True)
        part = cache.with_suffix(".part")
        with part.open("wb") as out:
            for i in range(n):
                code, name, year, tables = make_corpus.make_department(i, seed, pool, copying, names_only=True)
                source = make_corpus.file_name(i, code)
                records = []
                for no, t in enumerate(tables, 1):
                    names = tuple(x for x in (norm_text(r.name) for r in t.rows) if x)
                    records.append(Table(i, source, name, code, year, no, t.code, t.name, 0, names))
                pickle.dump(records, out, pickle.HIGHEST_PROTOCOL)
        part.rename(cache)
    return cache


def documents(n: int, seed: int, copying: str, largest: int) -> Iterator[list[Table]]:
    """The Table records of the first ``n`` documents, one document's at a time."""
    with _cache(largest, seed, copying).open("rb") as data:
        for _ in range(n):
            yield pickle.load(data)


def _fed(docs) -> tuple[TableIndex, float]:
    """An index fed ``docs`` (each document's records) and the CPU seconds feeding took."""
    index, cpu = TableIndex(keep=False), 0.0
    for records in docs:
        start = time.process_time()
        index.add(records)
        cpu += time.process_time() - start
    gc.collect()
    return index, cpu


def run_once(docs) -> tuple[float, int, int]:
    """(CPU seconds of feeding and checking, tables, findings) of one run over ``docs``."""
    index, cpu = _fed(docs)
    start = time.process_time()
    found = sum(len(f) for _, f in iter_across(index))
    return cpu + time.process_time() - start, len(index), found


def interleaved(small: list, large, slices: int) -> tuple[list[float], float, int, int]:
    """The run over ``large`` with its check cut in ``slices`` (by document), a whole run over
    ``small`` before each slice, so that both meet the machine of the same minutes: (each small
    run's CPU seconds, the large run's, its tables, its findings)."""
    small_cpu = []
    index, cpu = _fed(large)
    documents = index.documents()
    checks = iter_across(index)
    found, step = 0, -(-documents // slices)
    for end in range(step, documents + step, step):
        small_cpu.append(run_once(small)[0])
        start = time.process_time()
        for doc, findings in checks:  # the documents with findings, in order
            found += len(findings)
            if doc >= end - 1:
                break
        cpu += time.process_time() - start
    return small_cpu, cpu, len(index), found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--copying", nargs="+", default=["none", "templates"], choices=make_corpus.COPYING)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=1, help="runs per size; the fastest is shown")
    parser.add_argument(
        "--interleave",
        type=int,
        metavar="SLICES",
        help="the smallest and the largest size only: a whole run of the smallest before each of "
        "SLICES parts of the largest one's check, in one process (a shared machine's speed drifts "
        "within the hour; this way both sizes meet the same minutes); prints their ratio",
    )
    args = parser.parse_args()
    list(iter_across([Table(d, f"{d}", "", "", None, 1, "", "x", 0, ("a", "b")) for d in range(2)]))  # rules read
    collect_less()  # the cycle collector as in the copy-check process of a run
    if args.interleave:
        small, large = min(args.sizes), max(args.sizes)
        print(f"| copying | {small:,}: µs per table, fastest / median of {args.interleave} | {large:,}: µs per table "
              "| ratio to fastest / median |")  # fmt: skip
        print("|---|---|---|---|")
        for copying in args.copying:
            docs = list(documents(small, args.seed, copying, large))
            times, cpu, tables, _ = interleaved(docs, documents(large, args.seed, copying, large), args.interleave)
            per = [t / sum(len(d) for d in docs) * 1e6 for t in sorted(times)]
            fastest, median, big = per[0], per[len(per) // 2], cpu / tables * 1e6
            print(
                f"| {copying} | {fastest:.0f} / {median:.0f} | {big:.0f} | {big / fastest:.2f} / {big / median:.2f} |",
                flush=True,
            )
        return
    print("| copying | departments | tables | findings | CPU s | µs per table | peak RSS MB so far |")
    print("|---|---|---|---|---|---|---|")
    for copying in args.copying:
        for n in sorted(args.sizes):
            runs = [run_once(documents(n, args.seed, copying, max(args.sizes))) for _ in range(args.repeat)]
            best, tables, found = min(runs)
            rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
            print(
                f"| {copying} | {n:,} | {tables:,} | {found:,} | {best:.2f} | {best / tables * 1e6:.0f} | {rss:.0f} |",
                flush=True,
            )


if __name__ == "__main__":
    main()
