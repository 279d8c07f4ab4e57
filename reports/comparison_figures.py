"""Charts of progress over time and of the benchmark, in the style of reports/figures.py.

Like the report's other charts, each is built once as plotly data: the page draws it with
plotly.js from a JSON data block, the PDF embeds it as SVG (reports/chart_images.py).
"""

from collections import Counter

import plotly.graph_objects as go
from plotly.colors import qualitative
from plotly.subplots import make_subplots

from reports.benchmarking import ABOVE_UPPER_QUARTILE, BELOW_LOWER_QUARTILE, Benchmark
from reports.figures import ACHIEVED_COLOUR, INK, ReportFigure, as_data
from reports.progress import Progress

# Colour-blind safe; past its end the lines change dash as well as colour.
AREA_COLOURS = qualitative.Safe
AREA_DASHES = ("solid", "dot", "dash")
OTHERS_COLOUR = "#9aa4ad"
MIDDLE_HALF_COLOUR = "#b9d3ea"
YOUR_SCORE_COLOUR = "#e07b00"


def comparison_figures(progress: Progress | None, benchmark: Benchmark | None) -> dict:
    """The charts by name ("trend", "levels", "areas"): only those with something to show."""
    figures = {}
    if progress is not None and progress.has_trend:
        figures["trend"] = progress_trend(progress)
    if benchmark is not None:
        figures["levels"] = benchmark_levels(benchmark)
        if benchmark.compared_areas:
            figures["areas"] = benchmark_areas(benchmark)
    return figures


def progress_trend(progress: Progress) -> ReportFigure:
    """The achieved level and each process area's score, campaign after campaign."""
    rounds = progress.rounds
    names = [campaign_round.name for campaign_round in rounds]
    figure = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        row_heights=[0.3, 0.7],
        vertical_spacing=0.1,
        subplot_titles=("Achieved level", "Process-area scores"),
    )
    figure.add_trace(
        go.Scatter(
            x=names,
            y=[campaign_round.achieved_level for campaign_round in rounds],
            mode="lines+markers",
            name="Achieved level",
            line={"color": INK, "width": 2.5},
            marker={"size": 9},
            customdata=[campaign_round.level_label for campaign_round in rounds],
            hovertemplate="%{x}: %{customdata}<extra></extra>",
            showlegend=False,
        ),
        row=1,
        col=1,
    )
    for index, area in enumerate(progress.areas):
        colours = len(AREA_COLOURS)
        figure.add_trace(
            go.Scatter(
                x=names,
                y=[campaign_round.scores.get(area.key) for campaign_round in rounds],
                mode="lines+markers",
                name=area.name,
                line={
                    "color": AREA_COLOURS[index % colours],
                    "dash": AREA_DASHES[(index // colours) % len(AREA_DASHES)],
                },
                hovertemplate="%{fullData.name}<br>%{x}: %{y:.1%}<extra></extra>",
            ),
            row=2,
            col=1,
        )
    figure.update_yaxes(
        row=1, col=1, range=[-0.4, progress.top_level + 0.6], dtick=1, title_text="Level"
    )
    figure.update_yaxes(row=2, col=1, range=[0, 1.05], tickformat=".0%", title_text="Score")
    # Half a step of room on either side, so the first and last names are not cut off.
    figure.update_xaxes(
        type="category",
        range=[-0.5, len(rounds) - 0.5],
        tickvals=names,
        ticktext=[
            f"<b>{campaign_round.name}</b>" if campaign_round.is_current else campaign_round.name
            for campaign_round in rounds
        ],
    )
    figure.update_layout(
        legend={"orientation": "h", "y": -0.12, "yanchor": "top", "font": {"size": 11}},
        margin={"t": 40, "b": 20},
    )
    height = 420 + 22 * -(-len(progress.areas) // 3)
    return ReportFigure(
        "progress-trend",
        "Progress over time",
        trend_summary(progress),
        as_data(figure, height),
        height,
    )


def trend_summary(progress: Progress) -> str:
    first, current = progress.rounds[0], progress.current
    summary = (
        f"{len(progress.rounds)} campaigns from {first.name} to {progress.rounds[-1].name}. "
        f"Achieved level in {first.name}: {first.level_label}; in {current.name}: "
        f"{current.level_label}."
    )
    if progress.previous is not None:
        moved = Counter(area.direction for area in progress.areas)
        summary += (
            f" Since {progress.previous.name}, {moved['up']} process areas went up, "
            f"{moved['down']} went down and {moved['same']} stayed the same."
        )
    return summary


def benchmark_levels(benchmark: Benchmark) -> ReportFigure:
    """How many organizations stand at each level, this one's level highlighted."""
    levels = benchmark.levels
    figure = go.Figure(
        go.Bar(
            x=[level.label for level in levels],
            y=[level.organizations for level in levels],
            marker={"color": [ACHIEVED_COLOUR if lv.is_yours else OTHERS_COLOUR for lv in levels]},
            text=[str(level.organizations) for level in levels],
            textposition="outside",
            cliponaxis=False,
            hovertemplate="%{x}: %{y} organizations<extra></extra>",
            showlegend=False,
        )
    )
    yours = benchmark.yours
    figure.add_annotation(
        x=yours.label,
        y=yours.organizations,
        text="<b>You are here</b>",
        showarrow=False,
        yanchor="bottom",
        yshift=20,
    )
    most = max(level.organizations for level in levels)
    figure.update_layout(
        yaxis={
            "title": {"text": "Organizations"},
            "range": [0, most * 1.35 + 0.5],
            "dtick": 1 if most <= 10 else None,
        },
        xaxis={"showgrid": False, "type": "category"},
        bargap=0.25,
        margin={"t": 20},
    )
    summary = (
        f"Achieved levels of {benchmark.organizations} organizations that use this model. "
        f"Yours, {yours.label}, is highlighted: {benchmark.below} organizations are below it, "
        f"{yours.organizations} at it (yours included) and {benchmark.above} above it."
    )
    return ReportFigure(
        "benchmark-levels",
        "Levels reached by organizations like yours",
        summary,
        as_data(figure, 320),
        320,
    )


def benchmark_areas(benchmark: Benchmark) -> ReportFigure:
    """Each process area's score against the middle half and median of the others."""
    areas = benchmark.compared_areas
    names = [area.name for area in areas]
    figure = go.Figure(
        go.Bar(
            orientation="h",
            y=names,
            base=[area.lower_quartile for area in areas],
            x=[area.upper_quartile - area.lower_quartile for area in areas],
            name="Middle half of the other organizations",
            marker={"color": MIDDLE_HALF_COLOUR},
            customdata=[[area.lower_quartile, area.upper_quartile] for area in areas],
            hovertemplate="Middle half: %{customdata[0]:.1%} to %{customdata[1]:.1%}"
            "<extra></extra>",
        )
    )
    figure.add_trace(
        go.Scatter(
            x=[area.median for area in areas],
            y=names,
            mode="markers",
            name="Median of the other organizations",
            marker={"symbol": "line-ns", "size": 22, "line": {"width": 3, "color": INK}},
            hovertemplate="Median %{x:.1%}<extra></extra>",
        )
    )
    rated = [area for area in areas if area.score is not None]
    figure.add_trace(
        go.Scatter(
            x=[area.score for area in rated],
            y=[area.name for area in rated],
            mode="markers",
            name="Your score",
            marker={
                "symbol": "diamond",
                "size": 13,
                "color": YOUR_SCORE_COLOUR,
                "line": {"width": 1, "color": INK},
            },
            hovertemplate="Your score %{x:.1%}<extra></extra>",
        )
    )
    figure.update_layout(
        barmode="overlay",
        xaxis={
            "range": [0, 1.02],
            "tickformat": ".0%",
            "title": {"text": "Score (share of the scale)"},
        },
        yaxis={"autorange": "reversed", "type": "category"},
        bargap=0.35,
        legend={"traceorder": "normal"},
        margin={"t": 40},
    )
    standings = Counter(area.standing for area in rated)
    summary = (
        f"Your score in {len(areas)} process areas against the other organizations' "
        f"quartiles: {standings[ABOVE_UPPER_QUARTILE]} {ABOVE_UPPER_QUARTILE}, "
        f"{standings[BELOW_LOWER_QUARTILE]} {BELOW_LOWER_QUARTILE}."
    )
    height = 120 + 32 * len(areas)
    return ReportFigure(
        "benchmark-areas",
        "Process-area scores against other organizations",
        summary,
        as_data(figure, height),
        height,
    )
