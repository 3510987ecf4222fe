"""The --html report (issue 17): figures, a table of invariants, faults by kind, the
violations with their reproducer and replay command, and charts with axes, ticks and
units; offline; screenshot in a real browser."""

from __future__ import annotations

import os
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from accord.cli import main
from accord.sim.html import render
from accord.sim.simulation import Simulation
from tests.sim.sim_support import REPO, registry, scenario

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = REPO / "tests" / "artifacts"


class _Page(HTMLParser):
    """Rows of every table (cell texts), SVG tick labels, and tags seen."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.ticks: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._cell: list[str] | None = None
        self._tick = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self._cell = []
        elif tag == "text" and found.get("class") == "tick":
            self._tick = True

    def handle_endtag(self, tag: str) -> None:
        if tag in ("td", "th") and self._cell is not None:
            self.tables[-1][-1].append("".join(self._cell).strip())
            self._cell = None
        elif tag == "text":
            self._tick = False

    def handle_data(self, data: str) -> None:
        if self._cell is not None:
            self._cell.append(data)
        if self._tick:
            self.ticks.append(data)


def _parse(text: str) -> _Page:
    page = _Page()
    page.feed(text)
    return page


def _invariant_rows(page: _Page) -> dict[str, str]:
    table = next(t for t in page.tables if t and t[0][:2] == ["invariant", "status"])
    return {row[0]: row[1] for row in table[1:]}


def _failing(tmp_path: Path) -> Any:
    spec = scenario({"service": "analytics", "group": "revenue",
                     "handler": "examples.sim_handlers.broken:revenue_total"},
                    events=200, faults={"duplicate": 0.05},
                    invariants=["no-loss", "idempotent", "causal-order"])
    return Simulation(spec, registry=registry(), base=REPO).run(shrink_to=tmp_path / "r.yaml")


def test_a_passing_run_lists_every_invariant_as_held_and_draws_both_charts() -> None:
    spec = scenario({"service": "analytics", "group": "a", "model": "projection"},
                    faults={"duplicate": 0.05, "delay": {"p": 0.1, "max": "300ms"}})
    report = Simulation(spec, registry=registry(), base=REPO).run()
    page = _parse(render(report))
    rows = _invariant_rows(page)
    assert set(rows) == set(report.checked)
    assert set(rows.values()) == {"held"}
    assert len(page.ticks) > 10 and "0" in page.ticks
    faults = next(t for t in page.tables if t and t[0][0] == "fault")
    assert {row[0] for row in faults[1:]} == {"duplicate", "delay"}


def test_a_failing_run_shows_the_violation_its_reproducer_and_what_it_could_not_check(
        tmp_path: Path) -> None:
    report = _failing(tmp_path)
    text = render(report)
    rows = _invariant_rows(_parse(text))
    assert rows["idempotent"].startswith("violated")
    assert rows["causal-order"] == "not checkable here"
    assert rows["no-loss"] == "held"
    assert f"accord sim replay {tmp_path / 'r.yaml'}" in text


def test_the_page_is_offline_and_escapes_what_it_shows(tmp_path: Path) -> None:
    report = _failing(tmp_path)
    report.violations[0] = type(report.violations[0])(
        "idempotent", "<script>alert(1)</script>", None, "<b>g</b>")
    text = render(report)
    assert "<script" not in text and "&lt;script&gt;alert(1)&lt;/script&gt;" in text
    tags = _parse(text).tags
    assert not [a for _, a in tags for k in ("src", "href") if a.get(k)]  # nothing fetched


def test_the_cli_says_where_it_wrote_the_page(tmp_path: Path, capsys: Any,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)
    page = tmp_path / "report.html"
    assert main(["sim", "run", "scenarios/shop.yaml", "--events", "300", "--html", str(page),
                 "--format", "json"]) == 0
    out = capsys.readouterr()
    assert f"html report: {page}" in out.err
    assert out.out.lstrip().startswith("{")  # stdout is still only the JSON
    assert page.is_file()


@pytest.mark.browser
@pytest.mark.skipif(not CHROMIUM.exists() or not CHROMEDRIVER.exists(),
                    reason="chromium and chromedriver are not installed")
def test_the_page_in_a_real_browser(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    monkeypatch.chdir(REPO)
    page = tmp_path / "report.html"
    assert main(["sim", "run", "scenarios/shop.yaml", "--events", "2000", "--html",
                 str(page)]) == 0
    os.environ["SE_OFFLINE"] = "true"
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                 "--disable-background-networking", "--window-size=1000,2400"):
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path / 'profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    try:
        driver.get(page.as_uri())
        sizes = driver.execute_script(
            "return [...document.querySelectorAll('svg')].map(s => {"
            "const r = s.getBoundingClientRect(); return [r.width, r.height]; })")
        assert len(sizes) == 2 and all(w > 300 and h > 100 for w, h in sizes)
        assert not [e for e in driver.get_log("browser") if e["level"] == "SEVERE"]
        ARTIFACTS.mkdir(exist_ok=True)
        driver.save_screenshot(str(ARTIFACTS / "sim-report.png"))
    finally:
        driver.quit()


def test_a_line_of_one_point_is_still_drawn() -> None:
    from accord.sim.charts import line_chart

    page = line_chart("t", {"p99": [(0.0, 12.0)]}, "s", "ms")
    assert "<circle" in page and 'fill="#2563eb"' in page
