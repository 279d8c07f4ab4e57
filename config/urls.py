from django.contrib import admin
from django.urls import include, path

from config import views

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("respond/", include("assessments.urls")),
    path("reports/", include("reports.urls")),
]
