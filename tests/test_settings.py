"""Configuration from .env over .env.example, and the values Rasa gets."""

from pathlib import Path

from bot.settings import absolute_sqlite_url, load_settings


def test_defaults_come_from_env_example_and_env_overrides(tmp_path, monkeypatch):
    for name in ("RASA_PORT", "DATABASE_URL", "LOCK_STORE_TYPE"):
        monkeypatch.delenv(name, raising=False)
    env = tmp_path / ".env"
    env.write_text("RASA_PORT=6006\nLOCK_STORE_TYPE=redis\n")
    settings = load_settings(env)
    assert settings.rasa_port == 6006 and settings.action_port == 5055
    assert settings.lock_store_type == "redis"
    assert settings.database_url.startswith("sqlite:////")  # made absolute
    rasa_env = settings.rasa_environment()
    assert rasa_env["ACTION_ENDPOINT_URL"].endswith(":5055/webhook")
    assert rasa_env["RASA_TELEMETRY_ENABLED"] == "false"


def test_process_environment_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("RASA_PORT", "7007")
    assert load_settings(tmp_path / "missing.env").rasa_port == 7007


def test_relative_sqlite_paths_live_under_the_project():
    assert (
        absolute_sqlite_url("sqlite:///var/x.db", Path("/srv/lantern"))
        == "sqlite:////srv/lantern/var/x.db"
    )
    assert absolute_sqlite_url("sqlite:////tmp/x.db") == "sqlite:////tmp/x.db"
    assert absolute_sqlite_url("postgresql://u@h/db") == "postgresql://u@h/db"
