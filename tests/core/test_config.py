import secrets

import pytest

from app import create_app
from config import (
    DEVELOPMENT_SECRET_KEY,
    TESTING_SECRET_KEY,
    ConfigError,
    DevelopmentConfig,
    ProductionConfig,
    config_from_env,
)

STRONG_KEY = secrets.token_urlsafe(48)


def production(**attrs):
    return type("ProductionUnderTest", (ProductionConfig,), attrs)


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("MCC_DATABASE_URL", "sqlite://")
    monkeypatch.setenv("MCC_STORAGE_BACKEND", "local")


#: What a sound production installation sets (the services are not contacted when the app starts).
SOUND = {"SECRET_KEY": STRONG_KEY, "BASE_URL": "https://mcc.example.eu", "SQLALCHEMY_DATABASE_URI": "sqlite://",
         "MAIL_BACKEND": "smtp", "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:6379/0", "CACHE_TYPE": "RedisCache",
         "CACHE_REDIS_URL": "redis://127.0.0.1:6379/1"}


def production_app(tmp_path, **attrs):
    attrs = {**SOUND, "MEDIA_ROOT": tmp_path, "QUEUE_URL": f"sqlite:///{tmp_path / 'queue.sqlite3'}", **attrs}
    return create_app(production(**attrs))


@pytest.mark.parametrize("key", [None, "", "short", "changeme", "secret" * 2, DEVELOPMENT_SECRET_KEY,
                                 TESTING_SECRET_KEY, "a" * 32, "ab" * 24, "x9" * 24, "0123456789" * 4])
def test_production_refuses_a_missing_weak_or_published_secret_key(production_env, tmp_path, key):
    with pytest.raises(ConfigError, match="MCC_SECRET_KEY"):
        production_app(tmp_path, SECRET_KEY=key)


def test_production_starts_with_a_strong_key_and_explicit_settings(production_env, tmp_path):
    app = production_app(tmp_path)
    assert app.config["SESSION_COOKIE_SECURE"] is True


@pytest.mark.parametrize("base_url", [None, "", "mcc.example.eu", "ftp://mcc.example.eu", "https://"])
def test_production_needs_its_public_address(production_env, tmp_path, base_url):
    with pytest.raises(ConfigError, match="MCC_BASE_URL"):
        production_app(tmp_path, BASE_URL=base_url)


def test_production_refuses_requests_for_other_hosts(production_env, tmp_path):
    app = production_app(tmp_path, EXTRA_TRUSTED_HOSTS=("mcc-internal",))
    client = app.test_client()
    assert client.get("/healthz/live", headers={"Host": "mcc.example.eu"}).status_code == 200
    assert client.get("/healthz/live", headers={"Host": "mcc-internal:8000"}).status_code == 200
    assert client.get("/healthz/live", headers={"Host": "127.0.0.1:5000"}).status_code == 200
    assert client.get("/healthz/live", headers={"Host": "evil.example"}).status_code == 400


def test_production_needs_an_explicit_database(monkeypatch):
    monkeypatch.delenv("MCC_DATABASE_URL", raising=False)
    monkeypatch.setenv("MCC_STORAGE_BACKEND", "local")
    with pytest.raises(ConfigError, match="MCC_DATABASE_URL"):
        create_app(production(**SOUND))


def test_production_s3_needs_a_bucket(production_env, monkeypatch, tmp_path):
    monkeypatch.setenv("MCC_STORAGE_BACKEND", "s3")
    with pytest.raises(ConfigError, match="MCC_S3_BUCKET"):
        production_app(tmp_path, STORAGE_BACKEND="s3", S3_BUCKET=None)


def test_development_runs_without_any_setting(tmp_path):
    app = create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI="sqlite://", MEDIA_ROOT=tmp_path)
    assert app.config["SECRET_KEY"]


def test_environment_chooses_the_config(monkeypatch):
    monkeypatch.setenv("MCC_ENV", "development")
    assert config_from_env() is DevelopmentConfig
    monkeypatch.setenv("MCC_ENV", "staging")
    with pytest.raises(ConfigError, match="MCC_ENV"):
        config_from_env()
    monkeypatch.delenv("MCC_ENV")
    assert config_from_env() is ProductionConfig


@pytest.mark.parametrize(("unsafe", "risk", "names"), [
    ({"MAIL_BACKEND": "outbox"}, "outbox-mail", "MCC_MAIL_BACKEND"),
    ({"RATELIMIT_STORAGE_URI": "memory://"}, "process-limits", "MCC_RATELIMIT_STORAGE_URI"),
    ({"CACHE_TYPE": "SimpleCache"}, "process-cache", "MCC_CACHE_URL"),
])
def test_production_refuses_each_unsafe_setting_unless_the_risk_is_accepted(production_env, tmp_path, unsafe, risk,
                                                                           names):
    with pytest.raises(ConfigError, match=names):
        production_app(tmp_path, WEB_WORKERS=2, **unsafe)
    app = production_app(tmp_path, WEB_WORKERS=2, ACCEPTED_RISKS=frozenset({risk}), **unsafe)
    assert app.config["ENV_NAME"] == "production"


def test_one_web_process_may_keep_limits_and_cache_to_itself(production_env, tmp_path):
    app = production_app(tmp_path, WEB_WORKERS=1, RATELIMIT_STORAGE_URI="memory://", CACHE_TYPE="SimpleCache")
    assert app.config["WEB_WORKERS"] == 1


def test_every_setting_is_documented_in_the_readme_table_generated_from_config():
    import re
    from pathlib import Path

    import config

    assert sorted(set(config.READ) - set(config.DOCS)) == [], "settings read without a line in config.DOCS"
    assert sorted(set(config.DOCS) - set(config.READ)) == [], "config.DOCS names settings nothing reads"
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    table = re.search(r"<!-- settings:[^\n]*\n(.*?)<!-- /settings -->", readme, re.S).group(1)
    assert table == config.settings_table(), "README's settings table is stale: run `make settings-table`"


def test_a_watch_share_that_is_no_number_is_a_clear_error(monkeypatch):
    import config

    monkeypatch.setenv("MCC_LEARNING_WATCH_SHARE", "ninety")
    with pytest.raises(ConfigError, match="MCC_LEARNING_WATCH_SHARE must be a number"):
        config.env_float("LEARNING_WATCH_SHARE", 0.9, 0.1, 1.0)
