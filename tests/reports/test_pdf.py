import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from reports import chart_images
from reports.management.commands.render_report import Command as RenderReport
from reports.pdf import render_report_pdf
from tests.factories import (
    SMALL_MODEL,
    CampaignFactory,
    InvitationFactory,
    import_document,
    respond,
)
from tests.reports.conftest import points, results_document_of, share

SECTIONS = (
    "Executive summary",
    "Level ladder",
    "Charts",
    "Gaps and recommendations",
    "Every process area in detail",
    "Appendix: how the results are worked out",
)
STATUS_WORDS = {
    "satisfied": "In place",
    "not_satisfied": "Not yet in place",
    "not_applicable": "Does not apply",
    "not_rated": "Not rated",
}
CHARTS_MISSING = "The charts could not be drawn on this server"


def pages_of(pdf: bytes) -> list[str]:
    """Each page's text, whitespace collapsed."""
    assert pdf.startswith(b"%PDF-")
    return [" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages]


def test_pdf_numbers_equal_the_results_document(varied_campaign, no_chromium):
    text = " ".join(pages_of(render_report_pdf(varied_campaign)))
    document = results_document_of(varied_campaign)

    assert "1 · Initial" in text
    assert "3 · Organizational" in text
    assert f"Respondents {document['respondents']}" in text
    for level in document["levels"]:
        for area in level["process_areas"]:
            heading = (
                f"{area['name']} {STATUS_WORDS[area['status']]} "
                f"{share(area['score'])} · threshold {share(area['threshold'])}"
            )
            assert heading in text, heading
            for question in area["questions"]:
                statistics = (
                    f"{share(question['score'])} {question['answers']} {question['na']} "
                    f"{share(question['stdev'])}"
                )
                assert statistics in text, (question["key"], statistics)
    assert [gap["process_area"] for gap in document["gaps"]] == ["monitoring", "standard-process"]
    monitoring = document["gaps"][0]
    assert (
        f"Monitoring (level 2) scores {share(monitoring['score'])}, "
        f"{points(monitoring['shortfall'])} short of its "
        f"{share(monitoring['threshold'])} threshold." in text
    )
    assert "Standard processes (level 3) has not been rated" in text


def test_pdf_has_a_cover_every_section_and_the_scale_in_plain_words(varied_campaign, no_chromium):
    pages = pages_of(render_report_pdf(varied_campaign))
    text = " ".join(pages)
    organization = varied_campaign.organization.name

    cover = pages[0]
    assert organization in cover
    assert varied_campaign.name in cover
    assert "Small test model, version 1.0" in cover
    assert timezone.localdate().strftime("%Y") in cover
    for section in SECTIONS:
        assert section in text, section
    for label in ("Not performed", "Ad hoc", "Managed", "Defined", "Optimized"):
        assert label in text
    assert "a strong result on a higher level does not count" in text
    assert "Track a few service measures every month." in text


def test_pdf_pages_are_numbered_and_carry_a_running_header(varied_campaign, no_chromium):
    pages = pages_of(render_report_pdf(varied_campaign))
    total = len(pages)
    header = f"{varied_campaign.organization.name} · {varied_campaign.name}"

    assert total >= 5
    assert "Page 1 of" not in pages[0]  # the cover has neither
    for number, page in enumerate(pages[1:], start=2):
        assert f"{header} Gap report Page {number} of {total}" in page


def test_pdf_embeds_the_charts_as_svg_when_chromium_is_there(varied_campaign, needs_chromium):
    text = " ".join(pages_of(render_report_pdf(varied_campaign)))

    assert CHARTS_MISSING not in text
    # Words that only the charts' SVG drawings contain (axis titles, legend entries).
    assert "Score (share of the scale)" in text
    assert "Share of the answers" in text
    assert "0 · Not performed" in text


def test_pdf_without_chromium_shows_tables_in_place_of_charts(varied_campaign, no_chromium):
    text = " ".join(pages_of(render_report_pdf(varied_campaign)))

    assert CHARTS_MISSING in text
    assert "Score (share of the scale)" not in text
    assert "Process-area scores and thresholds" in text  # the table behind that chart
    assert "Process-area scores by unit" in text


def test_pdf_still_renders_when_drawing_the_charts_fails(varied_campaign, monkeypatch):
    def broken(figures):
        raise RuntimeError("the browser crashed")

    monkeypatch.setattr(chart_images, "browser_path", lambda: "/usr/bin/chromium")
    monkeypatch.setattr(chart_images.chart_browser, "draw_svgs", broken)

    text = " ".join(pages_of(render_report_pdf(varied_campaign)))

    assert CHARTS_MISSING in text
    assert "Gaps and recommendations" in text


def test_pdf_of_a_campaign_without_answers_says_so(campaign, no_chromium):
    InvitationFactory.create_batch(2, campaign=campaign)

    text = " ".join(pages_of(render_report_pdf(campaign)))

    assert "No answers yet" in text
    assert "2 invitations are waiting for a reply" in text
    assert "Appendix: how the results are worked out" in text


def test_pdf_route_downloads_the_report(client, executive, varied_campaign, no_chromium):
    client.force_login(executive)

    response = client.get(reverse("reports:report_pdf", args=[varied_campaign.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].endswith('-gap-report.pdf"')
    assert response.content.startswith(b"%PDF-")


def test_render_report_writes_the_pdf(varied_campaign, tmp_path, no_chromium):
    out = tmp_path / "report.pdf"
    stdout = io.StringIO()

    call_command("render_report", str(varied_campaign.pk), "--out", str(out), stdout=stdout)

    assert out.read_bytes().startswith(b"%PDF-")
    assert stdout.getvalue().strip() == str(out)


def test_render_report_refuses_an_unknown_campaign_in_one_line(db, tmp_path, capsys):
    out = tmp_path / "report.pdf"

    with pytest.raises(SystemExit) as exit_:
        RenderReport().run_from_argv(["manage.py", "render_report", "987654", "--out", str(out)])

    assert exit_.value.code != 0
    assert capsys.readouterr().err.strip() == "CommandError: campaign 987654 does not exist"
    assert not out.exists()


@pytest.mark.parametrize(
    ("place", "why"),
    [
        ("missing-folder/report.pdf", "the folder {tmp_path}/missing-folder does not exist"),
        ("a-file/report.pdf", "{tmp_path}/a-file is not a folder"),
        (".", "it is a folder"),
    ],
)
def test_render_report_says_why_it_cannot_write_the_out_path(campaign, tmp_path, place, why):
    (tmp_path / "a-file").write_text("")
    out = tmp_path / place

    with pytest.raises(CommandError) as refused:
        call_command("render_report", str(campaign.pk), "--out", str(out))

    assert str(refused.value) == f"cannot write {out}: {why.format(tmp_path=tmp_path)}"


def test_render_report_says_why_the_pdf_could_not_be_written(
    campaign, tmp_path, monkeypatch, no_chromium
):
    def refuse(path, data):
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(Path, "write_bytes", refuse)

    with pytest.raises(CommandError, match="cannot write .*: Permission denied"):
        call_command("render_report", str(campaign.pk), "--out", str(tmp_path / "r.pdf"))


def test_under_rule_every_a_gap_above_its_threshold_on_average_names_the_questions_below(
    db, no_chromium
):
    # Customer requirements (threshold 50%): 100% and 25%, a mean of 62.5% that reaches
    # the threshold, but rule "every" wants each question to; a shortfall of -12.5 points
    # would say nothing.
    campaign = CampaignFactory(
        maturity_model=import_document({**SMALL_MODEL, "slug": "small-every", "rule": "every"})
    )
    respond(campaign, {"cr-1": 4, "cr-2": 1})

    text = " ".join(pages_of(render_report_pdf(campaign)))

    assert (
        "Customer requirements (level 2) scores 62.5% on average, which reaches its 50.0% "
        "threshold, but every question must reach it: 1 of its questions scores below it."
    ) in text
    assert "1 question below" in text
    assert "-12.5 points" not in text
