"""Bad requests get a clear answer, never a 500: every address of the site, as its URL
patterns list them, with malformed path parameters and every HTTP method; every admin list
with crafted addresses; admin actions with a crafted selection.

The addresses come from the URL configuration, so a new page is covered when it is added.
Who may see what is tests/test_permission_matrix.py's subject; here it is only that
nothing breaks.
"""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import URLResolver, get_resolver
from django.urls.resolvers import RoutePattern

from assessments.models import Action
from tests.factories import InvitationFactory, UserFactory, respond

BEYOND_64_BITS = "99999999999999999999999"
# What each path converter lets through to the view, at its worst.
MALFORMED = {
    "int": ("0", BEYOND_64_BITS),
    "slug": ("-", "a" * 3000),
    "str": ("%00", "%C3%A9t%C3%A9", "x" * 3000, BEYOND_64_BITS),
    "path": ("%00", "%C3%A9t%C3%A9", "x" * 3000, BEYOND_64_BITS, "1/2"),
}
METHODS = ("get", "head", "post", "put", "patch", "delete", "options")


def routes(patterns=None, prefix: str = ""):
    """Every route of the site as written ("reports/campaigns/<int:campaign_id>/"). The
    admin's two regular-expression routes (an app's index, the catch-all) take no id."""
    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from routes(pattern.url_patterns, route)
        elif isinstance(pattern.pattern, RoutePattern):
            yield route


def parameters(route: str) -> list[tuple[str, str]]:
    """(converter, name) of each parameter of a route."""
    pattern = RoutePattern(route)
    return [
        (type(converter).__name__.removesuffix("Converter").lower(), name)
        for name, converter in pattern.converters.items()
    ]


def addresses(route: str, valid: dict[str, str]):
    """The route with one parameter malformed at a time, the others valid, so that each
    parameter is read by the view and not refused before. A route without parameters
    is itself."""
    if not parameters(route):
        yield "/" + route
    for converter, name in parameters(route):
        for bad in MALFORMED.get(converter, MALFORMED["str"]):
            yield "/" + fill_in(route, {**valid, name: bad})


def fill_in(route: str, values: dict[str, str]) -> str:
    for converter, name in parameters(route):
        text = values.get(name, "1")
        route = route.replace(f"<{converter}:{name}>", text).replace(f"<{name}>", text)
    return route


@pytest.fixture
def site(campaign):
    """A campaign with an answer, an invitation and an action; a superuser, who reaches
    every view, and the valid value of each path parameter."""
    respond(campaign, {"cr-1": 3})
    invitation = InvitationFactory(campaign=campaign)
    action = Action.objects.create(campaign=campaign, title="Write down customer needs")
    valid = {
        "campaign_id": str(campaign.pk),
        "action_id": str(action.pk),
        "pk": str(campaign.pk),
        "object_id": str(campaign.pk),
        "token": invitation.token,
        "area_key": "monitoring",
    }
    return UserFactory(is_staff=True, is_superuser=True), valid


@pytest.mark.parametrize("route", sorted(set(routes())))
def test_no_address_answers_a_malformed_path_or_any_method_with_a_500(site, route):
    superuser, valid = site
    signed_in, anonymous = (
        Client(raise_request_exception=False),
        Client(raise_request_exception=False),
    )
    signed_in.force_login(superuser)

    failures = [
        (method, address[:80], status)
        for address in addresses(route, valid)
        for client in (signed_in, anonymous)
        for method in METHODS
        if (status := getattr(client, method)(address).status_code) >= 500
    ]

    assert failures == []


# Admin lists: a crafted address is the whole list with ?e=1 (or a 400), never a 500.
CRAFTED_FILTERS = (
    "created_at__year=99999",
    "created_at__year=9999",
    "created_at__year=9999&created_at__month=12",
    "created_at__iso_year=99999",
    "name__regex=(",
    "id__range=1",
    "id__in=1,x",
    "status__exact=%00",
    "role__exact=%00",
    "q=%00",
    "o=%00",
    "p=" + BEYOND_64_BITS,
    "unknown=1",
    "weight__gt=nan",
    "pk=" + BEYOND_64_BITS,
)


def admin_lists() -> list[str]:
    return sorted(
        f"/admin/{model._meta.app_label}/{model._meta.model_name}/"
        for model in admin.site._registry
    )


@pytest.fixture
def superuser_client(campaign):
    respond(campaign, {"cr-1": 3})
    InvitationFactory(campaign=campaign)
    client = Client(raise_request_exception=False)
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


@pytest.mark.parametrize("changelist", admin_lists())
def test_an_admin_list_answers_a_crafted_address_with_the_whole_list(superuser_client, changelist):
    outcomes = {
        crafted: superuser_client.get(f"{changelist}?{crafted}") for crafted in CRAFTED_FILTERS
    }

    failures = {
        crafted: response.status_code
        for crafted, response in outcomes.items()
        if response.status_code >= 500
        or (response.status_code == 302 and response.url != f"{changelist}?e=1")
    }
    assert failures == {}


def first_action(client, changelist: str) -> str | None:
    """The first action the list offers, as its action menu shows it."""
    form = client.get(changelist).context.get("action_form")
    choices = [name for name, _ in form.fields["action"].choices if name] if form else []
    return choices[0] if choices else None


CRAFTED_SELECTIONS = (BEYOND_64_BITS, "%00", "\x00", "x", "1.5")
NO_SUCH_ROWS = (
    "The selection names rows this list does not have; no items have been changed. "
    "Choose the rows again."
)


@pytest.mark.parametrize("changelist", admin_lists())
def test_an_action_on_a_crafted_selection_changes_nothing_and_says_so(superuser_client, changelist):
    offered = first_action(superuser_client, changelist)
    # A list without actions takes the post as no action at all; it too must not fail.
    action = offered or "delete_selected"
    model = superuser_client.get(changelist).context["cl"].model
    before = model._default_manager.count()

    for selected in CRAFTED_SELECTIONS:
        response = superuser_client.post(
            changelist,
            {"action": action, "_selected_action": [selected], "post": "yes"},
            follow=True,
        )

        assert response.status_code == 200, selected
        if offered:
            assert response.redirect_chain == [(changelist, 302)]
            messages = [str(message) for message in response.context["messages"]]
            assert messages == [NO_SUCH_ROWS], selected
        assert model._default_manager.count() == before
