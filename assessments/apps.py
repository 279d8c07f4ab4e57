from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate, pre_migrate


def remove_guards(sender, using, **kwargs):
    from assessments.db_guards import remove_answer_guards

    remove_answer_guards(connections[using])


def install_guards(sender, using, **kwargs):
    from assessments.db_guards import install_answer_guards

    install_answer_guards(connections[using])


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self):
        from assessments import signals  # noqa: F401  (connects the receivers)

        # Table rebuilds during migrations must not trip over the answer guards.
        pre_migrate.connect(remove_guards, sender=self, dispatch_uid="remove_answer_guards")
        post_migrate.connect(install_guards, sender=self, dispatch_uid="install_answer_guards")
