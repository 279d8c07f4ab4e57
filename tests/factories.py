"""Test data: factories for the object graph, and a small model file to build on."""

import copy

import factory
from django.contrib.auth import get_user_model

from assessments.models import (
    Answer,
    Campaign,
    Invitation,
    Membership,
    Organization,
    Response,
    Unit,
)
from models_catalog.file_format import read_model_file
from models_catalog.models import MaturityModel
from models_catalog.services import import_model

# Two scored levels above a base level; 0-4 scale with N/A.
SMALL_MODEL = {
    "format": "maturity-model/1",
    "slug": "small-model",
    "version": "1.0",
    "name": "Small test model",
    "source": "Written for the tests",
    "description": "Three levels, enough to exercise the staged rule.",
    "scale": {
        "options": [
            {"value": 0, "label": "Not performed"},
            {"value": 1, "label": "Ad hoc"},
            {"value": 2, "label": "Managed"},
            {"value": 3, "label": "Defined"},
            {"value": 4, "label": "Optimized"},
        ],
        "allow_na": True,
    },
    "rule": "mean",
    "threshold": 0.75,
    "levels": [
        {
            "number": 1,
            "name": "Initial",
            "description": "The base.",
            "obstacle": None,
            "process_areas": [],
        },
        {
            "number": 2,
            "name": "Foundational",
            "description": "Units manage customers.",
            "obstacle": "Each unit works alone.",
            "process_areas": [
                {
                    "key": "customer-requirements",
                    "name": "Customer requirements",
                    "description": "Knowing what customers need.",
                    "threshold": 0.5,
                    "recommendation": "Write down what target customers need and review it.",
                    "questions": [
                        {
                            "key": "cr-1",
                            "text": "We know who our target customers are.",
                            "help": "",
                            "weight": 1.0,
                        },
                        {
                            "key": "cr-2",
                            "text": "We write down what they need.",
                            "help": "",
                            "weight": 1.0,
                        },
                    ],
                },
                {
                    "key": "monitoring",
                    "name": "Monitoring",
                    "description": "Watching how well customers are served.",
                    "recommendation": "Track a few service measures every month.",
                    "questions": [
                        {"key": "mo-1", "text": "We track complaints.", "weight": 1.0},
                    ],
                },
            ],
        },
        {
            "number": 3,
            "name": "Organizational",
            "description": "One way of working.",
            "obstacle": "Data is scattered.",
            "process_areas": [
                {
                    "key": "standard-process",
                    "name": "Standard processes",
                    "recommendation": "Agree on one customer process for the whole organization.",
                    "questions": [
                        {"key": "sp-1", "text": "All units follow the same customer process."},
                        {"key": "sp-2", "text": "The process is written down.", "weight": 2.0},
                    ],
                },
            ],
        },
    ],
}


def model_document(**changes) -> dict:
    document = copy.deepcopy(SMALL_MODEL)
    document.update(changes)
    return document


def import_document(document: dict) -> MaturityModel:
    import json

    checked, shape = read_model_file(json.dumps(document))
    maturity_model, _ = import_model(document=checked, shape=shape)
    return maturity_model


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("correct-horse-battery")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"Organization {n}")


class UnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Unit

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Unit {n}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    organization = factory.SubFactory(OrganizationFactory)
    role = Membership.Role.EXECUTIVE


def small_model() -> MaturityModel:
    existing = MaturityModel.objects.filter(slug="small-model", version="1.0").first()
    return existing or import_document(SMALL_MODEL)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Sequence(lambda n: f"Campaign {n}")
    maturity_model = factory.LazyFunction(small_model)
    status = Campaign.Status.OPEN


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    campaign = factory.SubFactory(CampaignFactory)


class ResponseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Response

    campaign = factory.SubFactory(CampaignFactory)
    respondent = factory.Sequence(lambda n: f"r-{n:03d}")


def answer(response: Response, question_key: str, value: int | None, comment: str = ""):
    """Store one answer by question key (value None is N/A)."""
    from assessments.campaign_versions import answers_changed

    question = response.campaign.maturity_model.questions.get(key=question_key)
    stored = Answer.objects.create(
        response=response, question=question, value=value, comment=comment
    )
    # As the services do: results cached before this answer are not used again.
    answers_changed(response.campaign_id)
    response.campaign.refresh_from_db(fields=["answers_version"])
    return stored


def respond(campaign: Campaign, values: dict[str, int | None], **response_fields) -> Response:
    """A respondent who answers the given questions, submitted."""
    from django.utils import timezone

    response = ResponseFactory(campaign=campaign, submitted_at=timezone.now(), **response_fields)
    for key, value in values.items():
        answer(response, key, value)
    return response


def consultant_of(*organizations: Organization, **user_fields):
    """A staff user with a consultant membership in each organization given."""
    user = UserFactory(is_staff=True, **user_fields)
    for organization in organizations:
        MembershipFactory(user=user, organization=organization, role=Membership.Role.CONSULTANT)
    return user


def admin_form_data(response) -> dict:
    """The POST data of a rendered admin change page, as it stands: change a few keys and
    post it back, as a person editing the page would."""
    from django.forms import MultiWidget

    forms = [response.context["adminform"].form]
    for inline in response.context["inline_admin_formsets"]:
        forms.append(inline.formset.management_form)
        forms.extend(inline.formset.forms)
    data = {}
    for form in forms:
        for bound in form:
            value = bound.value()
            widget = bound.field.widget
            if value is None or value is False:
                continue
            if isinstance(widget, MultiWidget):
                parts = widget.decompress(value)
                for suffix, part in zip(widget.widgets_names, parts, strict=True):
                    data[bound.html_name + suffix] = part
            else:
                data[bound.html_name] = "on" if value is True else value
    return data


class AreaReviewFactory(factory.django.DjangoModelFactory):
    """A consultant's observation on a process area of the small model (no override)."""

    class Meta:
        model = "assessments.AreaReview"

    campaign = factory.SubFactory(CampaignFactory)
    area_key = "monitoring"
    observation = "Complaints are tracked, but nobody reads the figures."


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "assessments.Action"

    campaign = factory.SubFactory(CampaignFactory)
    area_key = "monitoring"
    title = factory.Sequence(lambda n: f"Action {n}")


def wide_model(areas: int):
    """A model like the small one with `areas` one-question process areas at level 2."""
    slug = f"wide-model-{areas}"
    existing = MaturityModel.objects.filter(slug=slug, version="1.0").first()
    if existing:
        return existing
    document = model_document(slug=slug)
    document["levels"][1]["process_areas"] = [
        {
            "key": f"area-{n}",
            "name": f"Area {n}",
            "recommendation": f"Do what area {n} asks.",
            "questions": [{"key": f"q-{n}", "text": f"Question {n}."}],
        }
        for n in range(1, areas + 1)
    ]
    return import_document(document)


class AnswerExportFactory(factory.django.DjangoModelFactory):
    """A prepared answer export of the campaign's answers as they are, its file stored."""

    class Meta:
        model = "reports.AnswerExport"

    campaign = factory.SubFactory(CampaignFactory)
    kind = "csv"
    answers_version = factory.SelfAttribute("campaign.answers_version")
    anonymity_minimum = factory.SelfAttribute("campaign.anonymity_minimum")
    status = "ready"
    file = factory.django.FileField(filename="answers.csv", data=b"respondent\n")
