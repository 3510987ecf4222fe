"""The built site in headless Chromium: navigation, search, Mermaid, no console errors, no XSS.

One browser session for every check (the machine is small). Screenshots go to
tests/artifacts/ (CI keeps them; git ignores them).
"""

from __future__ import annotations

import functools
import http.server
import os
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--window-size=1280,900")

# Runs before any page script. It records XSS payload calls and dialogs in
# localStorage (which survives navigation), and opens shadow roots: mkdocs-material
# draws Mermaid into a closed one, which a test could not look into otherwise.
HOOK = """
(() => {
  const record = (what) => {
    const seen = JSON.parse(localStorage.getItem('accord-xss') || '[]');
    seen.push(String(what));
    localStorage.setItem('accord-xss', JSON.stringify(seen));
  };
  window.__accordXss = record;
  for (const name of ['alert', 'confirm', 'prompt']) {
    window[name] = (message) => record(name + ':' + message);
  }
  const attach = Element.prototype.attachShadow;
  Element.prototype.attachShadow = function (init) {
    return attach.call(this, {...init, mode: 'open'});
  };
})();
"""

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists() or not CHROMEDRIVER.exists(),
                       reason="headless Chromium is not installed (apt-get install chromium "
                              "chromium-driver); .ci/run installs it"),
]


@pytest.fixture(scope="module")
def server(probe_site: Path) -> Iterator[str]:
    handler = functools.partial(_QuietHandler, directory=str(probe_site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    # Never let Selenium Manager look for (or download) a browser or a driver.
    os.environ["SE_OFFLINE"] = "true"
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(options=options, service=Service(str(CHROMEDRIVER)))
    driver.set_page_load_timeout(60)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": HOOK})
    try:
        yield driver
    finally:
        driver.quit()


def wait_for(check: Callable[[], Any], timeout: float = 20.0) -> Any:
    from selenium.common.exceptions import StaleElementReferenceException

    deadline = time.monotonic() + timeout
    while True:
        try:
            value = check()
        except StaleElementReferenceException:
            # The page re-rendered (e.g. search results update as you type): look again.
            value = None
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {check.__doc__ or check}")
        time.sleep(0.1)


def console_errors(driver: Any) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] == "SEVERE"]


def mermaid_svgs(driver: Any) -> int:
    """Rendered Mermaid graphs with at least one node drawn."""
    return int(driver.execute_script("""
      return [...document.querySelectorAll('div.mermaid')].filter(d =>
        d.shadowRoot && d.shadowRoot.querySelector('svg g.node')).length;
    """))


def offsite_resources(driver: Any, base: str) -> list[str]:
    names = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name);")
    return [n for n in names if not n.startswith(base) and not n.startswith("data:")]


def xss_calls(driver: Any) -> list[str]:
    return list(driver.execute_script(
        "return JSON.parse(localStorage.getItem('accord-xss') || '[]');"))


def shoot(driver: Any, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    driver.save_screenshot(str(ARTIFACTS / name))


def visit(driver: Any, url: str) -> None:
    driver.get(url)
    wait_for(lambda: driver.execute_script("return document.readyState") == "complete")


@pytest.fixture(params=["http", "file"])
def site_url(request: pytest.FixtureRequest, server: str, probe_site: Path) -> str:
    """The site served over HTTP, and opened from its folder as a file manager would."""
    return server if request.param == "http" else probe_site.resolve().as_uri() + "/"


def test_site_in_chromium(browser: Any, site_url: str) -> None:
    from selenium.webdriver.common.by import By

    server = site_url
    kind = "file" if server.startswith("file:") else "http"
    # Home page: counts and domains.
    visit(browser, server + "index.html")
    assert "Event catalog" in browser.title
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "Domains" in body and "Recent changes" in body
    shoot(browser, f"home-{kind}.png")

    # Navigation: a click lands on a page (not on a folder's listing).
    link = wait_for(lambda: [a for a in browser.find_elements(By.CSS_SELECTOR, "nav a")
                             if a.is_displayed() and a.text.strip() == "All events"])[0]
    link.click()
    wait_for(lambda: browser.current_url.endswith("events/index.html"))
    assert browser.find_element(By.TAG_NAME, "h1").text.strip()
    visit(browser, server + "index.html")

    # Search: type into the theme's search box, follow the hit to the event page.
    # On a wide window the header shows the search box itself: click into it and type.
    box = wait_for(lambda: [e for e in browser.find_elements(By.CSS_SELECTOR,
                                                              "input.md-search__input")
                            if e.is_displayed()])[0]
    box.click()
    box.send_keys("shipping_address")  # a field name, not the event's
    # Results re-render while the index loads: read the link's address, then follow it.
    hits = wait_for(lambda: [href for a in browser.find_elements(
        By.CSS_SELECTOR, ".md-search-result__item a, a.md-search-result__link")
        if "events/orders/OrderPlaced.html" in (href := a.get_attribute("href") or "")])
    shoot(browser, f"search-{kind}.png")
    browser.get(hits[0])
    wait_for(lambda: "events/orders/OrderPlaced.html" in browser.current_url)

    # Event page: facts, Mermaid flow graph as SVG, versions, changes.
    visit(browser, browser.current_url.split("#")[0])
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("orders.OrderPlaced")
    wait_for(lambda: mermaid_svgs(browser) >= 1)
    text = browser.find_element(By.TAG_NAME, "body").text
    for expected in ("order-service", "email-service", "Version 2", "Changes from version 1",
                     "Deprecated", "shipping_address"):
        assert expected in text, expected
    # Schemas and examples carry the theme's copy button (its class changed across versions).
    copy = "button.md-code__button[data-md-type=copy], button.md-clipboard"
    assert len(browser.find_elements(By.CSS_SELECTOR, copy)) >= 3
    shoot(browser, f"event-page-{kind}.png")
    assert not offsite_resources(browser, server)

    # Flow map.
    visit(browser, server + "flow.html")
    wait_for(lambda: mermaid_svgs(browser) >= 1)
    shoot(browser, f"flow-map-{kind}.png")
    # Rendered (not Mermaid's syntax-error picture): nodes and the bundled edges' labels,
    # in a shape that fits a screen rather than a ribbon.
    width, height, nodes, bundles = browser.execute_script("""
      const svg = [...document.querySelectorAll('div.mermaid')]
        .map(d => d.shadowRoot && d.shadowRoot.querySelector('svg'))
        .find(s => s && s.querySelector('g.node'));
      const r = svg.getBoundingClientRect();
      return [r.width, r.height, svg.querySelectorAll('g.node').length,
              [...svg.querySelectorAll('.edgeLabel')].filter(
                  e => e.textContent.startsWith('all ')).length];
    """)
    assert nodes >= 20 and bundles >= 1, (nodes, bundles)
    assert width > 300 and 0.25 < width / height < 8, (width, height)
    assert not offsite_resources(browser, server)

    # The XSS probe: payloads show as text; nothing runs, nothing is injected.
    visit(browser, server + "events/probe/XssProbed.html")
    wait_for(lambda: mermaid_svgs(browser) >= 1)
    time.sleep(0.5)  # let any injected onerror/onload handler have its chance
    shoot(browser, f"xss-probe-{kind}.png")
    body = browser.find_element(By.TAG_NAME, "body").text
    assert "<script>window.__accordXss('summary')</script>" in body
    assert "<script>window.__accordXss('description')</script>" in body
    injected = browser.execute_script("""
      const hits = [];
      for (const id of ['xss-injected', 'xss-frame', 'xss-anchor', 'xss-owner']) {
        if (document.getElementById(id)) hits.push('#' + id);
      }
      for (const s of document.scripts) {
        if (s.textContent.includes('__accordXss')) hits.push('script');
      }
      for (const el of document.querySelectorAll('*')) {
        for (const attr of el.attributes) {
          // Slugged names may spell the payload in a URL path; only handlers can run it.
          const runs = attr.name.startsWith('on') || attr.name === 'srcdoc';
          if (runs && attr.value.includes('__accordXss')) hits.push(el.tagName + attr.name);
        }
      }
      for (const a of document.querySelectorAll('a[href]')) {
        if (a.getAttribute('href').trim().toLowerCase().startsWith('javascript:')) {
          hits.push('javascript: link');
        }
      }
      return hits;
    """)
    assert injected == []
    assert xss_calls(browser) == []
    assert console_errors(browser) == []


WIDTHS = (360, 1400, 1920)


def test_tables_fit_at_every_width(browser: Any, probe_site: Path, site_url: str) -> None:
    """Every event page of the example registry, on a phone and two desktops: no table's
    right edge crosses the table of contents (when the theme shows it) or the screen."""
    pages = sorted(p for p in (probe_site / "events").rglob("*.html")
                   if p.name != "index.html")
    assert len(pages) >= 18
    overlaps = []
    for width in WIDTHS:
        browser.set_window_size(width, 1000)
        for page in pages:
            visit(browser, site_url + page.relative_to(probe_site).as_posix())
            found = browser.execute_script("""
              const toc = [...document.querySelectorAll('.md-sidebar--secondary')]
                .find(e => e.offsetParent !== null && e.getBoundingClientRect().width > 0);
              const limit = toc ? toc.getBoundingClientRect().left
                                : document.documentElement.clientWidth;
              // What shows of a table: its own box, or the box of the element it scrolls in.
              const shown = (t) => {
                let right = t.getBoundingClientRect().right;
                for (let e = t; e && e !== document.body; e = e.parentElement) {
                  if (getComputedStyle(e).overflowX !== 'visible') {
                    right = Math.min(right, e.getBoundingClientRect().right);
                  }
                }
                return right;
              };
              return [...document.querySelectorAll('article table')]
                .map(t => shown(t) - limit)
                .filter(over => over > 1);
            """)
            if found:
                overlaps.append((width, page.name, [round(x) for x in found]))
        browser.execute_script("window.scrollTo(0, 0)")
        visit(browser, site_url + "events/orders/OrderPlaced.html")
        kind = "file" if site_url.startswith("file:") else "http"
        shoot(browser, f"fields-{width}-{kind}.png")
    browser.set_window_size(1280, 900)
    assert overlaps == []
