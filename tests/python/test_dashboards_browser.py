"""The dashboards in a real browser: headless Chromium renders every page an exposure declares.

The renderer (scripts/render_dashboards.py) is tested first on a stand-in app with one page per way a
page can break in a browser, so a pass on the real app means something.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import render_dashboards
from build import MANIFEST_SUFFIX
from conftest import PROJECT_DIR
from render_dashboards import Page, dashboard_pages

STANDIN_APP = Path(__file__).parent / "fixtures" / "standin_dashboards" / "app.py"
# The folder the README names for the screenshots of the test command's run (target/ is not committed).
SCREENSHOTS = PROJECT_DIR / "target" / "screenshots"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def test_pages_are_the_dashboard_exposures_urls(tmp_path: Path) -> None:
    exposure = {"type": "dashboard", "url": "http://localhost:8501/pipeline_per_rep"}
    manifest = {
        "exposures": {
            "exposure.p.pipeline": {**exposure, "name": "pipeline"},
            "exposure.p.home": {**exposure, "name": "home", "url": "http://localhost:8501/"},
            "exposure.p.notebook": {"type": "notebook", "name": "notebook", "url": "http://localhost:8888/x"},
        }
    }
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps(manifest))
    assert dashboard_pages(path) == [Page("home", ""), Page("pipeline", "pipeline_per_rep")]


def test_a_dashboard_exposure_without_url_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "manifest.json"
    path.write_text(json.dumps({"exposures": {"exposure.p.x": {"type": "dashboard", "name": "x"}}}))
    with pytest.raises(SystemExit, match="dashboard exposure x has no url"):
        dashboard_pages(path)


def test_the_renderer_fails_error_boxes_exceptions_undrawn_charts_and_unknown_pages(tmp_path: Path) -> None:
    warehouse = tmp_path / "stand_in.duckdb"
    warehouse.write_bytes(b"")  # the stand-in only shows the path it is given
    names = ["error_box", "exception", "broken_chart"]
    pages = [Page("charts", ""), *[Page(name, name) for name in names]]
    results = render_dashboards.render_dashboards(warehouse, tmp_path / "shots", pages, STANDIN_APP, timeout=20)
    by_name = {r.page.name: r for r in results}

    charts = by_name["charts"]
    assert charts.ok, charts.problems
    assert (charts.charts_sent, charts.charts_drawn) == (2, 2)
    assert charts.screenshot.read_bytes().startswith(PNG_SIGNATURE)

    assert by_name["error_box"].problems == ["error alert: No warehouse published yet"]
    # the exception's own error box is not counted a second time
    assert by_name["exception"].problems == ["exception: RuntimeError: the page crashed"]
    assert by_name["broken_chart"].problems == ["1 of the 2 charts the server sent are drawn"]
    times = (tmp_path / "shots" / "render_times.csv").read_text().splitlines()
    assert [line.split(",")[0] for line in times] == ["page", "charts", *names]


def test_the_renderer_fails_pages_the_apps_navigation_does_not_have(tmp_path: Path) -> None:
    warehouse = tmp_path / "stand_in.duckdb"
    warehouse.write_bytes(b"")
    pages = [Page("charts", ""), Page("nowhere", "nowhere")]
    charts, nowhere = render_dashboards.render_dashboards(warehouse, None, pages, STANDIN_APP, timeout=20)
    # the stand-in's navigation has three pages no exposure declares here, and no /nowhere
    extra = ["/broken_chart", "/error_box", "/exception"]
    navigation = (
        f"the app's navigation has pages no exposure declares {extra} and lacks declared ones ['/nowhere']"
        " (a pages/ folder beside the app makes Streamlit run the page file without the app)"
    )
    assert charts.problems == [navigation]
    assert nowhere.problems == ["Streamlit has no page at /nowhere", navigation]


def test_every_dashboard_page_renders_in_chromium(sample_warehouse: Path) -> None:
    # the manifest the build published beside the warehouse: the one the app reads
    pages = dashboard_pages(sample_warehouse.with_suffix(MANIFEST_SUFFIX))
    results = render_dashboards.render_dashboards(sample_warehouse, SCREENSHOTS, pages)
    render_dashboards.print_results(results)

    failed = {r.page.name: r.problems for r in results if not r.ok}
    assert not failed, failed
    assert [r.page.name for r in results] == [p.name for p in pages]
    assert sum(r.charts_drawn for r in results) > 0, "the dashboards draw no chart at all"
    for r in results:
        assert r.charts_drawn == r.charts_sent
        assert r.screenshot == SCREENSHOTS / f"{r.page.name}.png"
        assert r.screenshot.read_bytes().startswith(PNG_SIGNATURE)
