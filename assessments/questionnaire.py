"""What changes a person's answers through their invitation link.

Plain functions with keyword arguments, one transaction each. Every change locks the
person's response row first, so two tabs (or a save racing a submit) on the same link
are applied one after the other, never interleaved.
"""

import secrets
from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone

from assessments import answer_statements as statements
from assessments.campaign_versions import answers_changed
from assessments.models import Invitation, Response, Unit
from assessments.selectors import CampaignState, campaign_state
from models_catalog.outline import ModelOutline, QuestionOutline, load_outline


class QuestionnaireError(ValueError):
    """A change the questionnaire refuses; the message says why, for the person."""


class NotOpenError(QuestionnaireError):
    """The campaign is not open for answers (not yet, or no longer)."""


class AlreadySubmittedError(QuestionnaireError):
    """Submitted answers are final; nothing was changed."""


class Keep:
    """Marks a part of an answer the person did not touch: the stored one stays."""

    def __repr__(self):
        return "KEEP"


KEEP = Keep()


@dataclass(frozen=True)
class AnswerEdit:
    """What the person changed about one question.

    `value` is a scale value, None for N/A, or KEEP; `comment` is the new text or KEEP;
    `clear` removes the stored answer altogether.
    """

    value: int | Keep | None = KEEP
    comment: str | Keep = KEEP
    clear: bool = False


CLEAR = AnswerEdit(clear=True)


def respondent_id(invitation: Invitation) -> str:
    """The response's identifier: random, so that neither it nor its order in a list
    leads back to the invitation (and its e-mail address), nor clashes with imported ids."""
    return f"web-{secrets.token_hex(8)}"


def check_open(invitation: Invitation):
    state = campaign_state(invitation.campaign)
    if state == CampaignState.NOT_OPEN:
        raise NotOpenError("this questionnaire is not open yet")
    if state == CampaignState.CLOSED:
        raise NotOpenError("this questionnaire is closed")


def response_for_update(invitation: Invitation) -> Response | None:
    """The person's response, its row locked until the transaction ends.

    get(), not first(): first() would sort by the responses' default ordering, joining
    the campaign and its organization, and lock their rows too, so that every save of a
    campaign would wait for every other.
    """
    try:
        return Response.objects.select_for_update().get(invitation=invitation)
    except Response.DoesNotExist:
        return None


def locked_response(invitation: Invitation, *, create: bool) -> Response | None:
    """The person's response, locked until the transaction ends; created when asked,
    with the unit and role the invitation fixes."""
    response = response_for_update(invitation)
    if response is None and create:
        Response.objects.get_or_create(
            invitation=invitation,
            defaults={
                "campaign": invitation.campaign,
                "respondent": respondent_id(invitation),
                "unit": invitation.unit,
                "role": invitation.role,
            },
        )
        response = Response.objects.select_for_update().get(invitation=invitation)
    if response is not None and response.submitted_at is not None:
        raise AlreadySubmittedError(
            "you have already submitted your answers, so they can no longer be changed"
        )
    return response


@transaction.atomic
def start_response(*, invitation: Invitation, unit: Unit | None = None, role: str = "") -> Response:
    """Begin answering with the unit and role the person chose (where the invitation
    leaves them open). An existing response is returned as it is."""
    check_open(invitation)
    existing = locked_response(invitation, create=False)
    if existing is not None:
        return existing
    if unit is not None and unit.organization_id != invitation.campaign.organization_id:
        raise QuestionnaireError(f"{unit.name} is not a unit of this organization")
    response = locked_response(invitation, create=True)
    response.unit = invitation.unit or unit
    response.role = invitation.role or role
    response.save(update_fields=["unit", "role", "updated_at"])
    return response


def save_area_answers(
    *,
    invitation: Invitation,
    area_key: str,
    answers: Mapping[str, AnswerEdit],
    outline: ModelOutline | None = None,
    response: Response | None = None,
) -> Response:
    """Store what the person changed on one area's page, as an upsert, in one transaction.

    The rule that keeps two tabs on the same link from losing an answer: a save writes
    only the questions of its area that appear in `answers`, and of those only the parts
    that are not KEEP. A question left out keeps its stored answer, whatever other tabs
    wrote; a save never deletes anything except the answers explicitly cleared (CLEAR).
    So a value left empty on a page never erases a stored one: the form reports only what
    the person changed compared with what the page showed them.

    `response` is the person's response as the page read it, if it had one: it spares
    reading it again (it is still checked, in the statement that touches it).
    """
    check_open(invitation)
    outline = outline or load_outline(invitation.campaign.maturity_model)
    area = outline.area(area_key)
    if area is None:
        raise QuestionnaireError(f"{area_key!r} is not an area of this questionnaire")
    questions = {question.key: question for question in area.questions}
    for key, edit in answers.items():
        check_edit(key, edit, questions, outline)
    edits = [(questions[key], edit) for key, edit in answers.items()]
    known = response is not None and response.invitation_id == invitation.pk
    if known and edits and not any(comment_alone(edit) for _, edit in edits):
        try:
            write_unread(response, edits, invitation.campaign_id)
        except IntegrityError:
            pass  # submitted or deleted since the page read it: the locked path says which
        else:
            return response
    return write_locked(invitation, edits)


def comment_alone(edit: AnswerEdit) -> bool:
    """A new comment for a stored value: the one edit that needs a stored answer."""
    return not edit.clear and isinstance(edit.value, Keep) and not isinstance(edit.comment, Keep)


def write_unread(
    response: Response, edits: list[tuple[QuestionOutline, AnswerEdit]], campaign_id: int
):
    """Write edits that need nothing stored, to a response read before, without reading it
    again: one transaction of a few statements, which PostgreSQL gets as one message. The
    touch fails on a submitted response, and the whole save with it (IntegrityError)."""
    now = timezone.now()
    statements.run_as_one(
        statements.touch_pending_response(response.pk, now),
        *edit_statements(response, edits),
        statements.bump_campaign_version("answers_version", campaign_id),
    )
    response.updated_at = now


@transaction.atomic
def write_locked(invitation: Invitation, edits: list[tuple[QuestionOutline, AnswerEdit]]):
    """Write any edits: the response read and locked (created if need be) and checked
    first, and a comment alone only where an answer is stored to go with it."""
    response = locked_response(invitation, create=True)
    response.save(update_fields=["updated_at"])
    for statement in edit_statements(response, edits):
        statements.run(statement)
    for question, edit in edits:
        if comment_alone(edit) and not statements.update_comment(
            response.pk, question.id, edit.comment
        ):
            raise QuestionnaireError(
                f"question {question.key!r}: choose an answer to go with your comment"
            )
    if edits:
        answers_changed(invitation.campaign_id)
    return response


def edit_statements(response: Response, edits) -> list[statements.Statement]:
    """The deletes and upserts of the edits; each writes only its own parts, so no stored
    value needs reading first. A comment alone is not among them (`write_locked`)."""
    cleared = [question.id for question, edit in edits if edit.clear]
    found = [statements.delete_answers(response.pk, cleared)] if cleared else []
    for columns, rows in new_values(response, edits).items():
        found.append(statements.upsert_answers(rows, columns))
    return found


def new_values(response: Response, edits) -> dict[tuple[str, ...], list[tuple]]:
    """Rows to upsert, grouped by the columns they change: the value, or value and comment."""
    groups: dict[tuple[str, ...], list[tuple]] = {}
    for question, edit in edits:
        if edit.clear or isinstance(edit.value, Keep):
            continue
        keeps_comment = isinstance(edit.comment, Keep)
        columns = ("value",) if keeps_comment else ("value", "comment")
        comment = "" if keeps_comment else edit.comment  # "" only where the row is new
        groups.setdefault(columns, []).append((response.pk, question.id, edit.value, comment))
    return groups


def check_edit(key: str, edit: AnswerEdit, questions: dict, outline: ModelOutline):
    if key not in questions:
        raise QuestionnaireError(f"question {key!r} is not in this area")
    if edit.value is None and not outline.scale.allow_na:
        raise QuestionnaireError(f"question {key!r}: this questionnaire has no N/A answer")
    if isinstance(edit.value, int) and edit.value not in outline.scale.values:
        raise QuestionnaireError(
            f"question {key!r}: {edit.value} is not on the scale {outline.scale.describe()}"
        )


@transaction.atomic
def submit_response(*, invitation: Invitation) -> Response:
    """Make the person's answers final. Submitting again changes nothing (a double click
    or a replayed form lands on the same thank-you page)."""
    response = response_for_update(invitation)
    if response is not None and response.submitted_at is not None:
        return response
    check_open(invitation)
    if response is None or not response.answers.exists():
        raise QuestionnaireError("answer at least one question before you submit")
    response.submitted_at = timezone.now()
    response.save(update_fields=["submitted_at", "updated_at"])
    # Results may come to count only submitted answers; cached ones must not outlive this.
    answers_changed(invitation.campaign_id)
    return response
