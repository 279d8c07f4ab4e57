"""The demo organization that `make run` loads, so a newcomer sees full results at once.

Answers are generated, deterministic and plausible: practices of lower levels are more
established than those of higher ones, units differ, people disagree a little. They go
through the same import service as a real responses file.
"""

import random
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction

from assessments.models import Campaign, Membership, Organization
from assessments.services import add_member, find_or_create_campaign, import_responses
from models_catalog.outline import load_outline
from models_catalog.services import SHIPPED_SLUGS

ORGANIZATION = "Northwind Services (demo)"
# Unit name and how much stronger (+) or weaker (-) than average its practices are.
UNITS = {"Sales": 0.4, "Customer Service": 0.6, "Marketing": 0.0, "Operations": -0.5}
ROLES = ("employee",) * 7 + ("manager",) * 2 + ("executive",)
RESPONDENTS_PER_CAMPAIGN = 36
CAMPAIGNS = {
    "smart-customer-management": ("2026 H2 · Smart Customer Management", 3),
    "cx-journey": ("2026 H2 · CX journey", 4),
    "customer-centricity-stages": ("2026 H2 · Customer centricity stages", 3),
}
OPENED = datetime(2026, 7, 1, tzinfo=UTC)
# The round before, six months earlier and somewhat weaker: progress to show.
EARLIER_ROUND = ("2026 H1 · Smart Customer Management", datetime(2026, 1, 12, tzinfo=UTC), -0.45)
# Other organizations on the same model, so that benchmarking has its five; nobody sees
# their names, and the demo logins are members of none of them.
PEERS = {
    f"Peer organization {letter} (demo)": bias
    for letter, bias in zip("ABCDE", (-0.7, -0.3, 0.0, 0.25, 0.5), strict=True)
}
PEER_RESPONDENTS = 12


@dataclass(frozen=True)
class DemoLogin:
    username: str
    password: str
    role: str


LOGINS = (
    DemoLogin("demo-executive", "demo-executive-2026", "executive"),
    DemoLogin("demo-consultant", "demo-consultant-2026", "consultant"),
    DemoLogin("demo-admin", "demo-admin-2026", "superuser"),
)


@transaction.atomic
def load_demo() -> list[Campaign]:
    """Create the demo organization, its people and campaigns; twice adds nothing."""
    organization, _ = Organization.objects.get_or_create(name=ORGANIZATION)
    create_logins()
    name, opened, bias = EARLIER_ROUND
    earlier = demo_campaign(
        organization,
        "smart-customer-management",
        name=name,
        opens_at=opened,
        bias=bias,
        closes_at=opened + timedelta(days=30),
    )
    campaigns = [demo_campaign(organization, slug) for slug in SHIPPED_SLUGS]
    for peer, bias in PEERS.items():
        peer_organization, _ = Organization.objects.get_or_create(name=peer)
        demo_campaign(
            peer_organization, "smart-customer-management", bias=bias, respondents=PEER_RESPONDENTS
        )
    return [earlier, *campaigns]


def create_logins():
    users = get_user_model().objects
    for login in LOGINS:
        if login.role == "superuser":
            if not users.filter(username=login.username).exists():
                users.create_superuser(login.username, password=login.password)
            continue
        if not Membership.objects.filter(user__username=login.username).exists():
            add_member(
                username=login.username,
                organization_name=ORGANIZATION,
                role=login.role,
                password=login.password,
            )


def demo_campaign(
    organization: Organization,
    slug: str,
    *,
    name: str = "",
    opens_at: datetime = OPENED,
    closes_at: datetime | None = None,
    bias: float = 0.0,
    respondents: int = RESPONDENTS_PER_CAMPAIGN,
) -> Campaign:
    name = name or CAMPAIGNS[slug][0]
    existing = Campaign.objects.filter(organization=organization, name=name).first()
    if existing is not None:
        return existing
    campaign = find_or_create_campaign(
        organization_name=organization.name,
        campaign_name=name,
        model_slug=slug,
        target_level=CAMPAIGNS[slug][1],
    )
    campaign.opens_at, campaign.closes_at = opens_at, closes_at
    if closes_at is not None:
        campaign.status = Campaign.Status.CLOSED
    campaign.save(update_fields=["opens_at", "closes_at", "status"])
    answers = generated_answers(
        campaign, seed=f"{organization.name}/{name}", bias=bias, respondents=respondents
    )
    import_responses(campaign=campaign, data=answers)
    return campaign


def generated_answers(
    campaign: Campaign, seed: str, bias: float = 0.0, respondents: int = RESPONDENTS_PER_CAMPAIGN
) -> str:
    """A responses file (CONTRACT.md section 5) of plausible answers."""
    outline = load_outline(campaign.maturity_model)
    scale = [value for value, _ in outline.scale.options]
    low, high = scale[0], scale[-1]
    rng = random.Random(seed)
    top = len(outline.levels)
    # Some areas are further along than others at the same level,
    # and the same areas stay strong or weak from one round to the next.
    organization_rng = random.Random(f"{campaign.organization.name}/{outline.slug}")
    area_bias = {area.key: organization_rng.gauss(0, 0.35) for area in outline.areas}
    rows = ["respondent,question,value,unit,role,comment"]
    for number in range(1, respondents + 1):
        unit = rng.choice(list(UNITS))
        role = rng.choice(ROLES)
        optimism = rng.gauss(0, 0.35) + (0.3 if role == "executive" else 0)
        for area in outline.areas:
            # Lower levels are more established: from near the top of the scale down.
            strength = high - 0.3 - (high - low) * (area.level_number - 2) / top
            strength += area_bias[area.key] + bias
            for question in area.questions:
                if rng.random() < 0.04:
                    value = "NA" if outline.scale.allow_na else str(low)
                else:
                    raw = strength + UNITS[unit] + optimism + rng.gauss(0, 0.7)
                    value = str(min(scale, key=lambda option: abs(option - raw)))
                rows.append(f"demo-{number:03d},{question.key},{value},{unit},{role},")
    return "\n".join(rows) + "\n"
