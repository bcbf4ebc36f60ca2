import pytest

from app import create_app
from config import ConfigError, DevelopmentConfig, ProductionConfig, config_from_env


def production(**attrs):
    return type("ProductionUnderTest", (ProductionConfig,), attrs)


@pytest.fixture
def production_env(monkeypatch):
    monkeypatch.setenv("MCC_DATABASE_URL", "sqlite://")
    monkeypatch.setenv("MCC_STORAGE_BACKEND", "local")


@pytest.mark.parametrize("key", [None, "", "short", "changeme", "secret" * 2])
def test_production_refuses_a_missing_or_weak_secret_key(production_env, key):
    with pytest.raises(ConfigError, match="MCC_SECRET_KEY"):
        create_app(production(SECRET_KEY=key))


def test_production_starts_with_a_strong_key_and_explicit_settings(production_env, tmp_path):
    app = create_app(production(SECRET_KEY="x9" * 24, SQLALCHEMY_DATABASE_URI="sqlite://", MEDIA_ROOT=tmp_path))
    assert app.config["SESSION_COOKIE_SECURE"] is True


def test_production_needs_an_explicit_database(monkeypatch):
    monkeypatch.delenv("MCC_DATABASE_URL", raising=False)
    monkeypatch.setenv("MCC_STORAGE_BACKEND", "local")
    with pytest.raises(ConfigError, match="MCC_DATABASE_URL"):
        create_app(production(SECRET_KEY="x9" * 24))


def test_production_s3_needs_a_bucket(production_env, monkeypatch):
    monkeypatch.setenv("MCC_STORAGE_BACKEND", "s3")
    with pytest.raises(ConfigError, match="MCC_S3_BUCKET"):
        create_app(production(SECRET_KEY="x9" * 24, STORAGE_BACKEND="s3", S3_BUCKET=None))


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
