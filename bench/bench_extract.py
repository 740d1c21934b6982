"""Extraction throughput: indicator rows per second over the seed documents, each read N times.

usage: python bench/bench_extract.py [--repeat 100] [FOLDER]
Runs read + parse in this process (no CLI start-up, no output writing) and prints
documents/s and rows/s. FOLDER defaults to examples/.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from auditor.pipeline import load


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default=str(Path(__file__).resolve().parent.parent / "examples"))
    parser.add_argument("--repeat", type=int, default=100)
    args = parser.parse_args()
    files = sorted(p for p in Path(args.folder).iterdir() if p.is_file())
    rows = docs = 0
    start = time.perf_counter()
    for _ in range(args.repeat):
        for path in files:
            dept = load(path)
            docs += 1
            rows += sum(len(p.indicators) for p in dept.projects)
    elapsed = time.perf_counter() - start
    size = sum(p.stat().st_size for p in files) * args.repeat
    print(f"{docs} documents, {rows} rows, {size / 1e6:.1f} MB in {elapsed:.2f} s")
    print(f"{docs / elapsed:.1f} documents/s  {rows / elapsed:.0f} rows/s  {size / 1e6 / elapsed:.2f} MB/s")


if __name__ == "__main__":
    main()
