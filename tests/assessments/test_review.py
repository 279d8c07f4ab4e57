"""The consultant's review of a campaign's results (issue 10): observations, overrides
that stand next to the computed status and never change it, and results held back from
executives until reviewed."""

import io
import json

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import IntegrityError, connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone

from assessments import review
from assessments.models import AreaReview, Campaign, ReviewedStatus
from assessments.results import campaign_results
from assessments.scoring import NOT_SATISFIED, SATISFIED, with_statuses
from reports import chart_images
from reports.pdf import render_report_pdf
from reports.selectors import STATUS_LABELS
from tests.factories import (
    AreaReviewFactory,
    CampaignFactory,
    MembershipFactory,
    consultant_of,
    respond,
    wide_model,
)

WITH_OVERRIDES = (
    "With the consultant\u2019s overrides, the achieved level would be 2 · Foundational."
)
JUSTIFICATION = "The complaint log was lost in March; the team tracks complaints daily."


@pytest.fixture
def answered(campaign):
    """Level 2 is not achieved: monitoring scores 25%, under its 75% threshold."""
    respond(campaign, {"cr-1": 3, "cr-2": 3, "mo-1": 1})
    return campaign


@pytest.fixture
def no_charts(monkeypatch):
    monkeypatch.setattr(chart_images, "svg_images", lambda figures: None)


def document_of(campaign) -> dict:
    out = io.StringIO()
    call_command("campaign_results", str(campaign.pk), "--json", stdout=out)
    return json.loads(out.getvalue())


def override(campaign, by, area_key="monitoring", status=SATISFIED, **fields):
    return review.save_area_reviews(
        campaign=campaign,
        reviews=[
            review.AreaReviewInput(
                area_key=area_key,
                override_status=status,
                justification=fields.get("justification", JUSTIFICATION),
                observation=fields.get("observation", ""),
            )
        ],
        reviewed_by=by,
    )


def review_url(campaign) -> str:
    return reverse("admin:assessments_campaign_review", args=[campaign.pk])


def review_form_data(page, **changes) -> dict:
    """The review page's formset as it stands, with some fields changed."""
    formset = page.context["formset"]
    data = {
        f"{formset.prefix}-{name}": value for name, value in formset.management_form.initial.items()
    }
    for form in formset.forms:
        for bound in form:
            data[bound.html_name] = bound.value() or ""
    data.update(changes)
    return data


def area_index(page, area_key: str) -> int:
    keys = [form.initial["area_key"] for form in page.context["formset"].forms]
    return keys.index(area_key)


# --- Overrides never change the computed results -------------------------------------------


def test_an_override_leaves_the_results_document_exactly_as_it_was(answered, consultant):
    before = document_of(answered)

    override(answered, consultant)
    cache.clear()  # computed afresh, not just read back from the cache

    after = document_of(answered)
    assert after == before
    monitoring = after["levels"][1]["process_areas"][1]
    assert (monitoring["key"], monitoring["status"]) == ("monitoring", NOT_SATISFIED)
    assert after["achieved_level"]["number"] == 1


def test_the_level_with_overrides_is_worked_out_on_a_copy_of_the_score(answered):
    score = campaign_results(answered).score

    reviewed = with_statuses(score, {"monitoring": SATISFIED}, answered.target_level)

    assert reviewed.achieved_level == 2
    assert [gap.area.key for gap in reviewed.gaps] == ["standard-process"]
    assert score.achieved_level == 1
    assert score.area("monitoring").status == NOT_SATISFIED
    assert reviewed.area("monitoring").score == score.area("monitoring").score


def test_the_review_shows_both_levels_and_says_when_overrides_change_the_level(
    answered, consultant
):
    override(answered, consultant)

    shown = review.campaign_review(answered)

    assert shown.achieved_level == {"number": 1, "name": "Initial"}
    assert shown.reviewed_level == {"number": 2, "name": "Foundational"}
    assert shown.changes_level
    verdict = shown.of("monitoring")
    assert (verdict.computed_status, verdict.override_label) == (NOT_SATISFIED, "In place")


# --- An override needs a justification -----------------------------------------------------


def test_an_override_without_a_justification_is_refused_naming_the_field(answered, consultant):
    with pytest.raises(review.ReviewError) as refused:
        override(answered, consultant, justification="   ")

    assert refused.value.field == "justification"
    assert not AreaReview.objects.exists()


def test_the_database_refuses_an_override_without_a_justification(answered):
    with pytest.raises(IntegrityError):
        AreaReview.objects.create(
            campaign=answered, area_key="monitoring", override_status=SATISFIED
        )


def test_an_override_to_the_computed_status_is_refused(answered, consultant):
    with pytest.raises(review.ReviewError) as refused:
        override(answered, consultant, status=NOT_SATISFIED)

    assert refused.value.field == "override_status"


def test_a_justification_without_an_override_is_refused_rather_than_lost(answered, consultant):
    with pytest.raises(review.ReviewError) as refused:
        override(answered, consultant, status="")

    assert refused.value.field == "justification"


def test_a_review_of_an_area_the_model_does_not_have_is_refused(answered, consultant):
    with pytest.raises(review.ReviewError):
        override(answered, consultant, area_key="not-an-area")


def test_an_unchanged_review_keeps_its_author_and_an_emptied_one_goes(answered, consultant):
    override(answered, consultant, observation="Looked at the log.")
    colleague = consultant_of(answered.organization)
    same = review.AreaReviewInput(
        "monitoring", "Looked at the log.", SATISFIED, f"  {JUSTIFICATION} "
    )

    changed = review.save_area_reviews(campaign=answered, reviews=[same], reviewed_by=colleague)

    assert changed == 0
    assert AreaReview.objects.get().reviewed_by == consultant
    review.save_area_reviews(
        campaign=answered,
        reviews=[review.AreaReviewInput("monitoring")],
        reviewed_by=colleague,
    )
    assert not AreaReview.objects.exists()


def test_consultants_statuses_read_as_the_reports_statuses():
    for status, label in ReviewedStatus.choices:
        assert STATUS_LABELS[status] == label


# --- The report shows computed and overridden status side by side ---------------------------


def test_the_results_page_shows_the_computed_status_next_to_the_consultants(
    client, answered, executive, consultant
):
    override(answered, consultant, observation="Figures exist but nobody reads them.")
    client.force_login(executive)

    page = client.get(reverse("reports:results", args=[answered.pk]))
    html = " ".join(page.content.decode().split())

    assert (
        f"<strong>Computed:</strong> Not yet in place · <strong>Consultant:</strong> In place "
        f"— {JUSTIFICATION}" in html
    )
    assert "Consultant\u2019s observation:</strong> Figures exist but nobody reads them." in html
    assert "Consultant: In place</span>" in html


def test_the_headline_keeps_the_computed_level_and_notes_the_one_with_overrides(
    client, answered, executive, consultant
):
    client.force_login(executive)
    url = reverse("reports:results", args=[answered.pk])
    assert "With the consultant\u2019s overrides" not in client.get(url).content.decode()

    override(answered, consultant)
    html = client.get(url).content.decode()

    assert '<p class="headline-value">1 · Initial</p>' in html
    assert WITH_OVERRIDES in html


def test_the_pdf_shows_overrides_observations_and_the_level_they_would_give(
    answered, consultant, no_charts
):
    from pypdf import PdfReader

    override(answered, consultant, observation="Figures exist but nobody reads them.")
    review.mark_results_reviewed(
        campaigns=Campaign.objects.filter(pk=answered.pk), reviewed_by=consultant
    )

    pdf = render_report_pdf(Campaign.objects.get(pk=answered.pk))
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )

    assert f"Computed: Not yet in place · Consultant: In place — {JUSTIFICATION}" in text
    assert "Consultant\u2019s observation: Figures exist but nobody reads them." in text
    assert "has reached level 1 (Initial)" in text
    assert WITH_OVERRIDES in text
    reviewed_at = Campaign.objects.get(pk=answered.pk).results_reviewed_at
    assert f"Reviewed {dateformat.format(timezone.localtime(reviewed_at), 'j F Y')} by" in text


# --- Answers that come in after the review -------------------------------------------------

CHANGED_SINCE = "Answers have come in or changed since this review."


def mark_reviewed(campaign, by, **fields):
    review.mark_results_reviewed(
        campaigns=Campaign.objects.filter(pk=campaign.pk), reviewed_by=by, **fields
    )
    campaign.refresh_from_db()


def results_page_of(client, user, campaign) -> str:
    client.force_login(user)
    return client.get(reverse("reports:results", args=[campaign.pk])).content.decode()


def test_answers_after_the_review_are_noted_on_the_results_page_until_reviewed_again(
    client, answered, consultant, executive
):
    mark_reviewed(answered, consultant)
    assert CHANGED_SINCE not in results_page_of(client, executive, answered)

    respond(answered, {"cr-1": 0, "mo-1": 0})

    assert CHANGED_SINCE in results_page_of(client, executive, answered)
    consultant_page = results_page_of(client, consultant, answered)
    assert CHANGED_SINCE in consultant_page
    assert "Review the results again" in consultant_page
    mark_reviewed(answered, consultant)
    assert CHANGED_SINCE not in results_page_of(client, executive, answered)


def test_the_pdf_says_when_answers_changed_since_the_review(answered, consultant, no_charts):
    from pypdf import PdfReader

    mark_reviewed(answered, consultant)
    respond(answered, {"cr-1": 0})

    pdf = render_report_pdf(Campaign.objects.get(pk=answered.pk))
    text = " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf)).pages
    )

    assert "answers have come in or changed since" in text


def test_answers_arriving_while_the_consultant_reads_count_as_changed_since(
    client, answered, consultant
):
    client.force_login(consultant)
    page = client.get(review_url(answered))
    respond(answered, {"cr-1": 0})  # while the page is open

    client.post(
        review_url(answered),
        {
            **review_form_data(page, _mark_reviewed="Save and mark results reviewed"),
            "answers_version": page.context["campaign"].answers_version,
        },
    )

    answered.refresh_from_db()
    assert answered.results_reviewed_at is not None
    assert review.answers_changed_since_review(answered)
    again = client.get(review_url(answered)).content.decode()
    assert "Answers have come in or changed since." in again
    change = reverse("admin:assessments_campaign_change", args=[answered.pk])
    assert "answers changed since" in client.get(change).content.decode()


@pytest.mark.parametrize("damaged", ["-1", "99999999999999999999999", "not a number"])
def test_a_damaged_answers_version_marks_the_answers_as_they_are_now(
    client, answered, consultant, damaged
):
    """The hidden field comes back as no page showed it: the mark takes the answers as
    they are, as when the field is missing, rather than failing after the save."""
    client.force_login(consultant)
    page = client.get(review_url(answered))

    response = client.post(
        review_url(answered),
        {
            **review_form_data(page, _mark_reviewed="Save and mark results reviewed"),
            "answers_version": damaged,
        },
    )

    assert response.status_code == 302
    answered.refresh_from_db()
    assert answered.results_reviewed_version == answered.answers_version
    assert not review.answers_changed_since_review(answered)


def test_an_answers_version_no_page_has_shown_yet_is_not_believed(client, answered, consultant):
    client.force_login(consultant)
    page = client.get(review_url(answered))

    client.post(
        review_url(answered),
        {
            **review_form_data(page, _mark_reviewed="Save and mark results reviewed"),
            "answers_version": answered.answers_version + 10,
        },
    )

    answered.refresh_from_db()
    assert answered.results_reviewed_version == answered.answers_version
    assert not review.answers_changed_since_review(answered)


def test_withdrawing_the_review_forgets_which_answers_it_saw(answered, consultant):
    mark_reviewed(answered, consultant)
    review.withdraw_review(campaign=answered)
    answered.refresh_from_db()

    assert answered.results_reviewed_version is None
    assert not review.answers_changed_since_review(answered)


# --- Results held back from executives until reviewed --------------------------------------


def test_campaigns_show_executives_their_results_as_soon_as_there_are_answers_by_default(db):
    assert CampaignFactory().executives_see == Campaign.ExecutivesSee.ALL


@pytest.fixture
def held(answered):
    answered.executives_see = Campaign.ExecutivesSee.REVIEWED
    answered.save()
    return answered


@pytest.mark.parametrize("route", ["reports:results", "reports:report_pdf"])
def test_executives_are_told_the_results_are_being_reviewed_until_they_are(
    client, held, executive, consultant, route, no_charts
):
    client.force_login(executive)
    url = reverse(route, args=[held.pk])

    waiting = client.get(url)

    assert waiting.status_code == 200
    page = waiting.content.decode()
    assert "Your consultant is reviewing these results" in page
    assert "Achieved level" not in page
    assert "Monitoring" not in page

    review.mark_results_reviewed(
        campaigns=Campaign.objects.filter(pk=held.pk), reviewed_by=consultant
    )
    reviewed = client.get(url)
    assert reviewed.status_code == 200
    assert b"Your consultant is reviewing these results" not in reviewed.content


@pytest.mark.parametrize("who", ["consultant", "superuser"])
def test_consultants_and_superusers_see_results_that_wait_for_review(client, held, who, request):
    client.force_login(request.getfixturevalue(who))

    page = client.get(reverse("reports:results", args=[held.pk])).content.decode()

    assert "Your consultant is reviewing these results" not in page
    assert "Achieved level" in page
    assert "The executives do not see these results yet" in page


def test_the_home_page_does_not_give_executives_the_level_before_the_review(
    client, held, executive
):
    client.force_login(executive)

    page = client.get(reverse("home")).content.decode()

    assert "Your consultant is reviewing the results" in page
    assert "1 · Initial" not in page


def test_withdrawing_the_review_holds_the_results_back_again(client, held, executive, consultant):
    review.mark_results_reviewed(
        campaigns=Campaign.objects.filter(pk=held.pk), reviewed_by=consultant
    )
    review.withdraw_review(campaign=held)
    client.force_login(executive)

    page = client.get(reverse("reports:results", args=[held.pk])).content.decode()

    assert "Your consultant is reviewing these results" in page


# --- The admin review page -----------------------------------------------------------------


def test_the_review_page_lists_every_process_area_with_its_computed_status(
    client, answered, consultant
):
    client.force_login(consultant)

    page = client.get(review_url(answered))

    assert page.status_code == 200
    rows = {row["area"].key: row["status_label"] for row in page.context["rows"]}
    assert rows == {
        "customer-requirements": "In place",
        "monitoring": "Not yet in place",
        "standard-process": "Not rated",
    }


def test_a_consultant_overrides_and_marks_the_results_reviewed_in_one_go(
    client, answered, consultant
):
    client.force_login(consultant)
    page = client.get(review_url(answered))
    index = area_index(page, "monitoring")

    response = client.post(
        review_url(answered),
        review_form_data(
            page,
            **{
                f"areas-{index}-override_status": SATISFIED,
                f"areas-{index}-justification": JUSTIFICATION,
                f"areas-{index}-observation": "Seen the log.",
                "_mark_reviewed": "Save and mark results reviewed",
            },
        ),
    )

    assert response.status_code == 302
    stored = AreaReview.objects.get()
    assert (stored.area_key, stored.override_status, stored.reviewed_by) == (
        "monitoring",
        SATISFIED,
        consultant,
    )
    answered.refresh_from_db()
    assert answered.results_reviewed_by == consultant
    assert answered.results_reviewed_at is not None


def test_the_review_page_names_the_justification_when_it_is_missing(client, answered, consultant):
    client.force_login(consultant)
    page = client.get(review_url(answered))
    index = area_index(page, "monitoring")

    response = client.post(
        review_url(answered),
        review_form_data(page, **{f"areas-{index}-override_status": SATISFIED}),
    )

    assert response.status_code == 200
    form = response.context["formset"].forms[index]
    assert "justification" in form.errors
    assert "Say why" in form.errors["justification"][0]
    assert not AreaReview.objects.exists()
    answered.refresh_from_db()
    assert answered.results_reviewed_at is None


def test_a_crafted_post_with_fewer_areas_than_the_model_saves_nothing(client, answered, consultant):
    client.force_login(consultant)
    page = client.get(review_url(answered))
    data = review_form_data(page, **{"areas-TOTAL_FORMS": "1"})
    data = {key: value for key, value in data.items() if not key.startswith("areas-2-")}

    response = client.post(review_url(answered), data)

    assert response.status_code == 200
    assert response.context["formset"].non_form_errors()
    assert not AreaReview.objects.exists()


def test_the_mark_results_reviewed_action_marks_the_chosen_campaigns(client, answered, consultant):
    client.force_login(consultant)

    client.post(
        reverse("admin:assessments_campaign_changelist"),
        {"action": "mark_results_reviewed", "_selected_action": [answered.pk]},
    )

    answered.refresh_from_db()
    assert answered.results_reviewed_by == consultant


def test_a_consultant_of_another_organization_can_neither_review_nor_mark(
    client, answered, consultant
):
    AreaReviewFactory(campaign=answered)
    stranger = consultant_of(MembershipFactory().organization)
    client.force_login(stranger)

    page = client.get(review_url(answered))
    posted = client.post(review_url(answered), {"_withdraw": "x"})
    client.post(
        reverse("admin:assessments_campaign_changelist"),
        {"action": "mark_results_reviewed", "_selected_action": [answered.pk]},
    )

    assert page.status_code == 404
    assert posted.status_code == 404
    answered.refresh_from_db()
    assert answered.results_reviewed_at is None
    assert AreaReview.objects.count() == 1


def test_the_review_page_queries_do_not_grow_with_process_areas(
    client, consultant, django_assert_max_num_queries
):
    organization = consultant.memberships.get().organization

    def reviewed_campaign(areas: int) -> Campaign:
        campaign = CampaignFactory(organization=organization, maturity_model=wide_model(areas))
        respond(campaign, {f"q-{n}": 2 for n in range(1, areas + 1)})
        for n in range(1, areas + 1):
            AreaReviewFactory(campaign=campaign, area_key=f"area-{n}", reviewed_by=consultant)
        return campaign

    small, large = reviewed_campaign(2), reviewed_campaign(12)
    client.force_login(consultant)
    with CaptureQueriesContext(connection) as baseline:
        assert client.get(review_url(small)).status_code == 200

    with django_assert_max_num_queries(len(baseline)):
        page = client.get(review_url(large))
    assert len(page.context["rows"]) == 13  # and level 3's one area
