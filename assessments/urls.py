"""The questionnaire, reached through personal invitation links (mounted at /respond/)."""

from django.urls import path

from assessments import views

app_name = "questionnaire"

urlpatterns = [
    path("<str:token>/", views.start, name="start"),
    path("<str:token>/areas/<slug:area_key>/", views.area, name="area"),
    path("<str:token>/review/", views.review, name="review"),
    path("<str:token>/submit/", views.submit, name="submit"),
    path("<str:token>/thanks/", views.thanks, name="thanks"),
]
