"""SVG images of the report's figures, drawn by one Chromium kept alive for the process.

kaleido 1.x draws plotly figures in a headless Chromium. Starting one takes seconds and
drawing a figure a fraction of one, so the browser is started on the first report and
kept for the next ones. It runs its own event loop in a background thread; callers wait
on a future with a timeout. (kaleido's own ``start_sync_server`` hands every caller the
same result queue and waits without a timeout, which a threaded web server cannot use.)

Drawing is deterministic, so the last few images are kept: a report asked for again, with
no new answers, gets its charts without drawing them.

Only Debian's Chromium (or the one ``BROWSER_PATH`` names) is ever used: nothing here
downloads a browser. Without one, or when drawing fails, callers get ``None`` and the PDF
shows tables instead.
"""

import asyncio
import atexit
import hashlib
import json
import logging
import os
import threading
from collections import OrderedDict
from pathlib import Path

from reports.figures import WIDTH, ReportFigure

logger = logging.getLogger(__name__)

DEBIAN_CHROMIUM = Path("/usr/bin/chromium")
START_TIMEOUT = 60  # seconds; a cold Chromium start takes a few
DRAW_TIMEOUT = 30  # seconds for all the figures of one report
CACHED_IMAGES = 64  # about 30 kB each


def browser_path() -> str | None:
    """The Chromium kaleido may use, or None when there is none on this machine."""
    if DEBIAN_CHROMIUM.is_file():
        os.environ.setdefault("BROWSER_PATH", str(DEBIAN_CHROMIUM))
    path = os.environ.get("BROWSER_PATH")
    return path if path and Path(path).is_file() else None


class ChartBrowser:
    """One kaleido browser with its event loop thread, started on first use."""

    def __init__(self):
        self._lock = threading.Lock()  # guards the remembered images
        self._browser_lock = threading.Lock()  # guards starting and stopping the browser
        self._loop: asyncio.AbstractEventLoop | None = None
        self._kaleido = None
        self._drawn: OrderedDict[str, str] = OrderedDict()

    def draw_svgs(self, figures: list[ReportFigure]) -> list[str]:
        keys = [fingerprint(figure) for figure in figures]
        images = self._remembered(keys)
        missing = [(k, f) for k, f in zip(keys, figures, strict=True) if k not in images]
        if missing:
            kaleido, loop = self._started()
            drawing = self._draw(kaleido, [figure for _, figure in missing])
            drawn = asyncio.run_coroutine_threadsafe(drawing, loop).result(timeout=DRAW_TIMEOUT)
            images.update(zip((key for key, _ in missing), drawn, strict=True))
            self._remember(images)
        return [images[key] for key in keys]

    def _remembered(self, keys: list[str]) -> dict[str, str]:
        with self._lock:
            found = {key: self._drawn[key] for key in keys if key in self._drawn}
            for key in found:
                self._drawn.move_to_end(key)
        return found

    def _remember(self, images: dict[str, str]):
        with self._lock:
            self._drawn.update(images)
            while len(self._drawn) > CACHED_IMAGES:
                self._drawn.popitem(last=False)

    @staticmethod
    async def _draw(kaleido, figures: list[ReportFigure]) -> list[str]:
        images = []
        for report_figure in figures:
            options = {"format": "svg", "width": WIDTH, "height": report_figure.height}
            svg = await kaleido.calc_fig(report_figure.figure, opts=options)
            images.append(svg.decode("utf-8"))
        return images

    def _started(self):
        with self._browser_lock:
            if self._kaleido is None:
                self._start()
            return self._kaleido, self._loop

    def _start(self):
        import kaleido  # imported on first use: it loads plotly's browser tooling

        loop = asyncio.new_event_loop()
        threading.Thread(target=loop.run_forever, name="kaleido", daemon=True).start()

        async def open_browser():
            # MathJax would come from a CDN: the report has no formulas, so none is loaded.
            browser = kaleido.Kaleido(n=1, mathjax=False)
            await browser.open()
            return browser

        try:
            self._kaleido = asyncio.run_coroutine_threadsafe(open_browser(), loop).result(
                timeout=START_TIMEOUT
            )
        except BaseException:
            loop.call_soon_threadsafe(loop.stop)
            raise
        self._loop = loop

    def close(self):
        """Stop the browser (at exit, or after a failure so the next report starts afresh)."""
        with self._browser_lock:
            kaleido, loop = self._kaleido, self._loop
            self._kaleido = self._loop = None
        if kaleido is None:
            return
        try:
            asyncio.run_coroutine_threadsafe(kaleido.close(), loop).result(timeout=10)
        except (TimeoutError, RuntimeError, OSError) as error:
            logger.warning("the chart browser did not close cleanly: %s", error)
        finally:
            loop.call_soon_threadsafe(loop.stop)


def fingerprint(figure: ReportFigure) -> str:
    drawing = json.dumps([figure.figure, figure.height], sort_keys=True)
    return hashlib.sha256(drawing.encode("utf-8")).hexdigest()


chart_browser = ChartBrowser()
atexit.register(chart_browser.close)


def svg_images(figures: list[ReportFigure]) -> dict[str, str] | None:
    """SVG text by figure key, or None when charts cannot be drawn on this machine."""
    if not figures:
        return {}
    if browser_path() is None:
        return None
    try:
        images = chart_browser.draw_svgs(figures)
    except Exception:
        # Whatever went wrong in the browser, the report itself must not be lost.
        logger.warning("charts could not be drawn; the report shows tables", exc_info=True)
        chart_browser.close()
        return None
    return {figure.key: svg for figure, svg in zip(figures, images, strict=True)}
