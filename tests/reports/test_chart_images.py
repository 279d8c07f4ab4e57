import asyncio
import os
import threading

import pytest

from reports import chart_images
from reports.chart_images import ChartBrowser
from reports.figures import report_figures
from reports.selectors import results_report


def test_kaleido_is_pointed_at_debians_chromium(monkeypatch, needs_chromium):
    monkeypatch.delenv("BROWSER_PATH", raising=False)

    assert chart_images.browser_path() == "/usr/bin/chromium"
    assert os.environ["BROWSER_PATH"] == "/usr/bin/chromium"


def test_without_chromium_no_image_is_drawn(varied_campaign, no_chromium, monkeypatch):
    monkeypatch.setattr(chart_images.chart_browser, "draw_svgs", pytest.fail)

    assert chart_images.svg_images(report_figures(results_report(varied_campaign))) is None


@pytest.fixture
def event_loop_thread():
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    yield loop
    loop.call_soon_threadsafe(loop.stop)


def test_charts_asked_for_again_are_not_drawn_again(varied_campaign, event_loop_thread):
    drawn = []

    async def draw(kaleido, figures):
        drawn.extend(figure.key for figure in figures)
        return [f"<svg>{figure.key}</svg>" for figure in figures]

    browser = ChartBrowser()
    browser._draw = draw
    browser._started = lambda: (None, event_loop_thread)
    figures = report_figures(results_report(varied_campaign))

    first = browser.draw_svgs(figures)
    again = browser.draw_svgs(figures)

    assert first == again == [f"<svg>{figure.key}</svg>" for figure in figures]
    assert drawn == [figure.key for figure in figures]
