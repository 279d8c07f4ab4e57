"""A prepared answer export's file goes with its row, however the row goes: replaced by
a newer export, or with its campaign or organization.

Only once the deletion is committed: a deletion rolled back keeps both.
"""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from reports.models import AnswerExport


@receiver(post_delete, sender=AnswerExport, dispatch_uid="answer_export_deleted")
def answer_export_deleted(sender, instance: AnswerExport, **kwargs):
    if instance.file:
        delete_file = partial(instance.file.storage.delete, instance.file.name)
        # robust: a storage that fails to delete logs it; the deletion itself stands.
        transaction.on_commit(delete_file, robust=True)
