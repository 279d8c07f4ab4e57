"""Benchmark data: campaigns of many respondents on the largest shipped model."""

import random

from assessments.services import find_or_create_campaign
from models_catalog.models import Question
from models_catalog.outline import load_outline
from models_catalog.services import SHIPPED_SLUGS

UNITS = ("Sales", "Service", "Marketing", "Operations", "Finance")


def largest_shipped_model() -> str:
    counts = {
        slug: Question.objects.filter(maturity_model__slug=slug).count() for slug in SHIPPED_SLUGS
    }
    return max(counts, key=counts.get)


def responses_file(campaign, respondents: int, seed: int = 7) -> str:
    outline = load_outline(campaign.maturity_model)
    values = [str(value) for value, _ in outline.scale.options]
    rng = random.Random(seed)
    rows = ["respondent,question,value,unit,role,comment"]
    keys = [question.key for area in outline.areas for question in area.questions]
    for number in range(respondents):
        unit = UNITS[number % len(UNITS)]
        rows.extend(f"b-{number},{key},{rng.choice(values)},{unit},employee," for key in keys)
    return "\n".join(rows) + "\n"


def campaign(name: str, slug: str):
    return find_or_create_campaign(
        organization_name="Benchmark Ltd", campaign_name=name, model_slug=slug, target_level=4
    )
