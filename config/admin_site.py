"""The project's admin site (CONTRACT.md section 3): consultants and superusers only.

Django's own site lets in any active staff user and sends everyone else to the admin's
sign-in page, signed in or not. Ours lets in whom `assessments.admin_access` calls a
consultant (superusers included); a visitor who is not signed in still goes to the sign-in
page, and a signed-in user without access gets a 403 page saying so. The admin's sign-in
page stays open to everyone, and its sign-out works for every signed-in user.

`config.apps.AdminConfig` makes this the default site, so `admin.site` and every
`@admin.register` use it. Every model it registers, ours and other apps', gets the checked
lists of `config.admin_lists`, the checked inline rows of `config.admin_formsets` and the
checked many-to-many choices of `config.admin_choices`.
"""

from functools import update_wrapper

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.cache import add_never_cache_headers

from assessments.admin_access import is_consultant
from config.admin_choices import CheckedChoices
from config.admin_formsets import CheckedFormsets
from config.admin_lists import CheckedChangeLists
from config.sign_in import AdminSignInForm

CHECKS = (CheckedChangeLists, CheckedFormsets, CheckedChoices)


class AdminSite(admin.AdminSite):
    no_access_template = "admin_no_access.html"
    login_form = AdminSignInForm

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        missing = tuple(mixin for mixin in CHECKS if not issubclass(admin_class, mixin))
        if missing:
            admin_class = type(
                admin_class.__name__,
                (*missing, admin_class),
                {"__module__": admin_class.__module__},
            )
        super().register(model_or_iterable, admin_class, **options)

    def has_permission(self, request):
        return is_consultant(request)

    def admin_view(self, view, cacheable=False):
        admitted = super().admin_view(view, cacheable)

        def inner(request, *args, **kwargs):
            if request.user.is_authenticated and not self.has_permission(request):
                if request.path == reverse("admin:logout", current_app=self.name):
                    # Django's site would send them to the index (a 403 here): sign out
                    # instead. The view does not assume a user with access, and checks
                    # the CSRF token itself.
                    return view(request, *args, **kwargs)
                return self.no_access(request)
            return admitted(request, *args, **kwargs)

        return update_wrapper(inner, view)

    def no_access(self, request) -> TemplateResponse:
        response = TemplateResponse(request, self.no_access_template, status=403)
        add_never_cache_headers(response)
        return response
