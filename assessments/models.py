"""Organizations, their campaigns, and the answers people give.

A campaign pins one model version; a response is one participant's set of answers in
one campaign; an answer is a value on the model's scale or N/A (`value` is NULL).
"""

import secrets

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from models_catalog.models import MaturityModel, Question


class Organization(models.Model):
    name = models.CharField(max_length=200, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Unit(models.Model):
    """A team, department or project group of an organization."""

    organization = models.ForeignKey(Organization, on_delete=models.CASCADE, related_name="units")
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["organization", "name"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_unit_name"),
        ]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """Who may see an organization's results: its executives and its consultants."""

    class Role(models.TextChoices):
        EXECUTIVE = "executive", "Executive"
        CONSULTANT = "consultant", "Consultant"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=12, choices=Role.choices)

    class Meta:
        ordering = ["organization", "role", "user"]
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="unique_membership"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()} of {self.organization})"


class Campaign(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    class ExecutivesSee(models.TextChoices):
        ALL = "all", "As soon as there are answers"
        REVIEWED = "reviewed", "Once a consultant has reviewed them"

    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="campaigns"
    )
    name = models.CharField(max_length=200)
    maturity_model = models.ForeignKey(
        MaturityModel,
        on_delete=models.PROTECT,
        related_name="campaigns",
        verbose_name="model version",
    )
    target_level = models.PositiveSmallIntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    opens_at = models.DateTimeField(null=True, blank=True)
    closes_at = models.DateTimeField(null=True, blank=True)
    anonymous = models.BooleanField(
        default=True, help_text="No page, export or report links an answer to a person."
    )
    anonymity_minimum = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text="Units and roles with fewer respondents are not broken out.",
    )
    disagreement_threshold = models.FloatField(
        default=0.25,
        validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        help_text="Standard deviation of answers (share of the scale) from which people "
        "are said to disagree.",
    )
    # Raised whenever an answer of the campaign changes: cached results carry it.
    answers_version = models.PositiveIntegerField(default=0, editable=False)
    # Raised whenever invitations are added or removed: the results page shows how many
    # of them were answered, and counting them on every view would grow with the campaign.
    invitations_version = models.PositiveIntegerField(default=0, editable=False)
    executives_see = models.CharField(
        "executives see the results",
        max_length=10,
        choices=ExecutivesSee.choices,
        default=ExecutivesSee.ALL,
        help_text="Consultants and superusers always see them.",
    )
    results_reviewed_at = models.DateTimeField(null=True, blank=True, editable=False)
    results_reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # The answers version the review saw: when answers change after it, pages say so.
    results_reviewed_version = models.PositiveIntegerField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organization", "-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "name"], name="unique_campaign_name"),
            models.CheckConstraint(
                condition=Q(target_level__isnull=True) | Q(target_level__gte=1),
                name="campaign_target_level_positive",
            ),
            models.CheckConstraint(
                condition=Q(opens_at__isnull=True)
                | Q(closes_at__isnull=True)
                | Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return f"{self.organization} · {self.name}"


def new_token() -> str:
    # 32 bytes = 256 bits of randomness, URL-safe.
    return secrets.token_urlsafe(32)


class Invitation(models.Model):
    """A personal link to a campaign's questionnaire; the token is its only key."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="invitations")
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    email = models.EmailField(blank=True)
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True)
    role = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "created_at", "id"]

    def __str__(self):
        return self.email or f"invitation {self.pk}"


class Response(models.Model):
    """One participant's answers in one campaign."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="responses")
    # Any identifier (CONTRACT.md section 5): room for an e-mail address.
    respondent = models.CharField(max_length=255)
    invitation = models.OneToOneField(
        Invitation, on_delete=models.SET_NULL, null=True, blank=True, related_name="response"
    )
    unit = models.ForeignKey(Unit, on_delete=models.SET_NULL, null=True, blank=True)
    role = models.CharField(max_length=50, blank=True)
    started_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["campaign", "respondent"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "respondent"], name="unique_respondent_per_campaign"
            ),
        ]
        indexes = [
            models.Index(fields=["campaign", "unit"], name="response_campaign_unit"),
            models.Index(fields=["campaign", "role"], name="response_campaign_role"),
        ]

    def __str__(self):
        return self.respondent


class Answer(models.Model):
    # No index of its own: the unique (response, question) index starts with it.
    response = models.ForeignKey(
        Response, on_delete=models.CASCADE, related_name="answers", db_index=False
    )
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    # NULL is N/A: it counts nowhere (contract section 7.1).
    value = models.SmallIntegerField(null=True, blank=True)
    comment = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["response", "question"], name="one_answer_per_question"
            ),
        ]

    def __str__(self):
        return f"{self.question_id}={'NA' if self.value is None else self.value}"


# --- After the results: the consultant's review and the action plan ----------------------


class ReviewedStatus(models.TextChoices):
    """The statuses a consultant may give a process area in place of the computed one."""

    SATISFIED = "satisfied", "In place"
    NOT_SATISFIED = "not_satisfied", "Not yet in place"
    NOT_APPLICABLE = "not_applicable", "Does not apply"


class AreaReview(models.Model):
    """A consultant's word on one process area of a campaign's results.

    An override stands next to the computed status in the report; the computed results
    (the results document, the cache) never change because of it.
    """

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="area_reviews")
    area_key = models.CharField("process area", max_length=80)
    observation = models.TextField(blank=True)
    override_status = models.CharField(
        "status set by the consultant", max_length=20, choices=ReviewedStatus.choices, blank=True
    )
    justification = models.TextField(blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "area_key"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "area_key"], name="one_review_per_process_area"
            ),
            models.CheckConstraint(
                condition=Q(override_status="") | ~Q(justification=""),
                name="area_review_override_is_justified",
            ),
            models.CheckConstraint(
                condition=Q(override_status__in=["", *ReviewedStatus.values]),
                name="area_review_override_is_a_status",
            ),
        ]

    def __str__(self):
        return f"{self.campaign_id}: {self.area_key}"


class Action(models.Model):
    """One step of a campaign's action plan, usually closing the gap of one process area."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="actions")
    # Blank for an action that is not about one process area.
    area_key = models.CharField("process area", max_length=80, blank=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    owner = models.CharField(max_length=200, blank=True, help_text="A person or a team.")
    due_date = models.DateField(null=True, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["campaign", "created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "in_progress", "done"]),
                name="action_status_is_known",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "area_key"], name="action_campaign_area")]

    def __str__(self):
        return self.title
