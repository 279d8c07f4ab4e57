"""The catalog in the admin: who may work on it, frozen versions, uploads and downloads."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from models_catalog.export import export_document
from models_catalog.models import Level, MaturityModel, ProcessArea, Question
from models_catalog.services import create_new_version, publish
from tests.factories import (
    SMALL_MODEL,
    CampaignFactory,
    MembershipFactory,
    UserFactory,
    admin_form_data,
    consultant_of,
    import_document,
    model_document,
)

CHANGELIST = reverse("admin:models_catalog_maturitymodel_changelist")
UPLOAD = reverse("admin:models_catalog_maturitymodel_upload")


def change_url(obj) -> str:
    return reverse(f"admin:models_catalog_{obj._meta.model_name}_change", args=[obj.pk])


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


@pytest.fixture
def draft(maturity_model):
    """An editable copy of the small model, which the `campaign` fixture's campaign uses."""
    return create_new_version(maturity_model=maturity_model)


@pytest.fixture
def other_consultant(db):
    """A consultant of another organization: the catalog is shared with them too."""
    return consultant_of(CampaignFactory().organization)


def model_file(document: dict, name="model.json") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, json.dumps(document).encode(), "application/json")


# Who may see the catalog


@pytest.mark.parametrize("url_name", ["maturitymodel", "level", "processarea", "question"])
def test_anonymous_visitors_are_sent_to_the_admin_login(client, maturity_model, url_name):
    response = client.get(reverse(f"admin:models_catalog_{url_name}_changelist"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("admin:login"))


def test_executives_are_not_consultants_and_get_a_403(client, executive):
    client.force_login(executive)

    response = client.get(CHANGELIST)

    assert response.status_code == 403
    assert "You have no access to the administration" in response.content.decode()


def test_staff_without_a_consultant_membership_see_nothing_of_the_catalog(client, maturity_model):
    staff = MembershipFactory(role="executive").user
    staff.is_staff = True  # by hand: no consultant membership behind it
    staff.save()
    client.force_login(staff)

    index = client.get(reverse("admin:index"))
    changelist = client.get(CHANGELIST)
    change_page = client.get(change_url(maturity_model))

    assert index.status_code == 403
    assert "models_catalog" not in index.content.decode()
    assert changelist.status_code == 403
    assert change_page.status_code == 403


@pytest.mark.parametrize("who", ["consultant", "other_consultant", "superuser"])
def test_every_consultant_and_superusers_see_every_catalog_page(client, draft, who, request):
    client.force_login(request.getfixturevalue(who))
    level = draft.levels.get(number=2)
    area = level.process_areas.first()
    pages = [
        reverse("admin:index"),
        CHANGELIST,
        change_url(draft),
        reverse("admin:models_catalog_level_changelist"),
        change_url(level),
        reverse("admin:models_catalog_processarea_changelist"),
        change_url(area),
        reverse("admin:models_catalog_question_changelist"),
        change_url(area.questions.first()),
        UPLOAD,
    ]

    for page in pages:
        assert client.get(page).status_code == 200, page


def test_the_model_list_shows_version_status_and_counts(client, consultant, draft):
    client.force_login(consultant)

    response = client.get(CHANGELIST)

    rows = {row.pk: row for row in response.context["cl"].result_list}
    assert rows[draft.pk].level_count == 3
    assert rows[draft.pk].question_count == 5
    assert rows[draft.pk].campaign_count == 0
    assert rows[draft.pk].status == "draft"
    assert "Upload a model file" in response.content.decode()


def test_the_model_list_needs_the_same_queries_for_3_or_30_versions(
    client, consultant, maturity_model, django_assert_max_num_queries
):
    client.force_login(consultant)
    for count in (3, 30):
        while MaturityModel.objects.count() < count:
            create_new_version(maturity_model=maturity_model)
        with django_assert_max_num_queries(10):
            response = client.get(CHANGELIST)
        assert len(response.context["cl"].result_list) == count


# Frozen versions


def test_a_version_in_use_is_shown_read_only_and_says_why(client, consultant, campaign):
    client.force_login(consultant)

    response = client.get(change_url(campaign.maturity_model))

    assert response.status_code == 200
    assert messages_of(response) == [
        "This version is used by 1 campaign and cannot change; use 'New version' to edit a copy."
    ]
    assert not response.context["has_change_permission"]
    assert "name" not in response.context["adminform"].form.fields
    assert 'name="_save"' not in response.content.decode()
    assert "New version" in response.content.decode()


def test_a_crafted_post_to_a_version_in_use_changes_nothing(client, consultant, campaign):
    client.force_login(consultant)
    maturity_model = campaign.maturity_model
    level = maturity_model.levels.get(number=2)
    area = level.process_areas.first()
    question = area.questions.first()
    posts = [
        (change_url(maturity_model), {"name": "Renamed", "threshold": "0.1"}),
        (change_url(level), {"name": "Renamed"}),
        (change_url(area), {"name": "Renamed", "threshold": "0.1"}),
        (change_url(question), {"text": "Renamed", "weight": "9"}),
    ]

    statuses = [client.post(url, data).status_code for url, data in posts]

    assert statuses == [403, 403, 403, 403]
    assert MaturityModel.objects.get(pk=maturity_model.pk).name == SMALL_MODEL["name"]
    assert Level.objects.get(pk=level.pk).name == "Foundational"
    assert ProcessArea.objects.get(pk=area.pk).threshold == 0.5
    assert Question.objects.get(pk=question.pk).weight == 1.0


def test_a_crafted_add_into_a_version_in_use_is_refused(client, consultant, campaign):
    client.force_login(consultant)
    maturity_model = campaign.maturity_model
    level = maturity_model.levels.get(number=3)
    area = level.process_areas.first()
    posts = [
        ("level", {"maturity_model": maturity_model.pk, "number": "4", "name": "Fourth"}),
        ("processarea", {"level": level.pk, "position": "1", "key": "new", "name": "New"}),
        ("question", {"process_area": area.pk, "position": "9", "key": "new", "text": "New?"}),
    ]

    for model_name, data in posts:
        response = client.post(reverse(f"admin:models_catalog_{model_name}_add"), data)
        assert response.status_code == 200
        assert response.context["adminform"].form.errors

    assert maturity_model.levels.count() == 3
    assert maturity_model.process_areas.count() == 3
    assert maturity_model.questions.count() == 5


def test_a_version_in_use_cannot_be_deleted(client, consultant, campaign):
    client.force_login(consultant)
    delete_url = reverse(
        "admin:models_catalog_maturitymodel_delete", args=[campaign.maturity_model.pk]
    )

    assert client.post(delete_url, {"post": "yes"}).status_code == 403
    assert MaturityModel.objects.filter(pk=campaign.maturity_model.pk).exists()


def test_the_new_version_action_makes_an_editable_draft_and_campaigns_keep_theirs(
    client, consultant, campaign
):
    client.force_login(consultant)
    used = campaign.maturity_model

    response = client.post(
        CHANGELIST,
        {"action": "create_new_version", "_selected_action": [used.pk]},
        follow=True,
    )

    copy = MaturityModel.objects.get(slug=used.slug, version="1.1")
    assert copy.status == "draft"
    assert any("as a draft copy of 1.0" in message for message in messages_of(response))
    page = client.get(change_url(copy))
    assert page.context["has_change_permission"]
    assert "name" in page.context["adminform"].form.fields
    data = admin_form_data(page)
    data["name"] = "Small test model, revised"
    assert client.post(change_url(copy), data).status_code == 302
    assert MaturityModel.objects.get(pk=copy.pk).name == "Small test model, revised"
    campaign.refresh_from_db()
    assert campaign.maturity_model_id == used.pk
    assert MaturityModel.objects.get(pk=used.pk).name == SMALL_MODEL["name"]


def test_the_new_version_button_asks_then_creates_the_copy(client, consultant, campaign):
    client.force_login(consultant)
    url = reverse(
        "admin:models_catalog_maturitymodel_new_version", args=[campaign.maturity_model.pk]
    )

    question = client.get(url)
    created = client.post(url)

    assert "Create version 1.1" in question.content.decode()
    copy = MaturityModel.objects.get(slug="small-model", version="1.1")
    assert created.status_code == 302
    assert created.url == change_url(copy)


def test_publishing_a_draft_with_an_area_without_questions_shows_why_and_keeps_it_draft(
    client, consultant, draft
):
    client.force_login(consultant)
    draft.questions.filter(process_area__key="monitoring").delete()

    response = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )

    assert response.status_code == 200
    (message,) = messages_of(response)
    assert message.startswith("small-model 1.1 was not published: ")
    assert "questions" in message
    assert MaturityModel.objects.get(pk=draft.pk).status == "draft"


def test_publishing_a_sound_draft_and_retiring_it(client, consultant, draft):
    client.force_login(consultant)

    published = client.post(
        CHANGELIST, {"action": "publish", "_selected_action": [draft.pk]}, follow=True
    )
    status_after_publish = MaturityModel.objects.get(pk=draft.pk).status
    retired = client.post(
        CHANGELIST, {"action": "retire", "_selected_action": [draft.pk]}, follow=True
    )

    assert status_after_publish == "published"
    assert messages_of(published) == ["small-model 1.1 is published."]
    assert MaturityModel.objects.get(pk=draft.pk).status == "retired"
    assert messages_of(retired) == ["Retired 1 version; campaigns that use them keep them."]


# Editing a published version no campaign uses yet: checked again like a publish


@pytest.fixture
def published(draft):
    return publish(maturity_model=draft)


def delete_url(obj) -> str:
    return reverse(f"admin:models_catalog_{obj._meta.model_name}_delete", args=[obj.pk])


def test_an_edit_that_breaks_a_rule_takes_a_published_version_back_to_draft(
    client, consultant, published
):
    client.force_login(consultant)
    last_question = published.questions.get(key="mo-1")

    response = client.post(delete_url(last_question), {"post": "yes"}, follow=True)

    assert response.status_code == 200
    assert MaturityModel.objects.get(pk=published.pk).status == "draft"
    warning = next(m for m in messages_of(response) if "back to draft" in m)
    assert warning.startswith("small-model 1.1 is back to draft, so no new campaign can choose it")
    assert "questions" in warning


def test_deleting_an_area_s_last_question_in_its_page_takes_the_version_back_to_draft(
    client, consultant, published
):
    client.force_login(consultant)
    area = published.process_areas.get(key="monitoring")
    data = admin_form_data(client.get(change_url(area)))
    (delete_box,) = [name for name in data if name.endswith("-id")]
    data[delete_box.replace("-id", "-DELETE")] = "on"

    response = client.post(change_url(area), data, follow=True)

    assert response.status_code == 200
    assert not Question.objects.filter(process_area=area).exists()
    assert MaturityModel.objects.get(pk=published.pk).status == "draft"
    assert [m for m in messages_of(response) if "back to draft" in m]


def test_an_edit_that_keeps_every_rule_leaves_the_version_published(client, consultant, published):
    client.force_login(consultant)
    question = published.questions.get(key="mo-1")
    data = admin_form_data(client.get(change_url(question)))
    data["text"] = "We track every complaint to its end."

    response = client.post(change_url(question), data, follow=True)

    assert response.status_code == 200
    assert Question.objects.get(pk=question.pk).text == "We track every complaint to its end."
    assert MaturityModel.objects.get(pk=published.pk).status == "published"
    assert not [m for m in messages_of(response) if "back to draft" in m]


def test_a_broken_draft_stays_a_draft_without_a_warning(client, consultant, draft):
    client.force_login(consultant)

    response = client.post(
        delete_url(draft.questions.get(key="mo-1")), {"post": "yes"}, follow=True
    )

    assert MaturityModel.objects.get(pk=draft.pk).status == "draft"
    assert not [m for m in messages_of(response) if "back to draft" in m]


# Editing a draft: bad input is a form error, never a 500


def test_a_model_threshold_above_1_is_a_form_error(client, consultant, draft):
    client.force_login(consultant)
    data = admin_form_data(client.get(change_url(draft)))
    data["threshold"] = "1.5"

    response = client.post(change_url(draft), data)

    assert response.status_code == 200
    assert "threshold" in response.context["adminform"].form.errors
    assert MaturityModel.objects.get(pk=draft.pk).threshold == 0.75


def test_a_duplicate_level_number_is_a_form_error(client, consultant, draft):
    client.force_login(consultant)
    data = admin_form_data(client.get(change_url(draft)))
    data.update(
        {
            "levels-TOTAL_FORMS": "4",
            "levels-3-number": "2",
            "levels-3-name": "Second again",
        }
    )

    response = client.post(change_url(draft), data)

    assert response.status_code == 200
    assert "Please correct" in response.content.decode()
    assert draft.levels.count() == 3


def test_a_question_weight_of_0_is_a_form_error(client, consultant, draft):
    client.force_login(consultant)
    area = draft.process_areas.get(key="monitoring")
    data = admin_form_data(client.get(change_url(area)))
    data["questions-0-weight"] = "0"

    response = client.post(change_url(area), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[0].errors["weight"] == ["Must be greater than 0."]
    assert area.questions.get().weight == 1.0


def test_an_area_key_used_elsewhere_in_the_version_is_a_form_error(client, consultant, draft):
    client.force_login(consultant)
    level = draft.levels.get(number=3)
    data = admin_form_data(client.get(change_url(level)))
    data.update(
        {
            "process_areas-TOTAL_FORMS": "2",
            "process_areas-1-position": "1",
            "process_areas-1-key": "monitoring",
            "process_areas-1-name": "Monitoring again",
        }
    )

    response = client.post(change_url(level), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[1].errors["key"] == [
        "The key “monitoring” is used already in this model version."
    ]
    assert level.process_areas.count() == 1


def test_the_same_key_twice_in_one_list_is_a_form_error(client, consultant, draft):
    client.force_login(consultant)
    area = draft.process_areas.get(key="standard-process")
    data = admin_form_data(client.get(change_url(area)))
    data.update(
        {
            "questions-TOTAL_FORMS": "4",
            "questions-2-key": "sp-new",
            "questions-2-text": "New question",
            "questions-2-weight": "1",
            "questions-3-key": "sp-new",
            "questions-3-text": "New question again",
            "questions-3-weight": "1",
        }
    )

    response = client.post(change_url(area), data)

    assert response.status_code == 200
    formset = response.context["inline_admin_formsets"][0].formset
    assert formset.forms[3].errors["key"] == ["The key “sp-new” appears twice in this list."]
    assert area.questions.count() == 2


def test_a_question_key_may_repeat_in_another_version(client, consultant, draft):
    client.force_login(consultant)
    area = draft.process_areas.get(key="monitoring")
    data = admin_form_data(client.get(change_url(area)))
    data["questions-0-text"] = "We track complaints every week."

    response = client.post(change_url(area), data)

    assert response.status_code == 302
    assert Question.objects.filter(key="mo-1").count() == 2
    assert area.questions.get().text == "We track complaints every week."


def test_new_areas_can_only_go_into_versions_not_in_use(client, consultant, campaign, draft):
    client.force_login(consultant)

    response = client.get(reverse("admin:models_catalog_processarea_add"))

    levels = response.context["adminform"].form.fields["level"].queryset
    assert {level.maturity_model_id for level in levels} == {draft.pk}


# Model files


def test_uploading_a_good_file_adds_the_version(client, consultant, maturity_model):
    client.force_login(consultant)
    document = model_document(slug="uploaded-model", version="2.0")

    response = client.post(UPLOAD, {"file": model_file(document)})

    uploaded = MaturityModel.objects.get(slug="uploaded-model", version="2.0")
    assert response.status_code == 302
    assert response.url == change_url(uploaded)
    assert export_document(uploaded) == document


def test_uploading_a_bad_file_names_the_field_and_writes_nothing(client, consultant, draft):
    client.force_login(consultant)
    document = model_document(slug="bad-model", threshold=1.5)
    before = MaturityModel.objects.count()

    response = client.post(UPLOAD, {"file": model_file(document)})

    assert response.status_code == 200
    (error,) = response.context["form"].errors["file"]
    assert "threshold" in error
    assert MaturityModel.objects.count() == before


def test_uploading_a_changed_file_over_a_version_in_use_is_refused(client, consultant, campaign):
    client.force_login(consultant)
    document = model_document(name="Changed name")

    response = client.post(UPLOAD, {"file": model_file(document)})

    (error,) = response.context["form"].errors["file"]
    assert error.startswith("version: small-model 1.0 is used by campaigns")
    assert campaign.maturity_model.name == SMALL_MODEL["name"]


def test_uploading_a_file_that_is_not_json_is_a_form_error(client, consultant):
    client.force_login(consultant)
    upload = SimpleUploadedFile("model.json", b"\xff\xfe not json", "application/json")

    response = client.post(UPLOAD, {"file": upload})

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["the file is not UTF-8 text"]


@override_settings(UPLOAD_MAX_BYTES=100)
def test_an_upload_above_the_size_limit_is_refused(client, consultant):
    client.force_login(consultant)

    document = model_document(slug="too-large")

    response = client.post(UPLOAD, {"file": model_file(document)})

    (error,) = response.context["form"].errors["file"]
    assert "files up to 100\xa0bytes are accepted" in error
    assert not MaturityModel.objects.filter(slug="too-large").exists()


def test_downloading_gives_back_the_uploaded_document(client, consultant, db):
    client.force_login(consultant)
    document = model_document(slug="round-trip", version="3.1")
    client.post(UPLOAD, {"file": model_file(document)})
    uploaded = MaturityModel.objects.get(slug="round-trip")

    response = client.get(
        reverse("admin:models_catalog_maturitymodel_download", args=[uploaded.pk])
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="round-trip-3.1.json"'
    assert json.loads(response.content) == document


def test_staff_without_a_consultant_membership_cannot_upload_or_download(client, maturity_model):
    client.force_login(UserFactory(is_staff=True))
    download = reverse("admin:models_catalog_maturitymodel_download", args=[maturity_model.pk])

    assert client.get(UPLOAD).status_code == 403
    assert client.post(UPLOAD, {"file": model_file(SMALL_MODEL)}).status_code == 403
    assert client.get(download).status_code == 403


def test_a_version_imported_by_file_is_listed_with_its_counts(client, superuser, db):
    client.force_login(superuser)
    import_document(model_document(slug="listed", version="1.0"))

    response = client.get(CHANGELIST, {"q": "listed"})

    (row,) = response.context["cl"].result_list
    assert (row.slug, row.level_count, row.question_count) == ("listed", 3, 5)
