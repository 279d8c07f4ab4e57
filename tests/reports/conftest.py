import io
from decimal import ROUND_HALF_UP, Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from django.core.management import call_command

from reports import chart_images
from tests.factories import MembershipFactory, UnitFactory, consultant_of, respond


@pytest.fixture
def varied_campaign(campaign):
    """Answers with everything the report has to show.

    Sales has three respondents and is broken out; Ops has one and Support two, and are
    not (anonymity minimum 3): together they are three, so Sales can be shown without
    giving them away. Level 2 is not achieved: monitoring (one N/A among its answers) is
    below its threshold. Level 3 was not rated at all. People disagree about cr-1.
    Support's two only called cr-2 not applicable, which moves no score.
    """
    sales = UnitFactory(organization=campaign.organization, name="Sales")
    ops = UnitFactory(organization=campaign.organization, name="Ops")
    support = UnitFactory(organization=campaign.organization, name="Support")
    respond(campaign, {"cr-1": 4, "cr-2": 3, "mo-1": None}, unit=sales, role="employee")
    respond(campaign, {"cr-1": 0, "cr-2": 2, "mo-1": 1}, unit=sales, role="employee")
    respond(campaign, {"cr-1": 4, "cr-2": 3, "mo-1": 2}, unit=sales, role="employee")
    respond(campaign, {"cr-1": 1, "cr-2": None, "mo-1": None}, unit=ops, role="manager")
    for _ in range(2):
        respond(campaign, {"cr-2": None}, unit=support, role="manager")
    return campaign


@pytest.fixture
def outside_consultant(db):
    """A consultant of another organization."""
    return consultant_of(MembershipFactory().organization)


@pytest.fixture
def no_chromium(monkeypatch):
    """This machine, as if Chromium were not installed."""
    monkeypatch.setattr(chart_images, "DEBIAN_CHROMIUM", Path("/nonexistent/chromium"))
    monkeypatch.delenv("BROWSER_PATH", raising=False)


@pytest.fixture
def needs_chromium():
    if chart_images.browser_path() is None:
        pytest.skip("Debian's Chromium is not installed (apt-get install chromium)")


def results_document_of(campaign) -> dict:
    """The contract's results document, as `campaign_results --json` prints it."""
    import json

    out = io.StringIO()
    call_command("campaign_results", str(campaign.pk), "--json", stdout=out)
    return json.loads(out.getvalue())


class TableReader(HTMLParser):
    """The rows of every table of a page, as lists of cell texts (whitespace collapsed)."""

    def __init__(self):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self._row: list[str] | None = None
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr":
            self._row = []
        elif tag in ("td", "th") and self._row is not None:
            self._cell = []

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self._cell is not None:
            self._row.append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "tr" and self._row is not None:
            self.tables[-1].append(self._row)
            self._row = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)


def table_rows(html: str) -> list[list[str]]:
    reader = TableReader()
    reader.feed(html)
    return [row for table in reader.tables for row in table]


def share(value) -> str:
    """A document score as the page and the PDF show it: a percentage rounded half up."""
    if value is None:
        return "—"
    rounded = (Decimal(str(value)) * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    return f"{rounded}%"


def points(value) -> str:
    return share(value).replace("%", " points")
