from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig


class AdminConfig(DjangoAdminConfig):
    """django.contrib.admin with the project's site as `admin.site` (config/admin_site.py)."""

    default_site = "config.admin_site.AdminSite"
