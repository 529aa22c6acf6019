#!/usr/bin/env python3
"""Render every dashboard page in headless Chromium: no error box, every chart drawn, a screenshot each.

    python scripts/render_dashboards.py --warehouse warehouse/sales_kpis.duckdb
    python scripts/render_dashboards.py --warehouse FILE --out DIR   # screenshots elsewhere

Starts `streamlit run dashboards/app.py` on a free port against the given (published) warehouse, and
visits each page an exposure of type dashboard declares in dbt's manifest published beside it
(`<warehouse>.manifest.json`, the one the app reads; its URL, port substituted).
A page passes when Streamlit finished running its script, it shows no exception and no error alert,
Streamlit found the page and ran it inside the app's navigation (which lists exactly the declared
pages), and every Vega-Lite chart the server sent for that run is drawn in the browser (a canvas or
svg inside the chart element). The expected count comes from the server's own messages on the websocket, not
from a number kept here. A full-page screenshot of each page goes to DIR (default: `screenshots/`
next to the warehouse file), and each page's render time (from navigation to the last chart drawn)
is printed. Exit code 0 only when every page passed.

The browser is Debian's chromium (scripts/chromium.py installs it), driven by Playwright; never
`playwright install`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from build import MANIFEST_SUFFIX
from chromium import LAUNCH_ARGS, chromium_path

PROJECT_DIR = Path(__file__).resolve().parent.parent
APP = PROJECT_DIR / "dashboards" / "app.py"
SERVER_START_SECONDS = 60
PAGE_TIMEOUT_SECONDS = 120
VIEWPORT = {"width": 1400, "height": 1000}

# What "an error box" and "a drawn chart" are in Streamlit's DOM (data-testid attributes of its frontend).
# An exception box holds an error alert of its own: count it once, as the exception.
ERROR_SELECTORS = {
    "exception": '[data-testid="stException"]',
    "error alert": '[data-testid="stAlertContentError"]:not([data-testid="stException"] *)',
}
CHART_SELECTOR = '[data-testid="stVegaLiteChart"]'
DRAWN_CHART_JS = f"""() => [...document.querySelectorAll('{CHART_SELECTOR}')]
    .filter(c => [...c.querySelectorAll('canvas, svg.marks')].some(m => m.getBoundingClientRect().width > 0))
    .length"""
# Streamlit scrolls inside its own containers, so the document is one viewport high: the screenshot's height is
# the tallest scrolling container's content.
CONTENT_HEIGHT_JS = """() => Math.max(document.documentElement.scrollHeight, ...[...document.querySelectorAll(
    '[data-testid="stMain"], [data-testid="stAppViewContainer"], [data-testid="stSidebarContent"]')]
    .map(e => e.scrollHeight))"""
FINISHED_JS = """() => document.querySelector('[data-testid="stApp"]')
    ?.getAttribute('data-test-script-state') === 'notRunning'"""


@dataclass
class Page:
    name: str
    url_path: str


@dataclass
class PageResult:
    page: Page
    url: str
    seconds: float
    charts_sent: int
    charts_drawn: int
    screenshot: Path | None
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def dashboard_pages(manifest: Path) -> list[Page]:
    """The pages the dbt exposures of type dashboard declare, from their URLs' paths."""
    if not manifest.exists():
        raise SystemExit(
            f"error: no dbt manifest at {manifest}: publish the warehouse with python3 scripts/dev.py build"
        )
    exposures = json.loads(manifest.read_text(encoding="utf-8"))["exposures"].values()
    pages = []
    for exposure in sorted(exposures, key=lambda e: e["name"]):
        if exposure["type"] != "dashboard":
            continue
        if not exposure.get("url"):
            raise SystemExit(f"error: dashboard exposure {exposure['name']} has no url")
        pages.append(Page(exposure["name"], urlsplit(exposure["url"]).path.lstrip("/")))
    if not pages:
        raise SystemExit(f"error: {manifest} declares no exposure of type dashboard")
    return pages


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def streamlit_server(app: Path, warehouse: Path, log: Path) -> Iterator[str]:
    """`streamlit run APP` on a free port against WAREHOUSE; yields its base URL, stops it afterwards."""
    port = free_port()
    command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.headless", "true"]
    command += ["--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"]
    # no file watcher (nothing edits the app meanwhile), no Deploy button in the screenshots
    command += ["--server.fileWatcherType", "none", "--client.toolbarMode", "viewer"]
    env = dict(os.environ, SALES_KPIS_WAREHOUSE=str(warehouse.resolve()))
    with log.open("w") as output:
        server = subprocess.Popen(command, cwd=PROJECT_DIR, env=env, stdout=output, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(server, base_url, log)
        yield base_url
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_healthy(server: subprocess.Popen, base_url: str, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"streamlit exited with {server.returncode}:\n{log.read_text()}")
        try:
            with urllib.request.urlopen(f"{base_url}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise RuntimeError(f"streamlit did not answer within {SERVER_START_SECONDS}s:\n{log.read_text()}")


class ScriptRun:
    """The server's side of one page load, read from the websocket: charts sent in the latest script run."""

    def __init__(self) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        self._message = ForwardMsg
        self.chart_paths: set[tuple[int, ...]] = set()
        self.finished: str | None = None
        self.page_not_found = False
        self.cached_references = 0
        self.navigation: set[str] | None = None  # the url paths of the pages in the app's navigation

    def receive(self, payload: bytes | str) -> None:
        if isinstance(payload, str):
            return
        message = self._message()
        message.ParseFromString(payload)
        kind = message.WhichOneof("type")
        if kind == "new_session":  # each script run starts with one: count the latest run only
            self.chart_paths.clear()
            self.finished = None
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            if message.delta.new_element.WhichOneof("type") == "vega_lite_chart":
                self.chart_paths.add(tuple(message.metadata.delta_path))
        elif kind == "script_finished":
            self.finished = self._message.ScriptFinishedStatus.Name(message.script_finished)
        elif kind == "navigation":
            self.navigation = {p.url_pathname for p in message.navigation.app_pages}
        elif kind == "page_not_found":
            self.page_not_found = True
        elif kind == "ref_hash":  # a message the browser should already have cached: its content is unknown here
            self.cached_references += 1


def render_pages(base_url: str, pages: list[Page], out_dir: Path | None, timeout: float) -> list[PageResult]:
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    declared = {page.url_path for page in pages}
    results = []
    with sync_playwright() as playwright, tempfile.TemporaryDirectory(prefix="chromium_profile_") as profile:
        browser = playwright.chromium.launch_persistent_context(
            profile, executable_path=str(executable), headless=True, args=LAUNCH_ARGS, viewport=VIEWPORT
        )
        try:
            for page in pages:
                try:
                    results.append(render_page(browser, base_url, page, declared, out_dir, timeout))
                except PlaywrightError as error:
                    url = f"{base_url}/{page.url_path}"
                    results.append(PageResult(page, url, float("nan"), 0, 0, None, [f"browser: {error.message}"]))
        finally:
            browser.close()
    return results


def render_page(
    browser, base_url: str, page: Page, declared: set[str], out_dir: Path | None, timeout: float
) -> PageResult:
    run = ScriptRun()
    tab = browser.new_page()
    tab.on("websocket", lambda ws: ws.on("framereceived", run.receive))
    url = f"{base_url}/{page.url_path}"
    problems = []
    started = time.monotonic()
    tab.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
    deadline = started + timeout
    # finished: the server said the script run ended, and the frontend agrees it is not running
    while not (run.finished and tab.evaluate(FINISHED_JS)) and time.monotonic() < deadline:
        tab.wait_for_timeout(50)
    if not run.finished:
        problems.append(f"the script did not finish within {timeout:.0f}s")
    elif run.finished != "FINISHED_SUCCESSFULLY":
        problems.append(f"the script ended with {run.finished}")
    # then every chart the run sent must be drawn (vega-embed renders after the script has finished)
    sent = len(run.chart_paths)
    drawn = tab.evaluate(DRAWN_CHART_JS)
    while drawn < sent and time.monotonic() < deadline:
        tab.wait_for_timeout(50)
        drawn = tab.evaluate(DRAWN_CHART_JS)
    seconds = time.monotonic() - started
    if drawn != sent:
        problems.append(f"{drawn} of the {sent} charts the server sent are drawn")
    if run.page_not_found:
        problems.append(f"Streamlit has no page at /{page.url_path}")
    # A page reached by its URL must run inside the app's navigation, and that navigation must list exactly the
    # declared pages: a `pages/` folder beside the app makes Streamlit run a page file alone, without the app.
    navigation = run.navigation or set()
    if navigation != declared:
        extra, missing = [
            sorted(f"/{path}" for path in paths) for paths in (navigation - declared, declared - navigation)
        ]
        problems.append(
            f"the app's navigation has pages no exposure declares {extra} and lacks declared ones {missing}"
            + (" (a pages/ folder beside the app makes Streamlit run the page file without the app)" if extra else "")
        )
    if run.cached_references:
        problems.append(f"{run.cached_references} messages came as cache references: chart count unknown")
    for what, selector in ERROR_SELECTORS.items():
        for box in tab.locator(selector).all():
            first_line = (box.inner_text().strip().splitlines() or [""])[0]
            problems.append(f"{what}: {first_line[:300]}")
    screenshot = None
    if out_dir is not None:
        screenshot = out_dir / f"{page.name}.png"
        tab.set_viewport_size({**VIEWPORT, "height": max(VIEWPORT["height"], tab.evaluate(CONTENT_HEIGHT_JS))})
        tab.wait_for_timeout(300)  # the charts re-lay out to the taller window
        tab.screenshot(path=str(screenshot), full_page=True)
    tab.close()
    return PageResult(page, url, seconds, sent, drawn, screenshot, problems)


def render_dashboards(
    warehouse: Path, out_dir: Path | None, pages: list[Page], app: Path = APP, timeout: float = PAGE_TIMEOUT_SECONDS
) -> list[PageResult]:
    """Start the app against WAREHOUSE, render PAGES, return one result per page."""
    if not warehouse.exists():
        raise FileNotFoundError(f"{warehouse} not found: publish one first (python3 scripts/dev.py build)")
    if not app.exists():
        raise FileNotFoundError(f"{app} not found")
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        for old in [*out_dir.glob("*.png"), *out_dir.glob("render_times.csv")]:
            old.unlink()
    with tempfile.TemporaryDirectory(prefix="render_dashboards_") as scratch:
        log = Path(scratch) / "streamlit.log"
        with streamlit_server(app, warehouse, log) as base_url:
            results = render_pages(base_url, pages, out_dir, timeout)
    if out_dir is not None:
        write_times(results, out_dir / "render_times.csv")
    return results


def write_times(results: list[PageResult], path: Path) -> None:
    """Each page's render time and verdict next to its screenshot, for the record of a run."""
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["page", "url_path", "ok", "seconds", "charts_sent", "charts_drawn", "problems"])
        for r in results:
            writer.writerow(
                [
                    r.page.name,
                    r.page.url_path,
                    r.ok,
                    f"{r.seconds:.2f}",
                    r.charts_sent,
                    r.charts_drawn,
                    "; ".join(r.problems),
                ]
            )


def print_results(results: list[PageResult]) -> None:
    width = max(len(r.page.name) for r in results)
    print(f"{'page':<{width}}  {'result':<6} {'charts':>6} {'seconds':>8}  screenshot")
    for r in results:
        verdict = "ok" if r.ok else "FAILED"
        print(
            f"{r.page.name:<{width}}  {verdict:<6} {f'{r.charts_drawn}/{r.charts_sent}':>6} {r.seconds:>8.2f}  "
            f"{r.screenshot or '-'}"
        )
        for problem in r.problems:
            print(f"    {problem}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warehouse", type=Path, required=True, help="published DuckDB file the app reads")
    parser.add_argument("--out", type=Path, help="screenshot folder (default: screenshots/ next to the warehouse)")
    parser.add_argument("--manifest", type=Path, help="dbt manifest with the exposures (default: beside the warehouse)")
    parser.add_argument("--app", type=Path, default=APP, help="the Streamlit app")
    parser.add_argument("--timeout", type=float, default=PAGE_TIMEOUT_SECONDS, help="seconds allowed per page")
    options = parser.parse_args(argv)
    out_dir = options.out or options.warehouse.resolve().parent / "screenshots"
    pages = dashboard_pages(options.manifest or options.warehouse.with_suffix(MANIFEST_SUFFIX))
    try:
        results = render_dashboards(options.warehouse, out_dir, pages, options.app, options.timeout)
    except (FileNotFoundError, RuntimeError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print_results(results)
    failed = [r.page.name for r in results if not r.ok]
    if failed:
        print(f"\n{len(failed)} of {len(results)} pages failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    print(f"\n{len(results)} pages rendered; screenshots in {out_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
