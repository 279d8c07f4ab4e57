"""A campaign's results: fetch aggregates, call the scoring core, shape the document.

The one place the page, the PDF, the exports and `campaign_results --json` get their
numbers from, so they can never disagree.
"""

from dataclasses import dataclass, replace

from django.core.cache import cache

from assessments import aggregates
from assessments.anonymity import shown_groups
from assessments.models import Campaign
from assessments.scoring import (
    AreaSpec,
    CampaignScore,
    LevelSpec,
    ModelSpec,
    QuestionSpec,
    Tally,
    score_campaign,
)
from config.release import RELEASE
from models_catalog.outline import ModelOutline, load_outline

SCORE_DECIMALS = 4


@dataclass(frozen=True)
class CampaignResults:
    campaign: Campaign
    outline: ModelOutline
    respondents: int
    score: CampaignScore


@dataclass(frozen=True)
class GroupResults:
    """Results of one unit or role, broken out only above the anonymity minimum."""

    name: str
    respondents: int
    score: CampaignScore


def model_spec(outline: ModelOutline) -> ModelSpec:
    return ModelSpec(
        rule=outline.rule,
        scale_min=outline.scale.minimum,
        scale_max=outline.scale.maximum,
        levels=tuple(
            LevelSpec(
                number=level.number,
                name=level.name,
                areas=tuple(
                    AreaSpec(
                        key=area.key,
                        name=area.name,
                        threshold=area.threshold,
                        questions=tuple(
                            QuestionSpec(key=q.key, weight=q.weight) for q in area.questions
                        ),
                    )
                    for area in level.areas
                ),
            )
            for level in outline.levels
        ),
    )


def keyed_by_question(outline: ModelOutline, tallies: dict[int, Tally]) -> dict[str, Tally]:
    keys = outline.question_keys_by_id
    return {keys[question_id]: tally for question_id, tally in tallies.items()}


def cache_key(campaign: Campaign, part: str) -> str:
    """Everything cached results depend on; a change to any of them is a new key.

    A version is frozen while campaigns use it, but a campaign without responses may move
    to another version and back after the first was edited: the version's `updated_at`,
    which moves with any change of its content (models_catalog/signals.py), is in the key.
    """
    return (
        f"results:{RELEASE}:{part}:{campaign.pk}:{campaign.created_at.timestamp()}:"
        f"{campaign.answers_version}:{campaign.maturity_model_id}:"
        f"{campaign.maturity_model.updated_at.timestamp()}:{campaign.target_level}:"
        f"{campaign.anonymity_minimum}:{campaign.disagreement_threshold}"
    )


def campaign_results(campaign: Campaign) -> CampaignResults:
    """The campaign's results, computed once per change of its answers."""
    return results_for_campaigns([campaign])[0]


def results_for_campaigns(campaigns: list[Campaign]) -> list[CampaignResults]:
    """Results of several campaigns: cached ones from the cache, the others computed
    together, in a number of queries that does not grow with the campaigns."""
    keys = {campaign.pk: cache_key(campaign, "campaign") for campaign in campaigns}
    cached = cache.get_many(list(keys.values()))
    missing = [campaign for campaign in campaigns if keys[campaign.pk] not in cached]
    computed = {results.campaign.pk: results for results in compute_results(missing)}
    # The campaign row itself is not cached: its name or dates may change.
    cache.set_many(
        {keys[pk]: replace(results, campaign=None) for pk, results in computed.items()},
        timeout=None,
    )
    return [
        computed.get(campaign.pk) or replace(cached[keys[campaign.pk]], campaign=campaign)
        for campaign in campaigns
    ]


def compute_results(campaigns: list[Campaign]) -> list[CampaignResults]:
    if not campaigns:
        return []
    ids = [campaign.pk for campaign in campaigns]
    tallies = aggregates.question_tallies_for(ids)
    respondents = aggregates.respondent_counts_for(ids)
    models = {campaign.maturity_model_id: campaign.maturity_model for campaign in campaigns}
    outlines = {pk: load_outline(maturity_model) for pk, maturity_model in models.items()}
    results = []
    for campaign in campaigns:
        outline = outlines[campaign.maturity_model_id]
        keyed = keyed_by_question(outline, tallies.get(campaign.pk, {}))
        results.append(
            CampaignResults(
                campaign=campaign,
                outline=outline,
                respondents=respondents.get(campaign.pk, 0),
                score=score_campaign(model_spec(outline), keyed, campaign.target_level),
            )
        )
    return results


def breakdown(results: CampaignResults, by: str) -> list[GroupResults]:
    """The same results per unit or per role; groups that could single people out are not
    broken out (assessments/anonymity.py)."""
    key = cache_key(results.campaign, f"by-{by}")
    groups = cache.get(key)
    if groups is None:
        groups = compute_breakdown(results, by)
        cache.set(key, groups, timeout=None)
    return groups


def compute_breakdown(results: CampaignResults, by: str) -> list[GroupResults]:
    campaign = results.campaign
    counts = aggregates.respondent_counts(campaign.pk, by=by)
    shown = shown_groups(
        counts, respondents=results.respondents, minimum=campaign.anonymity_minimum
    )
    grouped = aggregates.grouped_question_tallies(campaign.pk, by)
    spec = model_spec(results.outline)
    return [
        GroupResults(
            name=name,
            respondents=counts[name],
            score=score_campaign(
                spec, keyed_by_question(results.outline, tallies), campaign.target_level
            ),
        )
        for name, tallies in sorted(grouped.items())
        if name in shown
    ]


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, SCORE_DECIMALS)


def level_reference(outline: ModelOutline, number: int | None) -> dict | None:
    if number is None:
        return None
    level = outline.level(number)
    return {"number": number, "name": level.name if level else None}


def results_document(results: CampaignResults) -> dict:
    """The results document of CONTRACT.md section 6."""
    campaign, outline, score = results.campaign, results.outline, results.score
    return {
        "campaign": {
            "id": campaign.pk,
            "name": campaign.name,
            "organization": campaign.organization.name,
        },
        "model": {"slug": outline.slug, "version": outline.version, "name": outline.name},
        "respondents": results.respondents,
        "achieved_level": level_reference(outline, score.achieved_level)
        if score.achieved_level
        else {"number": 0, "name": None},
        "target_level": level_reference(outline, campaign.target_level),
        "levels": [
            {
                "number": level.number,
                "name": level.name,
                "achieved": level.achieved,
                "process_areas": [area_document(area) for area in level.areas],
            }
            for level in score.levels
        ],
        "gaps": [
            {
                "level": gap.level,
                "process_area": gap.area.key,
                "status": gap.status,
                "score": rounded(gap.area.score),
                "threshold": gap.area.threshold,
                "shortfall": rounded(gap.shortfall),
            }
            for gap in score.gaps
        ],
    }


def area_document(area) -> dict:
    return {
        "key": area.key,
        "name": area.name,
        "status": area.status,
        "score": rounded(area.score),
        "threshold": area.threshold,
        "questions": [
            {
                "key": question.key,
                "score": rounded(question.score),
                "answers": question.answers,
                "na": question.na,
                "stdev": rounded(question.stdev),
            }
            for question in area.questions
        ],
    }
