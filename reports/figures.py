"""The report's charts, built once as plotly figures for the results page and the PDF.

The page draws each figure with plotly.js (static/js/charts.js); the PDF embeds the same
figure exported as SVG (reports/chart_images.py). Every number comes from the
:class:`~reports.selectors.ResultsReport`, never from the database directly.
"""

import json
from dataclasses import dataclass

import plotly.graph_objects as go
from django.core.cache import cache
from plotly.colors import sample_colorscale

from assessments.results import cache_key
from assessments.scoring import NOT_APPLICABLE, NOT_RATED, NOT_SATISFIED, SATISFIED
from reports.selectors import STATUS_LABELS, ResultsReport, percent

# Blue and orange stay distinguishable with the common colour-vision deficiencies.
STATUS_COLOURS = {
    SATISFIED: "#1f6fb2",
    NOT_SATISFIED: "#e07b00",
    NOT_APPLICABLE: "#9aa4ad",
    NOT_RATED: "#d6dbe0",
}
ACHIEVED_COLOUR = "#1f6fb2"
NOT_ACHIEVED_COLOUR = "#d6dbe0"
# From the lowest answer to the highest; the middle stays visible on white paper.
ANSWER_SCALE = [
    [0, "#b2182b"],
    [0.25, "#ef8a62"],
    [0.5, "#a3a3a3"],
    [0.75, "#67a9cf"],
    [1, "#2166ac"],
]
INK = "#212529"
FONT_FAMILY = "'Liberation Sans', Arial, Helvetica, 'DejaVu Sans', sans-serif"
WIDTH = 760  # the PDF's export width in CSS pixels; the page resizes to its column
QUESTION_LABEL_LENGTH = 48
LINE_HEIGHT = 15  # pixels between stacked single-line labels

TEMPLATE = go.layout.Template(
    layout={
        "font": {"family": FONT_FAMILY, "size": 13, "color": INK},
        "paper_bgcolor": "white",
        "plot_bgcolor": "white",
        "margin": {"l": 10, "r": 20, "t": 30, "b": 40},
        "xaxis": {"gridcolor": "#e9ecef", "linecolor": "#adb5bd", "zeroline": False},
        "yaxis": {"gridcolor": "#e9ecef", "linecolor": "#adb5bd", "automargin": True},
        "legend": {"orientation": "h", "yanchor": "bottom", "y": 1.0, "x": 0},
        "hoverlabel": {"font": {"family": FONT_FAMILY}},
    }
)


@dataclass(frozen=True)
class ReportFigure:
    """One chart with its text alternative; ``figure`` is plain JSON-ready data."""

    key: str
    title: str
    summary: str
    figure: dict
    height: int

    @property
    def element_id(self) -> str:
        return f"figure-{self.key}"


def report_figures(report: ResultsReport) -> list[ReportFigure]:
    """The charts a report shows; none before the first answer.

    Building them with plotly costs more than the rest of the page, and they depend on
    the campaign's own results only: they are cached with them (a figure that depends on
    other campaigns does not belong in this list).
    """
    if not report.has_answers:
        return []
    key = cache_key(report.campaign, "figures")
    figures = cache.get(key)
    if figures is None:
        figures = build_figures(report)
        cache.set(key, figures, timeout=None)
    return figures


def build_figures(report: ResultsReport) -> list[ReportFigure]:
    figures = [level_ladder(report), area_scores(report)]
    if report.units:
        figures.append(unit_heatmap(report))
    if report.spreads:
        figures.append(answer_spread(report))
    return figures


def as_data(figure: go.Figure, height: int) -> dict:
    figure.update_layout(template=TEMPLATE, height=height)
    return json.loads(figure.to_json())


def level_ladder(report: ResultsReport) -> ReportFigure:
    levels = report.levels
    achieved = report.achieved_level
    figure = go.Figure(
        go.Bar(
            x=[level.label for level in levels],
            y=[level.number for level in levels],
            marker={
                "color": [ACHIEVED_COLOUR if lv.achieved else NOT_ACHIEVED_COLOUR for lv in levels],
                "line": {
                    "color": [INK if lv.is_target else "rgba(0,0,0,0)" for lv in levels],
                    "width": 3,
                },
            },
            customdata=[" · ".join(reversed(ladder_lines(level))) for level in levels],
            hovertemplate="%{x}<br>%{customdata}<extra></extra>",
            showlegend=False,
        )
    )
    # One annotation per line, stacked above the step: multi-line SVG text is laid out
    # differently by browsers and by the PDF renderer.
    for level in levels:
        for index, line in enumerate(ladder_lines(level)):
            figure.add_annotation(
                x=level.label,
                y=level.number,
                text=line,
                showarrow=False,
                yanchor="bottom",
                yshift=3 + index * LINE_HEIGHT,
                font={"size": 11},
            )
    figure.update_layout(
        yaxis={"visible": False, "range": [0, report.top_level + 1.9]},
        xaxis={"showgrid": False, "tickfont": {"size": 12}},
        bargap=0.12,
        margin={"t": 10},
    )
    target = report.target_level
    summary = (
        f"Achieved level {achieved['number']}"
        + (f" ({achieved['name']})" if achieved["name"] else " (level 1 is not reached yet)")
        + f" of {len(levels)} levels"
        + (f"; target level {target['number']} ({target['name']})." if target else ".")
    )
    return ReportFigure("level-ladder", "Level ladder", summary, as_data(figure, 320), 320)


def ladder_lines(level) -> list[str]:
    """What a step of the ladder says, bottom line first: how many areas are in place,
    whether it is achieved, and whether it is where you are or your target."""
    lines = []
    if level.areas:
        lines.append(f"{level.areas_in_place} of {len(level.areas)} areas in place")
    lines.append("Achieved" if level.achieved else "Not achieved")
    notes = (("Target", level.is_target), ("You are here", level.is_achieved_level))
    lines.extend(f"<b>{note}</b>" for note, applies in notes if applies)
    return lines


def area_scores(report: ResultsReport) -> ReportFigure:
    """Each process area's score against its threshold, grouped by level."""
    areas = report.areas
    levels = {level.number: f"Level {level.number}" for level in report.levels}

    def positions(selected):
        return [[levels[a.level_number] for a in selected], [a.name for a in selected]]

    # The threshold trace lists every area, in order: it fixes the order of the categories.
    figure = go.Figure(
        go.Scatter(
            x=[area.threshold for area in areas],
            y=positions(areas),
            mode="markers",
            name="Threshold",
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": INK}},
            hovertemplate="Threshold %{x:.1%}<extra></extra>",
        )
    )
    for status in (SATISFIED, NOT_SATISFIED, NOT_APPLICABLE, NOT_RATED):
        selected = [area for area in areas if area.status == status]
        if not selected:
            continue
        figure.add_trace(
            go.Bar(
                orientation="h",
                x=[area.score or 0 for area in selected],
                y=positions(selected),
                name=STATUS_LABELS[status],
                marker={"color": STATUS_COLOURS[status]},
                text=[
                    percent(area.score) if area.score is not None else STATUS_LABELS[status]
                    for area in selected
                ],
                textposition="outside",
                cliponaxis=False,
                hovertemplate="%{y}<br>%{text}<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="overlay",
        xaxis={
            "range": [0, 1.08],
            "tickformat": ".0%",
            "title": {"text": "Score (share of the scale)"},
        },
        yaxis={"autorange": "reversed"},
        bargap=0.3,
        legend={"traceorder": "normal"},
        margin={"t": 40},
    )
    below = sum(area.status == NOT_SATISFIED for area in areas)
    unrated = sum(area.status == NOT_RATED for area in areas)
    summary = (
        f"{len(areas)} process areas: {below} below their threshold"
        + (f", {unrated} not rated" if unrated else "")
        + "."
    )
    height = 110 + 30 * len(areas)
    return ReportFigure(
        "area-scores",
        "Process-area scores against their thresholds",
        summary,
        as_data(figure, height),
        height,
    )


def unit_heatmap(report: ResultsReport) -> ReportFigure:
    """Area scores per unit, for units with enough respondents to stay anonymous."""
    areas = report.areas
    units = report.units
    figure = go.Figure(
        go.Heatmap(
            x=[f"{unit.name} ({unit.respondents})" for unit in units],
            y=[area.name for area in areas],
            z=[[unit.scores.get(area.key) for unit in units] for area in areas],
            text=[[percent(unit.scores.get(area.key)) for unit in units] for area in areas],
            texttemplate="%{text}",
            zmin=0,
            zmax=1,
            colorscale="Blues",
            xgap=2,
            ygap=2,
            colorbar={"tickformat": ".0%", "title": {"text": "Score"}, "thickness": 14},
            hovertemplate="%{y} · %{x}<br>%{text}<extra></extra>",
        )
    )
    figure.update_layout(
        yaxis={"autorange": "reversed", "showgrid": False},
        xaxis={"side": "top", "showgrid": False},
        margin={"t": 40},
    )
    summary = (
        f"Scores of {len(areas)} process areas in {len(units)} units with at least "
        f"{report.campaign.anonymity_minimum} respondents each."
    )
    height = 90 + 28 * len(areas)
    return ReportFigure("unit-heatmap", "Scores by unit", summary, as_data(figure, height), height)


def answer_spread(report: ResultsReport) -> ReportFigure:
    """How answers spread over the scale where people disagree most."""
    spreads = report.spreads
    options = report.scale_options
    colours = sample_colorscale(ANSWER_SCALE, [i / (len(options) - 1) for i in range(len(options))])
    labels = [question_label(spread.question) for spread in spreads]
    figure = go.Figure()
    for index, (value, label) in enumerate(options):
        shares = [share(spread.counts, index) for spread in spreads]
        figure.add_trace(
            go.Bar(
                orientation="h",
                x=shares,
                y=labels,
                name=f"{value} · {label}",
                marker={"color": colours[index], "line": {"color": "white", "width": 1}},
                customdata=[spread.counts[index] for spread in spreads],
                hovertemplate=f"{value} · {label}: " + "%{customdata} (%{x:.0%})<extra></extra>",
            )
        )
    figure.update_layout(
        barmode="stack",
        xaxis={"range": [0, 1], "tickformat": ".0%", "title": {"text": "Share of the answers"}},
        yaxis={"autorange": "reversed"},
        legend={"y": 1.02, "font": {"size": 11}, "traceorder": "normal"},
        margin={"t": 70},
    )
    threshold = percent(report.disagreement_threshold)
    summary = (
        f"{len(spreads)} questions where answers spread by at least {threshold} of the scale "
        "(standard deviation), widest spread first."
    )
    height = 150 + 34 * len(spreads)
    return ReportFigure(
        "answer-spread", "Where people disagree", summary, as_data(figure, height), height
    )


def question_label(question) -> str:
    text = question.text
    if len(text) > QUESTION_LABEL_LENGTH:
        text = text[: QUESTION_LABEL_LENGTH - 1].rstrip() + "…"
    return f"{text} ({question.key})"


def share(counts: tuple[int, ...], index: int) -> float:
    total = sum(counts)
    return counts[index] / total if total else 0.0
