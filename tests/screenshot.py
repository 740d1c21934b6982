"""Screenshot a scorecard for the README: ``python tests/screenshot.py [OUT_DIR] [PNG]``.

Scores examples/ into OUT_DIR (default: a temporary folder) and saves the first department's
scorecard, top of the page, to PNG (default docs/scorecard.png) with headless Debian Chromium.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def build_reports(out_dir: Path, inputs: list[str]) -> list[Path]:
    from auditor.checks import run_checks
    from auditor.config import Config
    from auditor.pipeline import collect, load_one
    from auditor.report import write_reports
    from auditor.scoring import score_all

    departments = [r for r in map(load_one, collect(inputs)) if not isinstance(r, Exception)]
    findings = run_checks(departments, Config())
    return write_reports(departments, findings, score_all(departments, findings, None), out_dir, None)


def shoot(page_path: Path, png: Path, full_page: bool = False, width: int = 1200, height: int = 1400) -> Path:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": width, "height": height})
        page.goto(page_path.resolve().as_uri())
        png.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(png), full_page=full_page)
        browser.close()
    return png


def main(argv: list[str]) -> None:
    out_dir = Path(argv[0]) if argv else Path(tempfile.mkdtemp(prefix="auditor-shot-"))
    png = Path(argv[1]) if len(argv) > 1 else ROOT / "docs" / "scorecard.png"
    written = build_reports(out_dir, [str(ROOT / "examples")])
    card = next(p for p in written if p.suffix == ".html" and p.name != "index.html")
    print(shoot(card, png, height=2300))


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    main(sys.argv[1:])
