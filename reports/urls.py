from django.urls import path

from reports import action_views, discussion_views, export_views, views

app_name = "reports"

campaign = "campaigns/<int:campaign_id>/"

urlpatterns = [
    path(campaign, views.results_page, name="results"),
    path(f"{campaign}report.pdf", views.report_pdf, name="report_pdf"),
    path(f"{campaign}discussion/", discussion_views.discussion_page, name="discussion"),
    path(
        f"{campaign}answers.csv",
        export_views.answers_download,
        {"kind": "csv"},
        name="answers_csv",
    ),
    path(
        f"{campaign}answers.xlsx",
        export_views.answers_download,
        {"kind": "xlsx"},
        name="answers_xlsx",
    ),
    path(f"{campaign}results.json", views.results_json, name="results_json"),
    path(f"{campaign}actions/", action_views.action_plan_page, name="actions"),
    path(f"{campaign}actions/start/", action_views.start_from_gaps, name="actions_start"),
    path(f"{campaign}actions/<int:action_id>/", action_views.change_action, name="action_change"),
    path(
        f"{campaign}actions/<int:action_id>/remove/",
        action_views.remove_action,
        name="action_remove",
    ),
    path(f"{campaign}actions.csv", action_views.download, {"export": "csv"}, name="actions_csv"),
    path(f"{campaign}actions.xlsx", action_views.download, {"export": "xlsx"}, name="actions_xlsx"),
]
