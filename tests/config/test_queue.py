"""Slow work goes through a real queue when a broker is configured (issue 9)."""

import socket
import time

import pytest
from django.urls import reverse

from assessments.models import Invitation
from assessments.tasks import send_invitation_emails
from reports import exports
from reports.models import AnswerExport
from reports.tasks import render_report_file
from tests.factories import InvitationFactory, respond

REDIS = ("127.0.0.1", 6379)
BROKER = "redis://127.0.0.1:6379/15"


def redis_answers() -> bool:
    try:
        socket.create_connection(REDIS, timeout=1).close()
    except OSError:
        return False
    return True


@pytest.fixture(scope="session")
def celery_config():
    return {"broker_url": BROKER, "result_backend": BROKER, "task_always_eager": False}


@pytest.fixture
def worker_on_redis(request):
    """A real Celery worker (celery.contrib.pytest), in a thread, consuming from Redis."""
    if not redis_answers():
        pytest.skip("no Redis server on 127.0.0.1:6379 (.ci/run starts one)")
    return request.getfixturevalue("celery_worker")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_renders_the_pdf_report_through_redis(
    worker_on_redis, campaign, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    respond(campaign, {"cr-1": 3, "cr-2": 2, "mo-1": 4})
    stored = render_report_file.delay(campaign.pk).get(timeout=180)
    assert (tmp_path / stored).read_bytes().startswith(b"%PDF")


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_prepares_a_large_answer_export_through_redis(
    worker_on_redis, campaign, consultant, client, settings
):
    settings.EXPORT_INLINE_MAX_ANSWERS = 2
    respond(campaign, {"cr-1": 3, "cr-2": 2, "mo-1": 4})
    client.force_login(consultant)
    url = reverse("reports:answers_csv", args=[campaign.pk])

    waiting = client.get(url)
    deadline = time.monotonic() + 60
    while AnswerExport.objects.get().status == "pending" and time.monotonic() < deadline:
        time.sleep(0.1)
    served = client.get(url)

    assert waiting.status_code == 202
    assert served.status_code == 200
    assert b"".join(served.streaming_content).decode() == exports.answers_csv(campaign)


@pytest.mark.redis
@pytest.mark.django_db(transaction=True)
def test_a_worker_sends_invitation_emails_through_redis(worker_on_redis, campaign, mailoutbox):
    invitation = InvitationFactory(campaign=campaign, email="ana@example.org")
    assert send_invitation_emails.delay([invitation.pk]).get(timeout=60) == 1
    assert Invitation.objects.get(pk=invitation.pk).sent_at is not None
    assert [message.to for message in mailoutbox] == [["ana@example.org"]]


@pytest.mark.django_db
def test_without_a_broker_tasks_run_in_process(campaign, mailoutbox):
    invitation = InvitationFactory(campaign=campaign, email="bo@example.org")
    assert send_invitation_emails.delay([invitation.pk]).get() == 1
    assert len(mailoutbox) == 1
