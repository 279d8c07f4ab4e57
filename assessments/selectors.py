"""Reading for the questionnaire journey: whose link it is, and how far the person got.

Every page of the journey reads the same few things in a constant number of queries:
the invitation with its campaign and response (one query), the model outline (four), and
the stored answers it shows (one).
"""

import math
import re
from dataclasses import dataclass
from enum import StrEnum

from django.utils import timezone

from assessments.answer_statements import area_answers
from assessments.journey_read import read_journey
from assessments.models import Answer, Campaign, Invitation, Response
from models_catalog.outline import AreaOutline, ModelOutline, QuestionOutline, load_outline

# Reading a statement and choosing one of a handful of options takes most people about
# this long; the start page rounds the total up so the estimate is never too short.
SECONDS_PER_QUESTION = 20
NOT_APPLICABLE_LABEL = "Not applicable / I can't say"
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


class CampaignState(StrEnum):
    NOT_OPEN = "not_open"
    OPEN = "open"
    CLOSED = "closed"


@dataclass(frozen=True)
class Journey:
    """One person's link: what they answer and what they have answered so far."""

    invitation: Invitation
    outline: ModelOutline
    response: Response | None

    @property
    def campaign(self) -> Campaign:
        return self.invitation.campaign

    @property
    def submitted(self) -> bool:
        return bool(self.response and self.response.submitted_at)

    @property
    def state(self) -> CampaignState:
        return campaign_state(self.campaign)


@dataclass(frozen=True)
class AreaPosition:
    area: AreaOutline
    number: int  # 1-based, in questionnaire order
    total: int
    previous: AreaOutline | None
    next: AreaOutline | None


@dataclass(frozen=True)
class UnansweredArea:
    area: AreaOutline
    questions: tuple[QuestionOutline, ...]


@dataclass(frozen=True)
class GivenAnswer:
    question: QuestionOutline
    label: str | None  # the chosen option's label, None when not answered
    comment: str


@dataclass(frozen=True)
class AreaSummary:
    area: AreaOutline
    answered: int


def journey_for_token(token: str, *, names: bool = True) -> Journey | None:
    """The journey behind a link. `names=False` for the area page, which names neither the
    organization nor the unit: it reads the rest in one statement written out once
    (journey_read.py)."""
    # Anything but a token's alphabet is not worth a query (and PostgreSQL refuses NULs).
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    if not names:
        found = read_journey(token)
        if found is None:
            return None
        invitation, response = found
    else:
        try:
            # get(), not first(): first() would order by the invitations' default
            # ordering, which joins and sorts through the campaign's and organization's.
            invitation = Invitation.objects.select_related(
                "campaign__organization", "campaign__maturity_model", "unit", "response__unit"
            ).get(token=token)
        except Invitation.DoesNotExist:
            return None
        response = getattr(invitation, "response", None)
    return Journey(
        invitation=invitation,
        outline=load_outline(invitation.campaign.maturity_model),
        response=response,
    )


def campaign_state(campaign: Campaign, now=None) -> CampaignState:
    """Whether people may answer now: a draft or a campaign whose opening time is ahead is
    not open yet; a closed one, or one whose closing time has passed, is closed."""
    now = now or timezone.now()
    if campaign.status == Campaign.Status.CLOSED or (
        campaign.closes_at is not None and campaign.closes_at <= now
    ):
        return CampaignState.CLOSED
    if campaign.status == Campaign.Status.DRAFT or (
        campaign.opens_at is not None and campaign.opens_at > now
    ):
        return CampaignState.NOT_OPEN
    return CampaignState.OPEN


def area_position(outline: ModelOutline, area_key: str) -> AreaPosition | None:
    areas = outline.areas
    index = next((i for i, area in enumerate(areas) if area.key == area_key), None)
    if index is None:
        return None
    return AreaPosition(
        area=areas[index],
        number=index + 1,
        total=len(areas),
        previous=areas[index - 1] if index > 0 else None,
        next=areas[index + 1] if index + 1 < len(areas) else None,
    )


def answers_by_question(response: Response | None, area: AreaOutline | None = None) -> dict:
    """Stored answers by question id: of one area, or of the whole questionnaire."""
    if response is None:
        return {}
    if area is not None:
        answers = area_answers(response.pk, [q.id for q in area.questions])
    else:
        answers = Answer.objects.filter(response=response)
    return {answer.question_id: answer for answer in answers}


def answered_in_order(response: Response | None) -> list[int]:
    """The ids of the questions answered, the one saved last at the end."""
    if response is None:
        return []
    answers = Answer.objects.filter(response=response).order_by("updated_at", "question_id")
    return list(answers.values_list("question_id", flat=True))


def answered_question_ids(response: Response | None) -> set[int]:
    if response is None:
        return set()
    return set(Answer.objects.filter(response=response).values_list("question_id", flat=True))


def resume_area(
    outline: ModelOutline, answered: set[int], last_answered: int | None = None
) -> AreaOutline | None:
    """The first area with a question not answered yet, looking from the area of the answer
    saved last onward, then from the start: where the person left off, and an area skipped
    earlier once everything after it is answered. None when all are answered."""
    areas = outline.areas
    start = next(
        (i for i, area in enumerate(areas) if any(q.id == last_answered for q in area.questions)),
        0,
    )
    return next(
        (
            area
            for area in (*areas[start:], *areas[:start])
            if any(q.id not in answered for q in area.questions)
        ),
        None,
    )


def unanswered_areas(outline: ModelOutline, answered: set[int]) -> list[UnansweredArea]:
    return [
        UnansweredArea(area=area, questions=missing)
        for area in outline.areas
        if (missing := tuple(q for q in area.questions if q.id not in answered))
    ]


def question_count(outline: ModelOutline) -> int:
    return sum(len(area.questions) for area in outline.areas)


def minutes_needed(outline: ModelOutline) -> int:
    return max(1, math.ceil(question_count(outline) * SECONDS_PER_QUESTION / 60))


def area_summaries(outline: ModelOutline, answered: set[int]) -> list[AreaSummary]:
    return [
        AreaSummary(area=area, answered=sum(q.id in answered for q in area.questions))
        for area in outline.areas
    ]


def given_answers(outline: ModelOutline, answers: dict) -> list[tuple[AreaOutline, list]]:
    """Every question with the label of its stored answer, area by area (read-only page)."""
    labels = dict(outline.scale.options)
    return [
        (
            area,
            [
                given_answer(question, answers.get(question.id), labels)
                for question in area.questions
            ],
        )
        for area in outline.areas
    ]


def given_answer(question: QuestionOutline, answer: Answer | None, labels: dict) -> GivenAnswer:
    if answer is None:
        return GivenAnswer(question=question, label=None, comment="")
    label = NOT_APPLICABLE_LABEL if answer.value is None else labels[answer.value]
    return GivenAnswer(question=question, label=label, comment=answer.comment)


def campaign_for_results(campaign_id: int) -> Campaign | None:
    """A campaign with what its results and reports name: organization and model."""
    return (
        Campaign.objects.select_related("organization", "maturity_model")
        .filter(pk=campaign_id)
        .first()
    )
