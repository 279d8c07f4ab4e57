"""The PDF gap report: the results page's numbers and charts, laid out for print."""

import base64
from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string

from assessments.action_plan import planned_actions
from assessments.models import Campaign
from assessments.review import campaign_review
from reports import chart_images
from reports.comparisons import comparisons_for
from reports.discussion import discussion_agenda
from reports.figures import ReportFigure, report_figures
from reports.selectors import results_report

PRINT_STYLESHEET = "css/report-print.css"


@dataclass(frozen=True)
class PrintedFigure:
    figure: ReportFigure
    image_uri: str | None  # an SVG data URI, or None where the table stands in


def render_report_pdf(campaign: Campaign) -> bytes:
    # WeasyPrint takes a second to import and only reports need it.
    from weasyprint import CSS, HTML
    from weasyprint.urls import URLFetcher

    report = results_report(campaign)
    figures = report_figures(report)
    images = chart_images.svg_images(figures)
    html = render_to_string(
        "reports/report_pdf.html",
        {
            "report": report,
            "figures": [
                PrintedFigure(figure, svg_data_uri(images[figure.key]) if images else None)
                for figure in figures
            ],
            "charts_missing": images is None,
            "review": campaign_review(campaign),
            "actions": planned_actions(campaign),
            **comparisons_context(campaign),
            "discussion": discussion_agenda(campaign),
        },
    )
    # Everything the report needs is in the document: it never fetches anything else.
    fetcher = URLFetcher(allowed_protocols={"data"})
    stylesheet = CSS(filename=finders.find(PRINT_STYLESHEET), url_fetcher=fetcher)
    return HTML(string=html, url_fetcher=fetcher).write_pdf(stylesheets=[stylesheet])


def comparisons_context(campaign: Campaign) -> dict:
    """The progress and benchmark sections, their charts drawn like the others."""
    comparisons = comparisons_for(campaign)
    figures = comparisons.figures
    images = chart_images.svg_images(list(figures.values()))
    return {
        "comparisons": comparisons,
        "comparison_figures": {
            name: PrintedFigure(figure, svg_data_uri(images[figure.key]) if images else None)
            for name, figure in figures.items()
        },
    }


def svg_data_uri(svg: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode("utf-8")).decode("ascii")
