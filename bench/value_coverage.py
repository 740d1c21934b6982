"""Coverage of the value parser on the seeds' 指标值: the share parsed with no leftover text.

Reads shared/gold/rows.csv when present (or a CSV given as the first argument, column "value"),
otherwise extracts the rows of examples/ with the extractor (auditor.parse).
Figures, over all rows and over distinct values:
  * fully structured: a number, date or frequency was read and nothing is left over;
  * text-only: no number/date at all (e.g. 效果明显; VAGUE material, nothing to parse);
  * partial: something structured plus leftover text (listed, to drive lexicon work).
Usage: PYTHONPATH=. python bench/value_coverage.py [rows.csv]
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

from auditor.values import parse_value

ROOT = Path(__file__).resolve().parents[1]
# ../shared/gold/rows.csv beside the repository (a worktree sits one level deeper)
GOLD = [base / "shared" / "gold" / "rows.csv" for base in (ROOT.parent, ROOT.parent.parent)]


def _values(argv: list[str]) -> list[str]:
    for candidate in ([Path(argv[1])] if len(argv) > 1 else []) + GOLD:
        if candidate.is_file():
            with candidate.open(encoding="utf-8") as fh:
                return [row["value"] for row in csv.DictReader(fh)]
    from auditor.pipeline import collect, load  # the extractor, once it is on main

    out = []
    for path in collect(("examples",)):
        dept = load(path)
        out += [ind.value for p in dept.projects for ind in p.indicators]
    return out


def classify(raw: str) -> str:
    v = parse_value(raw)
    structured = v.number is not None or v.date is not None or v.unit_kind is not None
    if structured and not v.text:
        return "full"
    if structured:
        return "partial"
    return "text"


def main(argv: list[str]) -> int:
    values = _values(argv)
    for label, items in (("rows", values), ("distinct values", sorted(set(values)))):
        kinds = [classify(v) for v in items]
        n = len(items) or 1
        full, part, text = (kinds.count(k) for k in ("full", "partial", "text"))
        numeric = full + part
        print(
            f"{label}: {len(items)}  fully structured {full} ({full / n:.1%})  text-only {text} ({text / n:.1%})"
            f"  partial {part} ({part / n:.1%})"
        )
        print(f"  of the {numeric} with a number/date/frequency, parsed without leftover: {full / (numeric or 1):.1%}")
        print(f"  no leftover at all (structured or plain text): {(full + text) / n:.1%}")
    print("partial parses:")
    for raw in sorted({v for v in values if classify(v) == "partial"}):
        print(f"  {raw!r} -> leftover {parse_value(raw).text!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
