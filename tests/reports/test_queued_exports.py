"""Answer exports too large for a request are prepared on the queue (reports/export_jobs.py,
export_files.py, export_views.py): the address says the file is being prepared, then
serves it; a change of answers means a new file; failures are said once, then retried."""

import io
from datetime import timedelta

import pytest
from django.core.files.storage import FileSystemStorage
from django.db import IntegrityError, transaction
from django.db.models.query import QuerySet
from django.urls import reverse
from django.utils import timezone
from kombu.exceptions import OperationalError
from openpyxl import load_workbook

from assessments.models import Campaign
from reports import export_files, export_jobs, exports, tasks
from reports.models import AnswerExport
from tests.factories import AnswerExportFactory, respond

PENDING = AnswerExport.Status.PENDING
READY = AnswerExport.Status.READY
FAILED = AnswerExport.Status.FAILED
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(autouse=True)
def queued(settings):
    """More than two answers go through the queue (varied_campaign has fourteen)."""
    settings.EXPORT_INLINE_MAX_ANSWERS = 2


@pytest.fixture(autouse=True)
def export_storage(tmp_path, monkeypatch):
    """Each test's prepared files in a directory of their own, to count them."""
    storage = FileSystemStorage(location=tmp_path)
    monkeypatch.setattr(AnswerExport._meta.get_field("file"), "storage", storage)
    return storage


def stored_names(storage) -> list[str]:
    return storage.listdir("answers")[1] if storage.exists("answers") else []


@pytest.fixture
def consulting(client, consultant):
    client.force_login(consultant)
    return client


@pytest.fixture
def sent(monkeypatch):
    """The ids handed to the queue; no worker takes them."""
    ids = []
    monkeypatch.setattr(tasks.prepare_answer_export, "delay", ids.append)
    return ids


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A request whose transaction commits: its queued export is prepared in process, as
    without a broker, once the response is out."""

    def get(client, url):
        with django_capture_on_commit_callbacks(execute=True):
            return client.get(url)

    return get


def url_of(campaign, kind="csv") -> str:
    return reverse(f"reports:answers_{kind}", args=[campaign.pk])


def body_of(response) -> bytes:
    """A streamed body; read to the end, the test client closes the response itself."""
    return b"".join(response.streaming_content)


def stored(export: AnswerExport) -> bool:
    return bool(export.file) and export.file.storage.exists(export.file.name)


def ready_export(client, committed, campaign, kind="csv") -> AnswerExport:
    committed(client, url_of(campaign, kind))
    export = AnswerExport.objects.get(campaign=campaign, kind=kind, status=READY)
    assert stored(export)
    return export


# Small campaigns: as before


def test_a_campaign_with_as_many_answers_as_the_limit_is_exported_in_the_request(
    consulting, varied_campaign, settings
):
    settings.EXPORT_INLINE_MAX_ANSWERS = 14

    response = consulting.get(url_of(varied_campaign))

    assert response.status_code == 200
    assert response.content.decode() == exports.answers_csv(varied_campaign)
    assert not AnswerExport.objects.exists()


# Larger ones: prepared on the queue


def test_a_larger_campaign_gets_a_page_saying_the_file_is_being_prepared(
    consulting, consultant, varied_campaign, sent
):
    url = url_of(varied_campaign)

    response = consulting.get(url)

    assert response.status_code == 202
    assert "Content-Disposition" not in response
    page = response.content.decode()
    assert "The answers are being prepared" in page
    assert '<meta http-equiv="refresh" content="5">' in page
    assert f'<a href="{url}">Look again now</a>' in page
    assert "no-store" in response["Cache-Control"]
    export = AnswerExport.objects.get()
    assert (export.campaign, export.kind, export.status, export.requested_by) == (
        varied_campaign,
        "csv",
        PENDING,
        consultant,
    )
    assert export.answers_version == varied_campaign.answers_version
    assert export.anonymity_minimum == varied_campaign.anonymity_minimum


def test_the_waiting_page_needs_no_script_the_content_security_policy_refuses(
    consulting, varied_campaign, sent
):
    response = consulting.get(url_of(varied_campaign))

    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    page = response.content.decode()
    # Every script is a file of ours; none is written into the page.
    assert page.count("<script") == page.count('<script src="/static/')


def test_the_export_is_handed_to_the_queue_once_the_request_commits(
    consulting, varied_campaign, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        consulting.get(url_of(varied_campaign))
        assert sent == []

    assert len(callbacks) == 1
    callbacks[0]()
    assert sent == [AnswerExport.objects.get().pk]


def test_asking_again_while_it_is_being_prepared_queues_nothing_more(
    consulting, varied_campaign, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        first = consulting.get(url_of(varied_campaign))
        second = consulting.get(url_of(varied_campaign))

    assert (first.status_code, second.status_code) == (202, 202)
    assert AnswerExport.objects.count() == 1
    assert len(callbacks) == 1


def test_a_request_that_loses_the_race_to_create_the_export_queues_nothing(
    varied_campaign, consultant, sent, monkeypatch, django_capture_on_commit_callbacks
):
    """Another request inserts the pending export after this one looked for it and before
    its own insert: the database refuses the second, and this request returns the first."""
    between_look_up_and_insert = QuerySet._extract_model_params  # get_or_create's step

    def the_other_request_inserts(queryset, defaults, **kwargs):
        monkeypatch.setattr(QuerySet, "_extract_model_params", between_look_up_and_insert)
        AnswerExport.objects.bulk_create([AnswerExport(**kwargs)])
        return between_look_up_and_insert(queryset, defaults, **kwargs)

    monkeypatch.setattr(QuerySet, "_extract_model_params", the_other_request_inserts)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        export = export_jobs.answer_export_for(
            campaign=varied_campaign, kind="csv", requested_by=consultant
        )

    assert AnswerExport.objects.get() == export
    assert (export.status, export.requested_by) == (PENDING, None)
    assert callbacks == []
    assert sent == []


def test_the_database_holds_one_pending_export_per_campaign_kind_and_version(varied_campaign):
    fields = {
        "campaign": varied_campaign,
        "kind": "csv",
        "answers_version": varied_campaign.answers_version,
        "anonymity_minimum": 3,
    }
    AnswerExport.objects.create(**fields)
    AnswerExport.objects.create(**fields, status=FAILED)
    AnswerExport.objects.create(**{**fields, "kind": "xlsx"})

    with pytest.raises(IntegrityError), transaction.atomic():
        AnswerExport.objects.create(**fields)


@pytest.mark.parametrize(
    ("kind", "content_type"), [("csv", "text/csv; charset=utf-8"), ("xlsx", XLSX_TYPE)]
)
def test_once_prepared_the_same_address_serves_the_file_the_request_would_have_built(
    consulting, committed, varied_campaign, settings, kind, content_type
):
    first = committed(consulting, url_of(varied_campaign, kind))
    served = consulting.get(url_of(varied_campaign, kind))
    settings.EXPORT_INLINE_MAX_ANSWERS = 50_000
    built = consulting.get(url_of(varied_campaign, kind))

    assert first.status_code == 202
    assert served.status_code == 200
    assert served.streaming
    assert served["Content-Type"] == built["Content-Type"] == content_type
    assert served["Content-Disposition"] == built["Content-Disposition"]
    assert served["Content-Disposition"].endswith(f'-answers.{kind}"')
    assert served["Cache-Control"] == built["Cache-Control"] == "private, no-store"
    content = body_of(served)
    if kind == "csv":
        assert content == built.content
    else:
        rows = load_workbook(io.BytesIO(content))["Answers"].iter_rows(values_only=True)
        expected = load_workbook(io.BytesIO(built.content))["Answers"].iter_rows(values_only=True)
        assert list(rows) == list(expected)


@pytest.mark.django_db(transaction=True)
def test_without_a_broker_the_request_that_queues_the_export_serves_it(consulting, varied_campaign):
    response = consulting.get(url_of(varied_campaign))

    assert response.status_code == 200
    assert body_of(response).decode() == exports.answers_csv(varied_campaign)


# A change of answers is a new file


def test_a_file_of_earlier_answers_is_never_served(consulting, committed, varied_campaign):
    old = ready_export(consulting, committed, varied_campaign)
    respond(varied_campaign, {"cr-1": 2})

    response = consulting.get(url_of(varied_campaign))

    assert response.status_code == 202
    new = AnswerExport.objects.get(status=PENDING)
    assert new.answers_version == old.answers_version + 1


def test_a_new_anonymity_minimum_is_a_new_file(consulting, committed, varied_campaign):
    ready_export(consulting, committed, varied_campaign)
    Campaign.objects.filter(pk=varied_campaign.pk).update(anonymity_minimum=4)

    response = consulting.get(url_of(varied_campaign))

    assert response.status_code == 202
    assert AnswerExport.objects.get(status=PENDING).anonymity_minimum == 4


def test_a_newer_file_ready_replaces_the_older_ones_of_its_kind(
    consulting, committed, varied_campaign
):
    old = ready_export(consulting, committed, varied_campaign)
    other_kind = ready_export(consulting, committed, varied_campaign, "xlsx")
    respond(varied_campaign, {"cr-1": 2})

    new = ready_export(consulting, committed, varied_campaign)

    assert set(AnswerExport.objects.all()) == {new, other_kind}
    assert not old.file.storage.exists(old.file.name)
    assert stored(new)
    assert stored(other_kind)


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_a_worker_writes_the_file_without_holding_every_answer_in_memory(
    varied_campaign, monkeypatch, kind
):
    def in_memory(campaign):
        raise AssertionError("every answer read at once")

    for builder in ("answer_rows", "answers_csv", "answers_xlsx"):
        monkeypatch.setattr(exports, builder, in_memory)
    export = export_jobs.queue_new(campaign=varied_campaign, kind=kind, requested_by=None)

    assert export_files.prepare(export.pk) == READY


def test_answers_changed_while_the_file_was_written_leave_no_file(
    varied_campaign, consultant, monkeypatch, export_storage
):
    export = export_jobs.queue_new(campaign=varied_campaign, kind="csv", requested_by=consultant)
    written = exports.write_answers_csv

    def answers_change_meanwhile(rows, out):
        written(rows, out)
        respond(varied_campaign, {"cr-1": 1})

    monkeypatch.setattr(exports, "write_answers_csv", answers_change_meanwhile)

    assert export_files.prepare(export.pk) == FAILED

    export.refresh_from_db()
    assert export.error == export_files.SUPERSEDED
    assert not export.file
    assert stored_names(export_storage) == []


def test_an_export_of_answers_since_changed_is_not_prepared(varied_campaign, consultant):
    export = export_jobs.queue_new(campaign=varied_campaign, kind="csv", requested_by=consultant)
    respond(varied_campaign, {"cr-1": 1})

    assert export_files.prepare(export.pk) == FAILED
    export.refresh_from_db()
    assert (export.error, export.file.name) == (export_files.SUPERSEDED, "")


def test_a_second_run_of_a_prepared_export_changes_nothing(
    consulting, committed, varied_campaign, export_storage
):
    export = ready_export(consulting, committed, varied_campaign)

    assert export_files.prepare(export.pk) == "gone"
    assert AnswerExport.objects.get() == export
    assert AnswerExport.objects.get().file.name == export.file.name
    assert stored_names(export_storage) == [export.file.name.removeprefix("answers/")]


def test_a_run_that_finishes_second_keeps_no_file(varied_campaign, consultant, export_storage):
    """A retried export finished by both runs: the first to finish wins."""
    export = export_jobs.queue_new(campaign=varied_campaign, kind="csv", requested_by=consultant)
    stored_first = export_files.write_file(AnswerExport.objects.get(pk=export.pk))
    export_files.finish(AnswerExport.objects.get(pk=export.pk), stored_first)
    stored_second = export_files.write_file(AnswerExport.objects.get(pk=export.pk))

    assert export_files.finish(AnswerExport.objects.get(pk=export.pk), stored_second) == "gone"
    assert AnswerExport.objects.get().file.name == stored_first
    assert stored_names(export_storage) == [stored_first.removeprefix("answers/")]


def delete_then_abandon(campaign):
    with transaction.atomic():
        campaign.delete()
        raise RuntimeError("the deletion is abandoned")


def test_a_deletion_rolled_back_keeps_the_file(db, django_capture_on_commit_callbacks):
    export = AnswerExportFactory()

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        delete_then_abandon(export.campaign)

    assert AnswerExport.objects.get() == export
    assert stored(export)


# A worker that went silent


def export_queued_ago(campaign, settings, seconds: int):
    """A CSV export queued `seconds` ago, with 600 s as the time a worker is given."""
    settings.EXPORT_RETRY_AFTER = 600
    export = export_jobs.queue_new(campaign=campaign, kind="csv", requested_by=None)
    queued_at = timezone.now() - timedelta(seconds=seconds)
    AnswerExport.objects.filter(pk=export.pk).update(queued_at=queued_at)
    return export, queued_at


def test_an_export_pending_too_long_is_queued_again_once(
    consulting, varied_campaign, sent, settings, django_capture_on_commit_callbacks
):
    export, long_ago = export_queued_ago(varied_campaign, settings, seconds=601)

    with django_capture_on_commit_callbacks(execute=True):
        first = consulting.get(url_of(varied_campaign))
        second = consulting.get(url_of(varied_campaign))

    assert (first.status_code, second.status_code) == (202, 202)
    assert sent == [export.pk]
    assert AnswerExport.objects.get().queued_at > long_ago


def test_an_export_pending_for_less_than_the_limit_is_left_to_its_worker(
    consulting, varied_campaign, sent, settings, django_capture_on_commit_callbacks
):
    export_queued_ago(varied_campaign, settings, seconds=590)

    with django_capture_on_commit_callbacks(execute=True):
        consulting.get(url_of(varied_campaign))

    assert sent == []


# Failures: said once, with what went wrong, then tried again


def fail_writing(monkeypatch, error: Exception):
    def write(rows, out):
        raise error

    monkeypatch.setattr(exports, "write_answers_csv", write)


def test_a_failed_export_says_what_went_wrong_once_then_is_prepared_again(
    consulting, committed, varied_campaign, monkeypatch, caplog
):
    url = url_of(varied_campaign)
    fail_writing(monkeypatch, OSError(28, "No space left on device"))
    committed(consulting, url)

    failed = consulting.get(url)
    again = consulting.get(url)

    assert failed.status_code == 503
    page = failed.content.decode()
    assert "The answers could not be prepared" in page
    assert "The file could not be written or stored (No space left on device)." in page
    assert "Traceback" not in page
    assert f'<a href="{url}">Try again</a>' in page
    assert "no-store" in failed["Cache-Control"]
    assert again.status_code == 202
    assert list(AnswerExport.objects.order_by("pk").values_list("status", flat=True)) == [
        FAILED,
        PENDING,
    ]
    assert "Answer export" in caplog.text  # the traceback is for the log


@pytest.mark.parametrize(
    ("error", "reason"),
    [
        (
            exports.TooManyRowsError("more than 1 rows do not fit one spreadsheet sheet"),
            "More than 1 rows do not fit one spreadsheet sheet.",
        ),
        (
            IntegrityError("connection lost\nDETAIL: more"),
            "The answers could not be read from the database (connection lost).",
        ),
        (
            RuntimeError("the storage said no"),
            "The file could not be prepared (RuntimeError: the storage said no).",
        ),
    ],
)
def test_a_failure_is_named_in_one_line(varied_campaign, monkeypatch, error, reason):
    export = export_jobs.queue_new(campaign=varied_campaign, kind="csv", requested_by=None)
    fail_writing(monkeypatch, error)

    assert export_files.prepare(export.pk) == FAILED
    assert AnswerExport.objects.get().error == reason


def test_a_queue_that_does_not_answer_fails_the_export_with_the_reason(
    consulting, varied_campaign, monkeypatch, django_capture_on_commit_callbacks
):
    def broker_down(export_id):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(tasks.prepare_answer_export, "delay", broker_down)

    with django_capture_on_commit_callbacks(execute=True):
        consulting.get(url_of(varied_campaign))
    failed = consulting.get(url_of(varied_campaign))

    assert failed.status_code == 503
    assert "The task queue could not be reached (Error 111" in failed.content.decode()


def test_a_file_gone_from_storage_is_said_then_prepared_again(
    consulting, committed, varied_campaign
):
    export = ready_export(consulting, committed, varied_campaign)
    export.file.storage.delete(export.file.name)

    lost = consulting.get(url_of(varied_campaign))
    again = committed(consulting, url_of(varied_campaign))
    served = consulting.get(url_of(varied_campaign))

    assert lost.status_code == 503
    assert "The prepared file is no longer in storage." in lost.content.decode()
    assert again.status_code == 202
    assert served.status_code == 200
    assert body_of(served).decode() == exports.answers_csv(varied_campaign)


# HEAD (mail scanners, link checkers, prefetching): answered as GET, changing nothing


def test_head_of_a_large_export_queues_nothing(
    consulting, varied_campaign, sent, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = consulting.head(url_of(varied_campaign))

    assert response.status_code == 202
    assert response.content == b""
    assert "no-store" in response["Cache-Control"]
    assert not AnswerExport.objects.exists()
    assert sent == []


def test_head_of_a_prepared_export_gives_the_download_without_its_body(
    consulting, committed, varied_campaign
):
    ready_export(consulting, committed, varied_campaign)

    response = consulting.head(url_of(varied_campaign))

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert int(response["Content-Length"]) == len(exports.answers_csv(varied_campaign).encode())
    assert body_of(response) == b""


def test_head_does_not_use_up_the_one_showing_of_a_failure(
    consulting, committed, varied_campaign, monkeypatch
):
    url = url_of(varied_campaign)
    fail_writing(monkeypatch, OSError(28, "No space left on device"))
    committed(consulting, url)

    looked = [consulting.head(url).status_code for _ in range(2)]
    failed = consulting.get(url)

    assert looked == [503, 503]
    assert failed.status_code == 503
    assert "No space left on device" in failed.content.decode()
    assert consulting.head(url).status_code == 202  # as a GET now would: prepared again
    assert AnswerExport.objects.get().status == FAILED


def test_head_of_a_file_gone_from_storage_says_so_and_records_nothing(
    consulting, committed, varied_campaign
):
    export = ready_export(consulting, committed, varied_campaign)
    export.file.storage.delete(export.file.name)

    looked = consulting.head(url_of(varied_campaign))
    lost = consulting.get(url_of(varied_campaign))

    assert looked.status_code == 503
    assert lost.status_code == 503
    assert "The prepared file is no longer in storage." in lost.content.decode()


def test_head_of_an_export_pending_too_long_leaves_it_to_the_next_get(
    consulting, varied_campaign, sent, settings, django_capture_on_commit_callbacks
):
    _, long_ago = export_queued_ago(varied_campaign, settings, seconds=601)

    with django_capture_on_commit_callbacks(execute=True):
        looked = consulting.head(url_of(varied_campaign))

    assert looked.status_code == 202
    assert sent == []
    assert AnswerExport.objects.get().queued_at == long_ago


# Too many rows for one sheet: refused before anything is queued


def test_answers_beyond_one_sheet_are_refused_before_anything_is_queued(
    consulting, varied_campaign, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(exports, "SHEET_ROWS", 14)

    with django_capture_on_commit_callbacks() as callbacks:
        refused = consulting.get(url_of(varied_campaign, "xlsx"))
        as_csv = consulting.get(url_of(varied_campaign, "csv"))

    assert refused.status_code == 413
    assert "14 rows do not fit one spreadsheet sheet (at most 13)" in refused.content.decode()
    assert as_csv.status_code == 202
    assert list(AnswerExport.objects.values_list("kind", flat=True)) == ["csv"]
    assert len(callbacks) == 1


# What the pages cost


def grow(campaign, people: int):
    for index in range(people):
        respond(campaign, {"cr-1": index % 5, "cr-2": 1, "mo-1": 2, "sp-1": 3})


@pytest.mark.parametrize("people", [0, 30])
def test_each_answer_export_page_costs_the_same_whatever_the_number_of_answers(
    consulting, committed, varied_campaign, monkeypatch, django_assert_max_num_queries, people
):
    grow(varied_campaign, people)
    url = url_of(varied_campaign)

    # Session, user, campaign, organization, the count, the look-up; to queue one, get or
    # create it (four with the savepoint) and read it again.
    with django_assert_max_num_queries(11):
        assert consulting.get(url).status_code == 202
    with django_assert_max_num_queries(6):
        assert consulting.get(url).status_code == 202
    AnswerExport.objects.all().delete()
    committed(consulting, url)
    with django_assert_max_num_queries(6):
        response = consulting.get(url)
    assert response.status_code == 200
    body_of(response)
    respond(varied_campaign, {"cr-1": 0})
    fail_writing(monkeypatch, OSError(5, "Input/output error"))
    committed(consulting, url)
    # The failure, marked shown.
    with django_assert_max_num_queries(7):
        assert consulting.get(url).status_code == 503


# Who may download


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_executives_may_not_ask_for_a_large_export(client, executive, varied_campaign, kind):
    client.force_login(executive)

    assert client.get(url_of(varied_campaign, kind)).status_code == 403
    assert not AnswerExport.objects.exists()


@pytest.mark.parametrize("kind", ["csv", "xlsx"])
def test_others_do_not_learn_that_a_large_export_exists(
    client, committed, consultant, outsider, outside_consultant, varied_campaign, kind
):
    client.force_login(consultant)
    ready_export(client, committed, varied_campaign, kind)
    url = url_of(varied_campaign, kind)

    for visitor in (outsider, outside_consultant):
        client.force_login(visitor)
        assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url)["Location"] == f"/accounts/login/?next={url}"


def test_superusers_download_a_large_export(client, committed, superuser, varied_campaign):
    client.force_login(superuser)
    ready_export(client, committed, varied_campaign)

    response = client.get(url_of(varied_campaign))

    assert response.status_code == 200
    assert body_of(response).decode() == exports.answers_csv(varied_campaign)


def test_prepared_files_are_kept_away_from_media_urls(
    client, committed, consultant, varied_campaign, settings
):
    client.force_login(consultant)
    export = ready_export(client, committed, varied_campaign)

    configured = settings.STORAGES["answer_exports"]["OPTIONS"]["location"]
    assert not configured.is_relative_to(settings.MEDIA_ROOT)
    for path in (f"/{settings.MEDIA_URL}{export.file.name}", f"/{export.file.name}"):
        assert client.get(path).status_code == 404
