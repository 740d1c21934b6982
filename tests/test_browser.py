"""The HTML reports in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Skipped when Chromium or Playwright is missing. The reports are served on localhost from a
thread; every page must load without console errors, and hostile document text stays text.
"""

import functools
import http.server
import threading
from pathlib import Path

import pytest

from auditor.report import write_reports
from auditor.scoring import score_all

pytestmark = pytest.mark.browser
playwright_api = pytest.importorskip("playwright.sync_api")

from screenshot import ARGS, CHROMIUM  # noqa: E402  (tests/ is on sys.path under pytest)
from test_report import HOSTILE, sample  # noqa: E402

if not Path(CHROMIUM).exists():
    pytest.skip("chromium is not installed", allow_module_level=True)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site")
    departments, findings = sample()
    write_reports(departments, findings, score_all(departments, findings, None), out, None)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(out)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


@pytest.fixture(scope="module")
def browser():
    with playwright_api.sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    page = browser.new_page(viewport={"width": 1200, "height": 1000})
    page.problems = []
    page.on("console", lambda msg: msg.type == "error" and page.problems.append(msg.text))
    page.on("pageerror", lambda err: page.problems.append(str(err)))
    page.on("dialog", lambda dialog: (page.problems.append("dialog: " + dialog.message), dialog.dismiss()))
    yield page
    page.close()


def _column(page, table: str, index: int) -> list[str]:
    return page.locator(f"#{table} tbody tr:not(.hidden) td:nth-child({index})").all_inner_texts()


def test_index_loads_without_console_errors(page, site, tmp_path):
    page.goto(site + "/index.html")
    assert page.title() == "绩效目标表审核结果汇总"
    assert page.locator("#departments tbody tr").count() == 2
    assert page.locator("svg.chart").count() == 2
    page.screenshot(path=str(tmp_path / "index.png"), full_page=True)
    assert (tmp_path / "index.png").stat().st_size > 10_000
    assert page.problems == []


def test_sorting_by_score(page, site):
    page.goto(site + "/index.html")
    header = page.locator("#departments th", has_text="得分")
    header.click()
    ascending = [float(x) for x in _column(page, "departments", 5)]
    assert ascending == sorted(ascending) and ascending[0] == 0
    assert header.get_attribute("aria-sort") == "ascending"
    header.click()
    descending = [float(x) for x in _column(page, "departments", 5)]
    assert descending == sorted(ascending, reverse=True)
    assert page.problems == []


def test_filters_hide_rows(page, site):
    page.goto(site + "/index.html")
    page.select_option("#filter-grade", "差")
    assert _column(page, "departments", 6) == ["差"]
    page.select_option("#filter-grade", "")
    page.select_option("#filter-rule", "GOAL_PLACEHOLDER")
    assert _column(page, "projects", 3) == ["工信业务工作经费"]
    assert page.locator("[data-count-for=projects]").inner_text() == "1"
    page.select_option("#filter-decision", "通过")
    assert _column(page, "projects", 3) == []


def test_department_link_opens_its_scorecard(page, site, tmp_path):
    page.goto(site + "/index.html")
    page.locator("#departments a", has_text="秦皇岛市工业和信息化局").click()
    page.wait_for_load_state()
    assert page.url.endswith(".html") and "index.html" not in page.url
    assert page.locator("h1").inner_text() == "秦皇岛市工业和信息化局 绩效目标表审核评分卡"
    assert page.locator(".opinion").first.inner_text().startswith("经审核")
    page.screenshot(path=str(tmp_path / "scorecard.png"))
    assert (tmp_path / "scorecard.png").stat().st_size > 10_000
    assert page.problems == []


def test_hostile_text_shows_as_text(page, site):
    page.goto(site + "/index.html")
    page.locator("#departments a", has_text="秦皇岛市工业和信息化局").click()
    page.wait_for_load_state()
    assert page.locator("td", has_text=HOSTILE).count() >= 2  # the indicator cell and the finding's message
    assert HOSTILE in page.locator("#project-1 h3").inner_text()
    assert page.evaluate("document.querySelectorAll('script').length") == 1
    assert page.problems == []  # no alert dialog, no error


def test_print_layout_hides_controls_and_fits_a4(page, site):
    page.set_viewport_size({"width": 718, "height": 1000})  # A4 width less the print margins, at 96 dpi
    page.goto(site + "/index.html")
    page.emulate_media(media="print")
    assert not page.locator(".filters").is_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= 718
    page.goto(site + "/471-秦皇岛市工业和信息化局.html")
    assert page.evaluate("document.documentElement.scrollWidth") <= 718


@pytest.fixture(scope="module")
def worklist_site(tmp_path_factory):
    """Two realistic departments (education with a copied template and a placeholder goal, health) scored by the CLI."""
    from click.testing import CliRunner

    import docs
    from auditor.cli import main

    root = tmp_path_factory.mktemp("worklist-site")
    docs.education(root / "in")
    docs.health(root / "in")
    result = CliRunner().invoke(main, ["score", str(root / "in"), "-o", str(root / "out"), "-q"])
    assert result.exit_code == 0, result.output
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(root / "out")))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


def test_worklist_is_the_first_table_returned_first(page, worklist_site):
    page.goto(worklist_site + "/index.html")
    assert page.locator("table").first.get_attribute("id") == "worklist"
    first_box = page.locator("#worklist").bounding_box()
    assert first_box["y"] < page.locator("#departments").bounding_box()["y"]
    decisions = [t.strip().split("\n")[0] for t in _column(page, "worklist", 1)]
    assert decisions[0].startswith("退回") and all(d.startswith("修改后通过") for d in decisions[1:])
    assert "学前教育补助资金" in _column(page, "worklist", 3)[0]
    assert "GOAL_PLACEHOLDER" in _column(page, "worklist", 7)[0]
    assert page.locator("#worklist ol.deciding").first.locator("li").count() >= 2
    assert page.problems == []


def test_worklist_filters_sorts_and_links_to_the_project(page, worklist_site):
    page.goto(worklist_site + "/index.html")
    page.select_option("#filter-decision", "退回")
    assert len(_column(page, "worklist", 3)) == 1
    assert page.locator("[data-count-for=worklist]").inner_text() == "1"
    page.select_option("#filter-decision", "")
    page.locator("#worklist th", has_text="预算").click()
    budgets = [float(x) for x in _column(page, "worklist", 4)]
    assert budgets == sorted(budgets)
    page.locator("#worklist a", has_text="学前教育补助资金").click()
    page.wait_for_load_state()
    assert page.url.endswith("#project-4")
    assert "学前教育补助资金" in page.locator("#project-4 h3").inner_text()
    assert page.problems == []


def test_scorecard_prints_a4_with_running_header_page_numbers_and_whole_codes(browser, worklist_site, tmp_path):
    import re
    import unicodedata

    import pdfplumber

    page = browser.new_page()
    page.goto(worklist_site + "/index.html")
    page.locator("#departments a", has_text="某市教育局").click()
    page.wait_for_load_state()
    pdf = tmp_path / "card.pdf"
    pdf.write_bytes(page.pdf(prefer_css_page_size=True))
    page.close()
    with pdfplumber.open(pdf) as doc:
        assert len(doc.pages) >= 2
        width, height = doc.pages[0].width, doc.pages[0].height
        assert round(width / 72 * 25.4) == 210 and round(height / 72 * 25.4) == 297  # A4
        # PDF fonts map some characters to radicals (⽬, ⻚): compare in NFKC, and the page word loosely
        texts = [unicodedata.normalize("NFKC", p.extract_text() or "") for p in doc.pages]
    for n, text in enumerate(texts, 1):
        assert re.search(rf"第 {n} \S / 共 {len(texts)} \S", text), text[-40:]
        assert "某市教育局 绩效目标表审核评分卡" in text.splitlines()[0]  # the running header
    whole = "\n".join(texts)
    for code in ("GOAL_PLACEHOLDER", "MISSING_DIMENSION", "DUP_TABLE", "GENERIC"):
        assert code in whole  # printed in one piece: a code broken mid-word would not be found
