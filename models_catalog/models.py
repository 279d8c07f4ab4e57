"""Maturity models as data: model version → levels → process areas → questions.

A model version is a row of `MaturityModel`; `(slug, version)` is unique. Keys of process
areas and questions are unique within a version, which is why both carry the version
(`maturity_model`) as well as their parent: the database enforces the rule.
"""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q

KEY_PATTERN = r"^[a-z0-9-]+$"
key_validator = RegexValidator(KEY_PATTERN, "Use lower-case letters, digits and hyphens only.")
unit_interval = [MinValueValidator(0.0), MaxValueValidator(1.0)]


def validate_positive(value):
    if value is not None and value <= 0:
        raise ValidationError("Must be greater than 0.")


class MaturityModel(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        PUBLISHED = "published", "Published"
        RETIRED = "retired", "Retired"

    class Rule(models.TextChoices):
        MEAN = "mean", "Mean of the area's questions reaches the threshold"
        EVERY = "every", "Every question of the area reaches the threshold"

    slug = models.CharField(max_length=80, validators=[key_validator])
    version = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    name = models.CharField(max_length=200)
    source = models.TextField(blank=True, help_text="Attribution of the model's author.")
    description = models.TextField(blank=True)
    allow_na = models.BooleanField("allow N/A", default=False)
    rule = models.CharField(max_length=5, choices=Rule.choices, default=Rule.MEAN)
    threshold = models.FloatField(
        default=0.75,
        validators=unit_interval,
        help_text="Share of the scale (0 to 1) a process area must reach to be satisfied.",
    )
    # Which optional keys the imported file left out or set to null, so that export
    # gives back the same document (contract section 2).
    file_shape = models.JSONField(default=dict, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["slug", "version"], name="unique_model_version"),
            models.CheckConstraint(
                condition=Q(threshold__gte=0) & Q(threshold__lte=1),
                name="model_threshold_in_unit_interval",
            ),
            models.CheckConstraint(condition=Q(rule__in=["mean", "every"]), name="model_rule"),
        ]

    def __str__(self):
        return f"{self.name} ({self.slug} {self.version})"


class ScaleOption(models.Model):
    maturity_model = models.ForeignKey(
        MaturityModel, on_delete=models.CASCADE, related_name="scale_options"
    )
    value = models.SmallIntegerField()
    label = models.CharField(max_length=100)

    class Meta:
        ordering = ["value"]
        constraints = [
            models.UniqueConstraint(fields=["maturity_model", "value"], name="unique_scale_value"),
        ]

    def __str__(self):
        return f"{self.value}: {self.label}"


class Level(models.Model):
    maturity_model = models.ForeignKey(
        MaturityModel, on_delete=models.CASCADE, related_name="levels"
    )
    number = models.PositiveSmallIntegerField(validators=[MinValueValidator(1)])
    name = models.CharField(max_length=100)
    description = models.TextField(blank=True)
    obstacle = models.TextField(
        "key obstacle to advancement",
        blank=True,
        help_text="What typically holds an organization at this level.",
    )

    class Meta:
        ordering = ["number"]
        constraints = [
            models.UniqueConstraint(
                fields=["maturity_model", "number"], name="unique_level_number"
            ),
            models.CheckConstraint(condition=Q(number__gte=1), name="level_number_positive"),
        ]

    def __str__(self):
        return f"{self.number}. {self.name}"


class ProcessArea(models.Model):
    maturity_model = models.ForeignKey(
        MaturityModel, on_delete=models.CASCADE, related_name="process_areas", editable=False
    )
    level = models.ForeignKey(Level, on_delete=models.CASCADE, related_name="process_areas")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=80, validators=[key_validator])
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    threshold = models.FloatField(
        null=True,
        blank=True,
        validators=unit_interval,
        help_text="Leave empty to use the model's threshold.",
    )
    recommendation = models.TextField(
        blank=True, help_text="What an organization does to satisfy this area."
    )

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["maturity_model", "key"], name="unique_area_key"),
            models.CheckConstraint(
                condition=Q(threshold__isnull=True) | (Q(threshold__gte=0) & Q(threshold__lte=1)),
                name="area_threshold_in_unit_interval",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        # The version is derived from the level; kept here so the unique key holds.
        self.maturity_model_id = self.level.maturity_model_id
        super().save(*args, **kwargs)

    @property
    def effective_threshold(self) -> float:
        return self.maturity_model.threshold if self.threshold is None else self.threshold


class Question(models.Model):
    maturity_model = models.ForeignKey(
        MaturityModel, on_delete=models.CASCADE, related_name="questions", editable=False
    )
    process_area = models.ForeignKey(
        ProcessArea, on_delete=models.CASCADE, related_name="questions"
    )
    position = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=80, validators=[key_validator])
    text = models.TextField()
    help = models.TextField(blank=True)
    weight = models.FloatField(default=1.0, validators=[validate_positive])

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["maturity_model", "key"], name="unique_question_key"),
            models.CheckConstraint(condition=Q(weight__gt=0), name="question_weight_positive"),
        ]

    def __str__(self):
        return self.key

    def save(self, *args, **kwargs):
        self.maturity_model_id = self.process_area.maturity_model_id
        super().save(*args, **kwargs)
