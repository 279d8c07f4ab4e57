from django.apps import AppConfig


class ModelsCatalogConfig(AppConfig):
    name = "models_catalog"
    verbose_name = "Maturity models"

    def ready(self):
        from models_catalog import signals  # noqa: F401  (connects the receivers)
