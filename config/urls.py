from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path

from config import views
from config.sign_in import SignInForm

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/login/", LoginView.as_view(authentication_form=SignInForm), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("respond/", include("assessments.urls")),
    path("reports/", include("reports.urls")),
]
