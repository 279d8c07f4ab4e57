"""A campaign's action plan (issue 10): started from the gaps, kept by hand, exported, and
edited by consultants in the admin within their organizations."""

import csv
import io
from datetime import date

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from assessments import action_plan, review
from assessments.models import Action
from assessments.scoring import SATISFIED
from reports.action_exports import COLUMNS, actions_csv, actions_xlsx
from tests.factories import (
    ActionFactory,
    MembershipFactory,
    admin_form_data,
    consultant_of,
    respond,
)


@pytest.fixture
def answered(campaign):
    """Gaps: monitoring (level 2, scored below its threshold), standard processes (level 3,
    not rated)."""
    respond(campaign, {"cr-1": 3, "cr-2": 3, "mo-1": 1})
    return campaign


def plan_of(campaign) -> list[tuple[str, str, str]]:
    return [
        (entry.action.area_key, entry.action.title, entry.action.description)
        for entry in action_plan.planned_actions(campaign)
    ]


# --- Starting the plan from the gaps --------------------------------------------------------


def test_starting_from_the_gaps_drafts_one_action_per_gap_with_its_recommendation(answered):
    added = action_plan.start_from_gaps(campaign=answered)

    assert len(added) == 2
    assert plan_of(answered) == [
        ("monitoring", "Monitoring", "Track a few service measures every month."),
        (
            "standard-process",
            "Standard processes",
            "Agree on one customer process for the whole organization.",
        ),
    ]
    assert {action.status for action in Action.objects.all()} == {Action.Status.OPEN}


def test_starting_again_adds_nothing_twice_and_skips_areas_that_have_an_action(answered):
    ActionFactory(campaign=answered, area_key="monitoring", title="Read the complaint log weekly")

    first = action_plan.start_from_gaps(campaign=answered)
    second = action_plan.start_from_gaps(campaign=answered)

    assert [action.area_key for action in first] == ["standard-process"]
    assert second == []
    assert Action.objects.filter(campaign=answered).count() == 2


def test_the_plan_starts_from_the_gaps_as_the_consultant_reviewed_them(answered, consultant):
    review.save_area_reviews(
        campaign=answered,
        reviews=[
            review.AreaReviewInput(
                "monitoring", override_status=SATISFIED, justification="Tracked daily."
            )
        ],
        reviewed_by=consultant,
    )

    added = action_plan.start_from_gaps(campaign=answered)

    assert [action.area_key for action in added] == ["standard-process"]


def test_a_campaign_without_gaps_gets_no_draft(campaign):
    respond(campaign, {"cr-1": 4, "cr-2": 4, "mo-1": 4, "sp-1": 4, "sp-2": 4})

    assert action_plan.start_from_gaps(campaign=campaign) == []


# --- Adding and changing actions -------------------------------------------------------------


def test_an_action_needs_a_title(campaign):
    with pytest.raises(action_plan.ActionPlanError) as refused:
        action_plan.add_action(campaign=campaign, title="   ")

    assert refused.value.field == "title"
    assert not Action.objects.exists()


def test_an_action_is_about_a_process_area_of_the_campaigns_model_or_none(campaign):
    with pytest.raises(action_plan.ActionPlanError) as refused:
        action_plan.add_action(campaign=campaign, title="Hire", area_key="not-an-area")
    general = action_plan.add_action(campaign=campaign, title="Name a sponsor")

    assert refused.value.field == "area_key"
    assert general.area_key == ""


def test_changing_an_action_keeps_what_is_not_changed(campaign):
    action = action_plan.add_action(
        campaign=campaign, title="Track complaints", area_key="monitoring", owner="Service desk"
    )

    action_plan.change_action(action=action, status=Action.Status.DONE)

    action.refresh_from_db()
    assert (action.title, action.owner, action.status) == (
        "Track complaints",
        "Service desk",
        Action.Status.DONE,
    )


def test_the_plan_follows_the_models_order_then_due_dates_with_general_actions_last(campaign):
    ActionFactory(campaign=campaign, area_key="", title="Name a sponsor")
    ActionFactory(
        campaign=campaign, area_key="monitoring", title="Later", due_date=date(2027, 6, 1)
    )
    ActionFactory(campaign=campaign, area_key="monitoring", title="Undated")
    ActionFactory(
        campaign=campaign, area_key="monitoring", title="Sooner", due_date=date(2027, 1, 1)
    )
    ActionFactory(campaign=campaign, area_key="customer-requirements", title="Interview customers")

    titles = [entry.action.title for entry in action_plan.planned_actions(campaign)]

    assert titles == ["Interview customers", "Sooner", "Later", "Undated", "Name a sponsor"]


# --- Exports ---------------------------------------------------------------------------------


def test_the_csv_has_one_row_per_action_with_its_process_area(campaign):
    ActionFactory(
        campaign=campaign,
        title="Track complaints",
        description="Every Monday.",
        owner="Service desk",
        due_date=date(2027, 3, 31),
        status=Action.Status.IN_PROGRESS,
    )

    rows = list(csv.reader(io.StringIO(actions_csv(campaign))))

    assert rows[0] == list(COLUMNS)
    assert rows[1][:8] == [
        "2",
        "monitoring",
        "Monitoring",
        "Track complaints",
        "Every Monday.",
        "Service desk",
        "2027-03-31",
        "In progress",
    ]


def test_text_that_looks_like_a_formula_stays_text_in_both_formats(campaign):
    ActionFactory(
        campaign=campaign,
        title='=HYPERLINK("http://evil.example","click")',
        owner="+1 555",
        description="@SUM(A1)",
    )

    row = list(csv.reader(io.StringIO(actions_csv(campaign))))[1]
    sheet = load_workbook(io.BytesIO(actions_xlsx(campaign))).active
    title, description, owner = (sheet.cell(row=2, column=column) for column in (4, 5, 6))

    assert row[3:6] == ['\'=HYPERLINK("http://evil.example","click")', "'@SUM(A1)", "'+1 555"]
    assert title.data_type == "s"
    assert title.value == '=HYPERLINK("http://evil.example","click")'
    assert (description.data_type, owner.data_type) == ("s", "s")


def test_the_xlsx_has_a_bold_header_and_the_same_rows_as_the_csv(campaign):
    ActionFactory(campaign=campaign, title="Track complaints", due_date=date(2027, 3, 31))
    ActionFactory(campaign=campaign, area_key="", title="Name a sponsor")

    sheet = load_workbook(io.BytesIO(actions_xlsx(campaign))).active
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]
    csv_rows = list(csv.reader(io.StringIO(actions_csv(campaign))))

    assert rows[0] == list(COLUMNS)
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert [row[3] for row in rows[1:]] == [row[3] for row in csv_rows[1:]]
    assert rows[1][6].date() == date(2027, 3, 31)


# --- In the admin ----------------------------------------------------------------------------


def change_url(campaign) -> str:
    return reverse("admin:assessments_campaign_change", args=[campaign.pk])


def test_consultants_keep_the_plan_inline_on_the_campaign(client, answered, consultant):
    ActionFactory(campaign=answered, title="Track complaints")
    client.force_login(consultant)
    page = client.get(change_url(answered))
    data = admin_form_data(page)
    prefix = next(
        formset.formset.prefix
        for formset in page.context["inline_admin_formsets"]
        if formset.formset.model is Action
    )
    data.update({f"{prefix}-0-owner": "Service desk", f"{prefix}-0-status": "in_progress"})

    response = client.post(change_url(answered), data)

    assert response.status_code == 302
    action = Action.objects.get()
    assert (action.owner, action.status) == ("Service desk", "in_progress")


def test_the_admin_offers_the_campaigns_process_areas_for_an_action(client, answered, consultant):
    client.force_login(consultant)

    page = client.get(change_url(answered))

    formset = next(
        inline.formset
        for inline in page.context["inline_admin_formsets"]
        if inline.formset.model is Action
    )
    choices = dict(formset.empty_form.fields["area_key"].choices)
    assert choices["Level 2 · Foundational"] == [
        ("customer-requirements", "Customer requirements"),
        ("monitoring", "Monitoring"),
    ]


def test_the_start_action_plans_admin_action_drafts_the_gaps(client, answered, consultant):
    client.force_login(consultant)

    client.post(
        reverse("admin:assessments_campaign_changelist"),
        {"action": "start_action_plans", "_selected_action": [answered.pk]},
    )

    assert Action.objects.filter(campaign=answered).count() == 2


def test_a_consultant_of_another_organization_neither_sees_nor_starts_the_plan(client, answered):
    ActionFactory(campaign=answered, title="Secret plan")
    stranger = consultant_of(MembershipFactory().organization)
    client.force_login(stranger)

    page = client.get(change_url(answered), follow=True)
    client.post(
        reverse("admin:assessments_campaign_changelist"),
        {"action": "start_action_plans", "_selected_action": [answered.pk]},
    )

    assert "Secret plan" not in page.content.decode()
    assert Action.objects.filter(campaign=answered).count() == 1
