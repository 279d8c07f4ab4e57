"""A campaign's action plan: what the organization will do about its gaps.

Consultants and the organization's executives keep it together; it starts from the gaps
(one action per process area to work on, with the model's recommendation) and grows by
hand. The gaps it starts from are the reviewed ones: an area a consultant has set to
"in place" needs no action, one set to "not yet in place" does.
"""

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.utils import timezone

from assessments.models import Action, Campaign
from assessments.results import CampaignResults, campaign_results
from assessments.review import overrides_of, reviewed_score
from models_catalog.models import ProcessArea
from models_catalog.outline import AreaOutline


class ActionPlanError(ValueError):
    """An action that breaks a rule; `field` names the field at fault."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


# --- Reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlannedAction:
    """An action with the process area it is about (None for a general one)."""

    action: Action
    area: AreaOutline | None

    @property
    def is_overdue(self) -> bool:
        due = self.action.due_date
        return due is not None and due < timezone.localdate() and not self.is_done

    @property
    def is_done(self) -> bool:
        return self.action.status == Action.Status.DONE


def planned_actions(campaign: Campaign) -> list[PlannedAction]:
    """The campaign's actions in the model's order (general ones last), then by due date;
    one query, the model's outline coming with the (cached) results."""
    outline = campaign_results(campaign).outline
    order = {area.key: position for position, area in enumerate(outline.areas)}
    areas = {area.key: area for area in outline.areas}
    actions = Action.objects.filter(campaign=campaign).order_by("created_at", "id")
    ordered = sorted(
        actions,
        key=lambda action: (
            order.get(action.area_key, len(order)),
            action.due_date is None,
            action.due_date or date.min,
        ),
    )
    return [PlannedAction(action, areas.get(action.area_key)) for action in ordered]


def unplanned_gaps(results: CampaignResults, planned: set[str]) -> list[AreaOutline]:
    """The reviewed gaps whose process area is not in `planned` (keys), in the order of the
    gaps; one query."""
    gaps = reviewed_score(results, overrides_of(results.campaign)).gaps
    return [results.outline.area(gap.area.key) for gap in gaps if gap.area.key not in planned]


# --- Changes ------------------------------------------------------------------------------


@transaction.atomic
def start_from_gaps(*, campaign: Campaign) -> list[Action]:
    """One draft action for each gap without one: titled after its process area, described
    by the model's recommendation. Running it again adds nothing twice."""
    # Two people starting the plan at once wait for each other instead of doubling it.
    # (A bare filter: first() would sort through the organization and lock its row too.)
    list(Campaign.objects.select_for_update().filter(pk=campaign.pk).order_by())
    planned = set(Action.objects.filter(campaign=campaign).values_list("area_key", flat=True))
    return Action.objects.bulk_create(
        Action(
            campaign=campaign,
            area_key=area.key,
            title=area.name,
            description=area.recommendation,
        )
        for area in unplanned_gaps(campaign_results(campaign), planned)
    )


@transaction.atomic
def add_action(
    *,
    campaign: Campaign,
    title: str,
    area_key: str = "",
    description: str = "",
    owner: str = "",
    due_date: date | None = None,
    status: str = Action.Status.OPEN,
) -> Action:
    action = Action(campaign=campaign)
    return save(
        action,
        title=title,
        area_key=area_key,
        description=description,
        owner=owner,
        due_date=due_date,
        status=status,
    )


@transaction.atomic
def change_action(*, action: Action, **fields) -> Action:
    """Change some of an action's fields (title, area_key, description, owner, due_date,
    status)."""
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise TypeError(f"not an action field: {', '.join(sorted(unknown))}")
    return save(action, **fields)


@transaction.atomic
def remove_action(*, action: Action) -> None:
    action.delete()


EDITABLE = ("title", "area_key", "description", "owner", "due_date", "status")


def save(action: Action, **fields) -> Action:
    for name, value in fields.items():
        setattr(action, name, value.strip() if isinstance(value, str) else value)
    if not action.title:
        raise ActionPlanError("Give the action a title.", "title")
    if action.status not in Action.Status.values:
        raise ActionPlanError("Choose one of the statuses offered.", "status")
    if action.area_key and not is_area_of(action.campaign, action.area_key):
        raise ActionPlanError("Choose a process area of this campaign's model.", "area_key")
    action.save()
    return action


def is_area_of(campaign: Campaign, area_key: str) -> bool:
    areas = ProcessArea.objects.filter(maturity_model_id=campaign.maturity_model_id)
    return areas.filter(key=area_key).exists()
