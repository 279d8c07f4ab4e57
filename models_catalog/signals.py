"""Any change to a part of a model version moves the version's `updated_at`, which keys
the cached outline (outline.py). QuerySet.update() sends no signal: code that changes a
version's parts that way calls `version_changed` itself."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from models_catalog.models import Level, MaturityModel, ProcessArea, Question, ScaleOption


def version_changed(maturity_model_id: int):
    MaturityModel.objects.filter(pk=maturity_model_id).update(updated_at=timezone.now())


@receiver(post_save, sender=Level, dispatch_uid="level_saved")
@receiver(post_save, sender=ProcessArea, dispatch_uid="area_saved")
@receiver(post_save, sender=Question, dispatch_uid="question_saved")
@receiver(post_save, sender=ScaleOption, dispatch_uid="option_saved")
@receiver(post_delete, sender=Level, dispatch_uid="level_deleted")
@receiver(post_delete, sender=ProcessArea, dispatch_uid="area_deleted")
@receiver(post_delete, sender=Question, dispatch_uid="question_deleted")
@receiver(post_delete, sender=ScaleOption, dispatch_uid="option_deleted")
def part_changed(sender, instance, **kwargs):
    version_changed(instance.maturity_model_id)
