import pytest

from tests.factories import CampaignFactory, MembershipFactory, UserFactory, small_model


@pytest.fixture
def maturity_model(db):
    """The small three-level model of tests/factories.py, imported."""
    return small_model()


@pytest.fixture
def campaign(maturity_model):
    return CampaignFactory(maturity_model=maturity_model, target_level=3)


@pytest.fixture
def executive(campaign):
    return MembershipFactory(organization=campaign.organization, role="executive").user


@pytest.fixture
def consultant(campaign):
    user = UserFactory(is_staff=True)
    MembershipFactory(user=user, organization=campaign.organization, role="consultant")
    return user


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


@pytest.fixture
def outsider(db):
    """An executive of another organization."""
    return MembershipFactory(role="executive").user


@pytest.fixture(autouse=True, scope="session")
def answer_export_storage(tmp_path_factory):
    """Prepared answer exports go to a directory of the test run, not the repository's."""
    from django.core.files.storage import FileSystemStorage

    from reports.models import AnswerExport

    storage = FileSystemStorage(location=tmp_path_factory.mktemp("answer-exports"))
    AnswerExport._meta.get_field("file").storage = storage
    return storage


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: rolled-back ids may be used again."""
    from django.core.cache import cache

    from models_catalog.outline import LOCAL_OUTLINES

    cache.clear()
    LOCAL_OUTLINES.clear()
