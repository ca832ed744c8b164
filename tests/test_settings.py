"""Configuration from .env over .env.example, and the values Rasa gets."""

from pathlib import Path

from bot.settings import absolute_sqlite_url, ensure_env_file, load_settings


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


def test_a_new_env_gets_its_own_token_and_conversation_key(tmp_path):
    env = tmp_path / ".env"
    assert ensure_env_file(env) is True
    settings = load_settings(env)
    assert settings.rasa_token != "change-me" and len(settings.rasa_token) >= 40
    assert len(settings.conversation_id_key) >= 40
    assert settings.rasa_environment()["CONVERSATION_ID_KEY"] == settings.conversation_id_key
    other = tmp_path / "other.env"
    ensure_env_file(other)
    assert load_settings(other).conversation_id_key != settings.conversation_id_key


def test_an_existing_env_without_a_key_gets_one_and_keeps_everything_else(tmp_path):
    env = tmp_path / ".env"
    env.write_text("RASA_PORT=6006\nCONVERSATION_ID_KEY=\nRASA_TOKEN=mine")
    assert ensure_env_file(env) is False
    settings = load_settings(env)
    assert settings.rasa_port == 6006 and settings.rasa_token == "mine"
    key = settings.conversation_id_key
    assert len(key) >= 40 and env.read_text().count("CONVERSATION_ID_KEY=") == 1
    ensure_env_file(env)  # a key that is there is never replaced
    assert load_settings(env).conversation_id_key == key

    without = tmp_path / "without.env"
    without.write_text("RASA_TOKEN=mine")
    ensure_env_file(without)
    assert load_settings(without).rasa_token == "mine"
    assert len(load_settings(without).conversation_id_key) >= 40
