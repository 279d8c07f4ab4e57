from django.urls import path

from reports import views

app_name = "reports"

campaign = "campaigns/<int:campaign_id>/"

urlpatterns = [
    path(campaign, views.results_page, name="results"),
    path(f"{campaign}report.pdf", views.report_pdf, name="report_pdf"),
    path(
        f"{campaign}answers.csv",
        views.export_download,
        {"export": "answers_csv"},
        name="answers_csv",
    ),
    path(
        f"{campaign}answers.xlsx",
        views.export_download,
        {"export": "answers_xlsx"},
        name="answers_xlsx",
    ),
    path(
        f"{campaign}results.json",
        views.export_download,
        {"export": "results_json"},
        name="results_json",
    ),
]
