from django.apps import AppConfig
from django.db import connections, transaction
from django.db.models.signals import post_migrate, pre_migrate


def remove_database_objects(sender, using, plan=None, **kwargs):
    """What the database holds beyond Django's tables: the answer guards (db_guards.py)
    and PostgreSQL's journey function (journey_function.py). Migrations that alter the tables
    they name must not trip over them; a `migrate` with nothing to apply leaves them."""
    from assessments.db_guards import remove_answer_guards
    from assessments.journey_function import remove_journey_function

    if plan is not None and not plan:
        return
    connection = connections[using]
    remove_answer_guards(connection)
    remove_journey_function(connection)


def install_database_objects(sender, using, **kwargs):
    """Put them back, each replaced in one transaction: the pages served meanwhile see
    the old ones or the new."""
    from assessments.db_guards import install_answer_guards
    from assessments.journey_function import install_journey_function

    connection = connections[using]
    with transaction.atomic(using=using):
        install_answer_guards(connection)
        install_journey_function(connection)


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Assessments"

    def ready(self):
        from assessments import signals  # noqa: F401  (connects the receivers)

        # Table rebuilds during migrations must not trip over what names the tables.
        pre_migrate.connect(
            remove_database_objects, sender=self, dispatch_uid="remove_answer_guards"
        )
        post_migrate.connect(
            install_database_objects, sender=self, dispatch_uid="install_answer_guards"
        )
