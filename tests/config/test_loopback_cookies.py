"""Signing in over plain HTTP on loopback (CONTRACT.md section 1, DJANGO_SECURE_SSL_REDIRECT=0).

With DJANGO_DEBUG=0 the session and CSRF cookies are Secure, except in answer to plain
HTTP addressed to a loopback host. `make test` runs with the Makefile's DJANGO_DEBUG=1,
so the tests set the cookies Secure as production does.
"""

import http.cookiejar
import re
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from django.test import Client

from tests.config.processes import ROOT, environment, manage
from tests.factories import UserFactory

PASSWORD = "correct-horse-battery"  # what tests.factories.UserFactory gives every user
PUBLIC_HOST = "assess.example.org"


@pytest.fixture(autouse=True)
def production_cookies(settings):
    settings.SESSION_COOKIE_SECURE = True
    settings.CSRF_COOKIE_SECURE = True
    settings.SECURE_SSL_REDIRECT = False


@pytest.fixture
def public_host_allowed(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, PUBLIC_HOST, "[::1]"]


def signed_in_cookies(client: Client, **request) -> dict:
    """The cookies of the sign-in page and of a successful sign-in, by name."""
    UserFactory(username="ada")
    page = client.get("/accounts/login/", **request)
    assert page.status_code == 200
    signed_in = client.post(
        "/accounts/login/", {"username": "ada", "password": PASSWORD}, **request
    )
    assert signed_in.status_code == 302
    return {**page.cookies, **signed_in.cookies}


@pytest.mark.django_db
@pytest.mark.parametrize("host", ["127.0.0.1:8000", "127.0.0.1", "localhost:8000", "[::1]:8000"])
def test_plain_http_on_loopback_gets_cookies_a_client_sends_back_over_http(
    public_host_allowed, host
):
    cookies = signed_in_cookies(Client(), HTTP_HOST=host)
    assert {"csrftoken", "sessionid"} <= cookies.keys()
    assert not any(cookie["secure"] for cookie in cookies.values())
    assert all(cookie["httponly"] for cookie in cookies.values())


@pytest.mark.django_db
def test_https_on_loopback_keeps_the_cookies_secure():
    cookies = signed_in_cookies(Client(), HTTP_HOST="127.0.0.1:8000", secure=True)
    assert {"csrftoken", "sessionid"} <= cookies.keys()
    assert all(cookie["secure"] for cookie in cookies.values())


@pytest.mark.django_db
def test_https_ended_by_a_proxy_on_loopback_keeps_the_cookies_secure():
    cookies = signed_in_cookies(
        Client(), HTTP_HOST="127.0.0.1:8000", HTTP_X_FORWARDED_PROTO="https"
    )
    assert all(cookie["secure"] for cookie in cookies.values())


@pytest.mark.django_db
def test_plain_http_to_a_public_host_keeps_the_cookies_secure(public_host_allowed):
    cookies = signed_in_cookies(Client(), HTTP_HOST=PUBLIC_HOST)
    assert {"csrftoken", "sessionid"} <= cookies.keys()
    assert all(cookie["secure"] for cookie in cookies.values())


@pytest.mark.django_db
def test_a_host_that_only_starts_like_loopback_keeps_the_cookies_secure(settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "127.0.0.1.example.org"]
    cookies = signed_in_cookies(Client(), HTTP_HOST="127.0.0.1.example.org")
    assert all(cookie["secure"] for cookie in cookies.values())


@pytest.mark.django_db
def test_with_the_ssl_redirect_on_loopback_cookies_stay_secure(settings):
    settings.SECURE_SSL_REDIRECT = True
    settings.SECURE_REDIRECT_EXEMPT = [r"^accounts/"]  # so that the form answers over http
    cookies = signed_in_cookies(Client(), HTTP_HOST="127.0.0.1:8000")
    assert all(cookie["secure"] for cookie in cookies.values())


# End to end: gunicorn with the production settings, signed into by urllib and a cookie jar.


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def production_settings(database: Path) -> dict[str, str]:
    return {
        "DJANGO_DEBUG": "0",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_SECRET_KEY": "loopback-test-" + "Zq8rT2vWx9yB4nM7pL1sD6fG0hJ5kA3cE",
        "DATABASE_URL": f"sqlite:///{database}",
        "DJANGO_SUPERUSER_PASSWORD": PASSWORD,
    }


@pytest.fixture
def gunicorn_on_loopback(tmp_path):
    """The app under gunicorn on a free loopback port, with a user `ada`; yields its URL."""
    if not (ROOT / "staticfiles" / "staticfiles.json").exists():
        pytest.skip("production settings need collected static files: run make setup")
    settings = production_settings(tmp_path / "db.sqlite3")
    for command in (
        ["migrate", "--noinput"],
        ["createsuperuser", "--noinput", "--username=ada", "--email=ada@example.org"],
    ):
        result = manage(*command, **settings)
        assert result.returncode == 0, result.stderr
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--bind", f"127.0.0.1:{port}"],
        cwd=ROOT,
        env=environment(**settings),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start")
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_client_with_a_cookie_jar_signs_in_over_plain_http_on_loopback(gunicorn_on_loopback):
    jar = http.cookiejar.CookieJar()
    browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = browser.open(f"{gunicorn_on_loopback}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    credentials = {"csrfmiddlewaretoken": token, "username": "ada", "password": PASSWORD}
    browser.open(
        f"{gunicorn_on_loopback}/accounts/login/", urllib.parse.urlencode(credentials).encode()
    )
    admin = browser.open(f"{gunicorn_on_loopback}/admin/")
    assert admin.url == f"{gunicorn_on_loopback}/admin/"  # not sent back to sign in
    assert "Log out" in admin.read().decode()
