"""The discussion agenda: what a workshop on a campaign's results should talk about.

Group discussion of where people agree and disagree is one of the ways an assessment is
used. An average hides the views behind it, so the agenda lists two kinds of items:

- the questions with the widest disagreement (spread at or above the campaign's
  disagreement threshold), with how many people chose each answer;
- the questions where executives and frontline employees see the organization most
  differently: top and front line often do, and a workshop is where they can compare.

The role comparison sets executives (role "executive") against frontline employees (role
"employee"). Managers stand between the two and are left out of both sides: counting them
with executives would pull the top's view towards the middle and shrink the very gap the
workshop should see, and middle management is a perspective of its own.

Anonymity: roles come from :func:`assessments.results.breakdown`, which drops any role with
fewer respondents than the campaign's minimum, so such a role is never compared. A question
is compared only where at least that many people of each role rated it, so that no mean is
one or two persons' answer.
"""

from dataclasses import dataclass

from assessments.aggregates import respondent_counts
from assessments.distributions import answer_counts
from assessments.models import Campaign
from assessments.results import CampaignResults, breakdown, campaign_results, rounded
from assessments.scoring import CampaignScore, QuestionScore, is_disagreement
from models_catalog.outline import AreaOutline, ModelOutline, QuestionOutline

DISAGREEMENTS_SHOWN = 10
ROLE_GAPS_SHOWN = 10
EXECUTIVE_ROLE = "executive"
FRONTLINE_ROLE = "employee"

# The normalized spread is at most 0.5 (half the people at each end of the scale).
SPLIT_SPREAD = 0.4
WIDE_SPREAD = 0.3
NOTICEABLE_SPREAD = 0.2


@dataclass(frozen=True)
class OptionCount:
    value: int
    label: str
    people: int
    share: float  # of the people who chose an option on the scale


@dataclass(frozen=True)
class Disagreement:
    """A question whose answers are spread widely enough to be worth talking through."""

    key: str
    text: str
    area_name: str
    level_number: int
    level_name: str
    spread: float  # standard deviation, as a share of the scale
    score: float | None
    na: int
    options: tuple[OptionCount, ...]

    @property
    def spread_in_words(self) -> str:
        if self.spread >= SPLIT_SPREAD:
            return "answers are split between the two ends of the scale"
        if self.spread >= WIDE_SPREAD:
            return "answers range widely"
        if self.spread >= NOTICEABLE_SPREAD:
            return "answers differ noticeably"
        return "answers differ somewhat"

    @property
    def prompt(self) -> str:
        chosen = [option.label for option in self.options if option.people]
        low, high = chosen[0], chosen[-1]
        return (
            f"Answers run from “{low}” to “{high}”. What might someone who chose “{low}” "
            f"point to, and someone who chose “{high}”? Look for the teams, customers or "
            "moments each of them may have in mind."
        )


@dataclass(frozen=True)
class RoleGap:
    """How executives and frontline employees rate one question (means as shares)."""

    key: str
    text: str
    area_name: str
    level_number: int
    executives: float
    frontline: float

    @property
    def gap(self) -> float:
        # From the rounded means, so the numbers on the page add up.
        return round(self.executives - self.frontline, 4)

    @property
    def size(self) -> float:
        return abs(self.gap)

    @property
    def executives_higher(self) -> bool:
        return self.gap > 0

    @property
    def higher_side(self) -> str:
        return "Executives" if self.executives_higher else "Frontline employees"


@dataclass(frozen=True)
class RoleComparison:
    """Executives against frontline employees, as far as anonymity allows."""

    minimum: int  # the campaign's anonymity minimum
    executives: int | None  # respondents; None when not shown (assessments/anonymity.py)
    frontline: int | None
    short_sides: tuple[str, ...]  # the sides with fewer respondents than the minimum
    gaps: tuple[RoleGap, ...]  # largest first, at most ROLE_GAPS_SHOWN
    more_gaps: int  # gaps beyond those shown
    withheld: int  # questions too few people of a role rated to compare

    @property
    def comparable(self) -> bool:
        return self.executives is not None and self.frontline is not None

    @property
    def too_few_in_words(self) -> str:
        """Why the sides are not compared: "fewer than 3 executives answered"."""
        if not self.short_sides:
            # Both sides are large enough, the rest of the people are not: the whole
            # campaign less both sides would give away their answers.
            return (
                f"the other roles together have fewer than {self.minimum} people, whose "
                "answers both sides together would give away"
            )
        # Never the actual number: "fewer than" is all anyone may learn of a small role.
        too_few = " and ".join(f"fewer than {self.minimum} {side}" for side in self.short_sides)
        return f"{too_few} answered"


@dataclass(frozen=True)
class DiscussionAgenda:
    campaign: Campaign
    model_name: str
    model_version: str
    respondents: int
    disagreement_threshold: float
    disagreements: tuple[Disagreement, ...]  # widest first, at most DISAGREEMENTS_SHOWN
    more_disagreements: int  # questions above the threshold beyond those shown
    roles: RoleComparison

    @property
    def has_answers(self) -> bool:
        return self.respondents > 0


def discussion_agenda(campaign: Campaign) -> DiscussionAgenda:
    """The agenda of a campaign, in a constant number of queries."""
    results = campaign_results(campaign)
    outline = results.outline
    disputed = widest_disagreements(results)
    shown = disputed[:DISAGREEMENTS_SHOWN]
    counts = answer_counts(campaign, [question.id for question, _, _ in shown])
    return DiscussionAgenda(
        campaign=campaign,
        model_name=outline.name,
        model_version=outline.version,
        respondents=results.respondents,
        disagreement_threshold=campaign.disagreement_threshold,
        disagreements=tuple(
            disagreement(outline, question, area, score, counts.get(question.id, {}))
            for question, area, score in shown
        ),
        more_disagreements=len(disputed) - len(shown),
        roles=role_comparison(results),
    )


# --- Disagreement -------------------------------------------------------------------------


def scored_questions(outline: ModelOutline, score: CampaignScore):
    """Each question of the model with its area and score, in questionnaire order."""
    for level_outline, level_score in zip(outline.levels, score.levels, strict=True):
        for area, area_score in zip(level_outline.areas, level_score.areas, strict=True):
            yield from (
                (question, area, question_score)
                for question, question_score in zip(
                    area.questions, area_score.questions, strict=True
                )
            )


def widest_disagreements(
    results: CampaignResults,
) -> list[tuple[QuestionOutline, AreaOutline, QuestionScore]]:
    """Questions at or above the disagreement threshold, widest first (ties: questionnaire
    order)."""
    threshold = results.campaign.disagreement_threshold
    disputed = [
        (question, area, score)
        for question, area, score in scored_questions(results.outline, results.score)
        # A campaign may set its threshold to 0; people who all answered alike still agree.
        if is_disagreement(score.stdev, threshold) and score.stdev > 0
    ]
    return sorted(disputed, key=lambda item: -item[2].stdev)


def disagreement(
    outline: ModelOutline,
    question: QuestionOutline,
    area: AreaOutline,
    score: QuestionScore,
    counts: dict[int, int],
) -> Disagreement:
    rated = sum(counts.values())
    return Disagreement(
        key=question.key,
        text=question.text,
        area_name=area.name,
        level_number=area.level_number,
        level_name=outline.level(area.level_number).name,
        spread=rounded(score.stdev),
        score=rounded(score.score),
        na=score.na,
        options=tuple(
            OptionCount(
                value=value,
                label=label,
                people=counts.get(value, 0),
                share=counts.get(value, 0) / rated if rated else 0.0,
            )
            for value, label in outline.scale.options
        ),
    )


# --- Executives and the front line --------------------------------------------------------


def role_comparison(results: CampaignResults) -> RoleComparison:
    minimum = results.campaign.anonymity_minimum
    groups = {group.name: group for group in breakdown(results, "role")}
    counts = respondent_counts(results.campaign.pk, by="role")
    sides = (("executives", EXECUTIVE_ROLE), ("frontline employees", FRONTLINE_ROLE))
    executives, frontline = groups.get(EXECUTIVE_ROLE), groups.get(FRONTLINE_ROLE)
    gaps, withheld = [], 0
    if executives is not None and frontline is not None:
        gaps, withheld = role_gaps(results.outline, executives.score, frontline.score, minimum)
    return RoleComparison(
        minimum=minimum,
        executives=executives.respondents if executives is not None else None,
        frontline=frontline.respondents if frontline is not None else None,
        short_sides=tuple(name for name, role in sides if counts.get(role, 0) < minimum),
        gaps=tuple(gaps[:ROLE_GAPS_SHOWN]),
        more_gaps=max(len(gaps) - ROLE_GAPS_SHOWN, 0),
        withheld=withheld,
    )


def role_gaps(
    outline: ModelOutline, executives: CampaignScore, frontline: CampaignScore, minimum: int
) -> tuple[list[RoleGap], int]:
    """Questions both sides rated differently, largest gap first (ties: questionnaire
    order), and how many questions were withheld because too few of a side rated them."""
    gaps, withheld = [], 0
    pairs = zip(
        scored_questions(outline, executives), scored_questions(outline, frontline), strict=True
    )
    for (question, area, top), (_, _, front) in pairs:
        if not top.answers and not front.answers:
            continue  # nobody of either side rated it: nothing to compare, nothing withheld
        if top.answers < minimum or front.answers < minimum:
            withheld += 1
            continue
        gap = RoleGap(
            key=question.key,
            text=question.text,
            area_name=area.name,
            level_number=area.level_number,
            executives=rounded(top.score),
            frontline=rounded(front.score),
        )
        if gap.size:
            gaps.append(gap)
    return sorted(gaps, key=lambda gap: -gap.size), withheld
