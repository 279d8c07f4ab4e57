"""The area page's journey read gives the objects a queryset would: every field's value
converted as the ORM converts it, the relations in place, in one query."""

from copy import copy
from datetime import timedelta

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.apps import install_database_objects, remove_database_objects
from assessments.journey_function import has_every_column
from assessments.journey_read import FUNCTION, read_journey
from assessments.models import Campaign, Invitation, Response
from tests.factories import InvitationFactory, UnitFactory

pytestmark = pytest.mark.django_db


def field_values(instance) -> dict:
    return {f.attname: getattr(instance, f.attname) for f in instance._meta.concrete_fields}


def by_queryset(token):
    invitation = Invitation.objects.select_related("campaign__maturity_model").get(token=token)
    return invitation, Response.objects.filter(invitation=invitation).first()


@pytest.fixture
def dated_campaign(campaign):
    """Every kind of column set: dates, a boolean, a float."""
    campaign.opens_at = timezone.now() - timedelta(days=2, microseconds=123)
    campaign.closes_at = timezone.now() + timedelta(days=5)
    campaign.anonymous = False
    campaign.disagreement_threshold = 1.25
    campaign.save()
    return campaign


def test_an_unknown_token_reads_nothing(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        assert read_journey("no-such-token") is None


def test_without_a_response_the_objects_equal_a_querysets(
    dated_campaign, django_assert_num_queries
):
    invitation = InvitationFactory(campaign=dated_campaign, role="manager")
    with django_assert_num_queries(1):
        read, response = read_journey(invitation.token)
        assert response is None
        assert getattr(read, "response", None) is None  # known absent, no query
        campaign = read.campaign
        maturity_model = campaign.maturity_model
    expected, _ = by_queryset(invitation.token)
    assert field_values(read) == field_values(expected)
    assert field_values(campaign) == field_values(expected.campaign)
    assert field_values(maturity_model) == field_values(expected.campaign.maturity_model)
    assert campaign.anonymous is False
    assert campaign.opens_at == dated_campaign.opens_at


def test_with_a_submitted_response_the_objects_equal_a_querysets(
    dated_campaign, django_assert_num_queries
):
    unit = UnitFactory(organization=dated_campaign.organization)
    invitation = InvitationFactory(campaign=dated_campaign, unit=unit)
    Response.objects.create(
        campaign=dated_campaign,
        invitation=invitation,
        respondent="web-1",
        unit=unit,
        role="employee",
        submitted_at=timezone.now(),
    )
    with django_assert_num_queries(1):
        read, response = read_journey(invitation.token)
        assert read.response is response
        assert response.invitation is read
        assert response.campaign is read.campaign
    _, expected = by_queryset(invitation.token)
    assert field_values(response) == field_values(expected)
    assert response.submitted_at == expected.submitted_at is not None


def test_the_objects_read_can_be_saved_like_any_other(campaign):
    invitation = InvitationFactory(campaign=campaign)
    Response.objects.create(campaign=campaign, invitation=invitation, respondent="web-2")
    _, response = read_journey(invitation.token)
    response.role = "executive"
    response.save(update_fields=["role"])
    assert Response.objects.get(invitation=invitation).role == "executive"
    assert not response._state.adding


def statement_sent(token: str) -> str:
    with CaptureQueriesContext(connection) as queries:
        read_journey(token)
    (query,) = queries.captured_queries
    return query["sql"]


def test_postgresql_reads_through_its_function_and_sqlite_by_the_join(campaign):
    """PostgreSQL keeps the function's plan per connection instead of planning the join
    for every page."""
    sent = statement_sent(InvitationFactory(campaign=campaign).token)
    if connection.vendor == "postgresql":
        assert sent.startswith(f"SELECT * FROM {FUNCTION}(")
    else:
        assert " JOIN " in sent
        assert FUNCTION not in sent


@pytest.mark.django_db(transaction=True)
def test_a_migration_can_alter_a_column_the_journey_reads(campaign):
    """What `migrate` does around its migrations: PostgreSQL refuses to change the type of
    a column a view reads, and SQLite to rebuild a table a trigger names."""
    invitation = InvitationFactory(campaign=campaign)
    old = Campaign._meta.get_field("name")
    wider = copy(old)
    wider.max_length = old.max_length + 50
    remove_database_objects(sender=None, using=connection.alias)
    with connection.schema_editor() as editor:
        editor.alter_field(Campaign, old, wider)
        editor.alter_field(Campaign, wider, old)
    install_database_objects(sender=None, using=connection.alias)
    read, _ = read_journey(invitation.token)
    assert read.campaign.name == campaign.name
    assert function_exists() is (connection.vendor == "postgresql")


def test_the_function_waits_for_tables_with_every_column_the_models_have(campaign):
    """A migration back to an earlier state leaves a table without a column the models
    name: `migrate` must still end, without the function (nothing can read it then)."""
    invitation = InvitationFactory(campaign=campaign)
    remove_database_objects(sender=None, using=connection.alias)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE assessments_response DROP COLUMN started_at")
    install_database_objects(sender=None, using=connection.alias)
    assert not has_every_column(connection)
    assert not function_exists()
    with pytest.raises(DatabaseError), transaction.atomic():
        read_journey(invitation.token)


def function_exists() -> bool:
    if connection.vendor != "postgresql":
        return False
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_proc WHERE proname = %s", [FUNCTION])
        return cursor.fetchone() is not None


def test_a_migrate_with_nothing_to_apply_leaves_the_function_in_place(campaign):
    remove_database_objects(sender=None, using=connection.alias, plan=[])
    assert function_exists() is (connection.vendor == "postgresql")


@pytest.mark.django_db(transaction=True)
def test_while_migrate_has_the_function_away_pages_read_by_the_join(campaign):
    """App servers keep serving while `migrate` runs."""
    invitation = InvitationFactory(campaign=campaign)
    remove_database_objects(sender=None, using=connection.alias)
    try:
        read, response = read_journey(invitation.token)
        assert read.campaign == campaign
        assert response is None
    finally:
        install_database_objects(sender=None, using=connection.alias)


def test_inside_a_transaction_a_missing_function_is_an_error(campaign):
    """A failed statement spoils PostgreSQL's transaction: nothing may carry on in it."""
    invitation = InvitationFactory(campaign=campaign)
    remove_database_objects(sender=None, using=connection.alias)
    if connection.vendor == "postgresql":
        with pytest.raises(DatabaseError), transaction.atomic():
            read_journey(invitation.token)
    else:
        assert read_journey(invitation.token)[0].campaign == campaign
