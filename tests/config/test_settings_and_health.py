"""Configuration from the environment (CONTRACT.md section 1) and the health check."""

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.db import OperationalError

from config.env import (
    database_from_url,
    env_base_url,
    env_bool,
    env_hosts,
    env_int,
    env_list,
    secret_key,
)
from tests.config.processes import manage

STRONG_KEY = "k3y-" + "Zq8rT2vWx9yB4nM7pL1sD6fG0hJ5kA3cE" + "uIoPaSdFgHjKl"


@pytest.mark.parametrize(
    ("raw", "expected"), [("1", True), ("true", True), ("0", False), ("", False), ("off", False)]
)
def test_yes_no_variables_read_the_usual_words(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_FLAG", raw)
    assert env_bool("SOME_FLAG", default=not expected) is expected


def test_a_yes_no_variable_with_another_word_names_the_variable(monkeypatch):
    monkeypatch.setenv("DJANGO_DEBUG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="DJANGO_DEBUG='maybe'"):
        env_bool("DJANGO_DEBUG", default=False)


def test_allowed_hosts_are_comma_separated(monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", "example.org, www.example.org,")
    assert env_list("DJANGO_ALLOWED_HOSTS", "") == ["example.org", "www.example.org"]


@pytest.mark.parametrize("host", ["https://assess.example.org", "assess.example.org/", "a b"])
def test_an_allowed_host_that_is_no_host_name_names_the_variable(monkeypatch, host):
    monkeypatch.setenv("DJANGO_ALLOWED_HOSTS", f"example.org,{host}")
    with pytest.raises(ImproperlyConfigured, match=r"^DJANGO_ALLOWED_HOSTS: .* is not a host name"):
        env_hosts("DJANGO_ALLOWED_HOSTS", "")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (None, "http://127.0.0.1:8000"),
        ("", "http://127.0.0.1:8000"),
        ("https://assess.example.org/", "https://assess.example.org"),
        (" https://example.org/assess/ ", "https://example.org/assess"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_the_site_url_is_the_base_of_links_without_its_last_slash(monkeypatch, raw, expected):
    monkeypatch.delenv("SITE_URL", raising=False)
    if raw is not None:
        monkeypatch.setenv("SITE_URL", raw)
    assert env_base_url("SITE_URL", "http://127.0.0.1:8000") == expected


@pytest.mark.parametrize(
    "raw",
    [
        "assess.example.org",
        "ftp://example.org",
        "https://",
        "https://example.org/?campaign=1",
        "https://example.org/#top",
        "https://example.org:port",
        "https://exa mple.org",
        "http://[::1",
    ],
)
def test_a_site_url_links_cannot_start_with_names_the_variable(monkeypatch, raw):
    monkeypatch.setenv("SITE_URL", raw)
    with pytest.raises(ImproperlyConfigured, match=r"^SITE_URL=.* is not an absolute http\(s\)"):
        env_base_url("SITE_URL", "http://127.0.0.1:8000")


@pytest.mark.parametrize(
    ("variable", "value"), [("EMAIL_PORT", "smtp"), ("EMAIL_PORT", "0"), ("AXES_PROXY_COUNT", "-1")]
)
def test_every_number_setting_stops_a_command_in_one_line(variable, value):
    result = manage("check", DJANGO_DEBUG="1", **{variable: value})

    assert result.returncode != 0
    assert result.stderr.strip().splitlines()[0].startswith(f"configuration error: {variable}=")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(("raw", "expected"), [("120000", 120_000), (" 5 ", 5), ("50_000", 50_000)])
def test_a_number_variable_reads_whole_numbers(monkeypatch, raw, expected):
    monkeypatch.setenv("SOME_NUMBER", raw)
    assert env_int("SOME_NUMBER", 7) == expected


@pytest.mark.parametrize("raw", [None, "", "  "])
def test_a_number_variable_unset_or_empty_takes_its_default(monkeypatch, raw):
    monkeypatch.delenv("SOME_NUMBER", raising=False)
    if raw is not None:
        monkeypatch.setenv("SOME_NUMBER", raw)
    assert env_int("SOME_NUMBER", 7) == 7


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("lots", "EXPORT_INLINE_MAX_ANSWERS='lots' is not a whole number"),
        ("2.5", "EXPORT_INLINE_MAX_ANSWERS='2.5' is not a whole number"),
        ("-1", "EXPORT_INLINE_MAX_ANSWERS='-1' is below 0"),
    ],
)
def test_a_number_variable_with_another_value_names_the_variable(monkeypatch, raw, message):
    monkeypatch.setenv("EXPORT_INLINE_MAX_ANSWERS", raw)
    with pytest.raises(ImproperlyConfigured) as refused:
        env_int("EXPORT_INLINE_MAX_ANSWERS", 50_000)
    assert str(refused.value) == message


def test_a_bad_export_threshold_stops_manage_py_with_one_line():
    result = manage("check", DJANGO_DEBUG="1", EXPORT_INLINE_MAX_ANSWERS="many")

    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "configuration error: EXPORT_INLINE_MAX_ANSWERS='many' is not a whole number"
    ]


def test_a_postgres_url_becomes_a_postgres_database():
    config = database_from_url("postgres://alice@db.example:5433/maturity")
    assert config["ENGINE"] == "django.db.backends.postgresql"
    assert (config["USER"], config["HOST"], config["PORT"], config["NAME"]) == (
        "alice",
        "db.example",
        5433,
        "maturity",
    )


def test_a_sqlite_url_keeps_no_persistent_connection():
    config = database_from_url("sqlite:////tmp/x.sqlite3")
    assert config["NAME"] == "/tmp/x.sqlite3"
    assert config["CONN_MAX_AGE"] == 0


@pytest.mark.parametrize("url", ["nosuchdb://x/y", "not a url", "postgres://host"])
def test_a_bad_database_url_is_a_clear_error(url):
    with pytest.raises(ImproperlyConfigured, match="DATABASE_URL"):
        database_from_url(url)


def test_the_secret_key_is_required_when_debug_is_off(monkeypatch):
    monkeypatch.delenv("DJANGO_SECRET_KEY", raising=False)
    assert secret_key(True, "dev") == "dev"
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        secret_key(False, "dev")


def test_a_blank_secret_key_is_no_key(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "   ")
    assert secret_key(True, "dev") == "dev"
    with pytest.raises(ImproperlyConfigured, match="DJANGO_SECRET_KEY must be set"):
        secret_key(False, "dev")


def test_the_development_key_is_refused_when_debug_is_off(monkeypatch):
    monkeypatch.setenv("DJANGO_SECRET_KEY", "dev")
    assert secret_key(True, "dev") == "dev"
    with pytest.raises(ImproperlyConfigured, match="^DJANGO_SECRET_KEY is the development key"):
        secret_key(False, "dev")


def test_without_a_secret_key_production_refuses_to_start_in_one_line():
    result = manage("check", DJANGO_DEBUG="0")
    assert result.returncode != 0
    assert result.stderr.strip().splitlines() == [
        "configuration error: DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0 "
        "(generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))')"
    ]


def test_a_bad_database_url_stops_a_command_in_one_line():
    result = manage("check", DJANGO_DEBUG="1", DATABASE_URL="nosuchdb://x/y")
    assert result.returncode != 0
    assert len(result.stderr.strip().splitlines()) == 1
    assert "DATABASE_URL='nosuchdb://x/y'" in result.stderr


def test_the_deploy_check_is_clean_in_production():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY=STRONG_KEY,
    )
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_health_check_answers_ok_when_the_database_answers(client, db):
    response = client.get("/healthz")
    assert (response.status_code, response.content) == (200, b"ok")


def test_health_check_answers_503_when_the_database_does_not(client, db, monkeypatch):
    from django.db import connection

    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    with monkeypatch.context() as patch:
        patch.setattr(connection, "cursor", broken_cursor)
        response = client.get("/healthz")
    assert (response.status_code, response.content) == (503, b"database unavailable")


def test_the_home_page_presents_the_product(client, db):
    response = client.get("/")
    assert response.status_code == 200
    assert b"customer-centric" in response.content
    assert b"/static/vendor/bootstrap/bootstrap.min.css" in response.content


def test_the_sign_in_page_is_served(client, db):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    assert b'name="username"' in response.content


def test_production_responses_carry_the_security_headers(client, db):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "script-src 'self'" in response["Content-Security-Policy"]


def test_an_unknown_page_gets_the_friendly_404(client, db):
    response = client.get("/no/such/page/")
    assert response.status_code == 404
    assert b"This page does not exist" in response.content
