"""Settings: secrets stay secret, and pointing the service at real infrastructure means production."""

from __future__ import annotations

from pathlib import Path

import pytest

from fixmyservice.cli import main
from hotline.settings import ConfigurationError, Environment, load_settings

ROOT = Path(__file__).resolve().parents[2]
SECRET = "short-but-very-secret-value"  # under 32 characters: production refuses it
GOOD_SECRET = "a-production-secret-key-of-at-least-32-chars"


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Only what each test sets: no .env file, no variables from the shell that runs the suite."""
    monkeypatch.chdir(tmp_path)
    for name in (
        "ENVIRONMENT", "DATABASE_URL", "REDIS_URL", "SECRET_KEY", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN",
        "PUBLIC_BASE_URL", "HOTLINE_CONFIG", "DATA_DIR",
    ):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DATA_DIR", str(tmp_path / "data"))


def _production(monkeypatch: pytest.MonkeyPatch, **values: str) -> None:
    env = {
        "ENVIRONMENT": "production",
        "SECRET_KEY": GOOD_SECRET,
        "TWILIO_ACCOUNT_SID": "AC" + "2" * 32,
        "TWILIO_AUTH_TOKEN": "a-real-looking-twilio-auth-token",
        "PUBLIC_BASE_URL": "https://hotline.example.org",
    }
    env.update(values)
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def test_configuration_error_names_the_field_but_never_shows_the_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch, SECRET_KEY=SECRET)

    with pytest.raises(ConfigurationError) as caught:
        load_settings()

    assert "SECRET_KEY must be at least 32 characters" in str(caught.value)
    assert SECRET not in str(caught.value)


def test_the_cli_prints_the_error_without_the_secret_or_a_traceback(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    _production(monkeypatch, SECRET_KEY=SECRET, TWILIO_AUTH_TOKEN="twilio-token-nobody-may-read")

    with pytest.raises(SystemExit) as exited:
        main(["migrate"])

    out = capsys.readouterr()
    assert exited.value.code == 2
    assert "configuration error" in out.err and "SECRET_KEY" in out.err
    assert SECRET not in out.err + out.out
    assert "twilio-token-nobody-may-read" not in out.err + out.out
    assert "Traceback" not in out.err


def test_secrets_are_hidden_in_repr_and_dumps(monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch)

    settings = load_settings()

    for shown in (repr(settings), str(settings), str(settings.model_dump())):
        assert GOOD_SECRET not in shown
        assert "a-real-looking-twilio-auth-token" not in shown
    assert settings.SECRET_KEY.get_secret_value() == GOOD_SECRET


@pytest.mark.parametrize(
    "infrastructure",
    [{"DATABASE_URL": "postgresql+psycopg://db.internal/hotline"}, {"REDIS_URL": "redis://queue.internal:6379/0"}],
)
def test_real_infrastructure_without_environment_means_production(
    monkeypatch: pytest.MonkeyPatch, infrastructure: dict[str, str]
) -> None:
    for name, value in infrastructure.items():
        monkeypatch.setenv(name, value)

    with pytest.raises(ConfigurationError, match="set SECRET_KEY, TWILIO_ACCOUNT_SID, TWILIO_AUTH_TOKEN"):
        load_settings()


def test_development_must_be_said_explicitly_to_use_a_database_with_development_secrets(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://127.0.0.1/test")
    monkeypatch.setenv("ENVIRONMENT", "development")

    settings = load_settings()

    assert settings.ENVIRONMENT is Environment.DEVELOPMENT
    assert settings.SECRET_KEY.get_secret_value()  # the throw-away development key


def test_nothing_set_is_development_with_throwaway_secrets() -> None:
    settings = load_settings()

    assert settings.ENVIRONMENT is Environment.DEVELOPMENT and settings.is_development


@pytest.mark.parametrize("name", ["SECRET_KEY", "TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN"])
def test_production_refuses_the_development_values(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    from hotline import settings as settings_module

    _production(monkeypatch, **{name: settings_module._DEV_DEFAULTS[name]})

    with pytest.raises(ConfigurationError, match=f"set {name}"):
        load_settings()


def test_production_refuses_plain_http(monkeypatch: pytest.MonkeyPatch) -> None:
    _production(monkeypatch, PUBLIC_BASE_URL="http://hotline.example.org")

    with pytest.raises(ConfigurationError, match="PUBLIC_BASE_URL must be https"):
        load_settings()


def test_a_broken_deployment_file_is_a_configuration_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text('name = "x"\ncountry = "MN"\n', encoding="utf-8")
    monkeypatch.setenv("HOTLINE_CONFIG", str(broken))

    with pytest.raises(ConfigurationError, match=r"broken\.toml: "):
        load_settings()


def test_every_procfile_process_runs_in_production() -> None:
    processes = [line for line in (ROOT / "Procfile").read_text().splitlines() if line and not line.startswith("#")]

    assert {line.split(":", 1)[0] for line in processes} >= {"release", "web", "worker", "scheduler"}
    for line in processes:
        assert line.split(":", 1)[1].strip().startswith("ENVIRONMENT=production "), line


def test_a_mistyped_smtp_url_stops_the_service_at_start_without_showing_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SMTP_URL", "smtp//hotline:hunter2@mail.example.org")
    with pytest.raises(ConfigurationError, match="SMTP_URL must look like smtp://host:port") as caught:
        load_settings()
    assert "hunter2" not in str(caught.value)
    monkeypatch.setenv("SMTP_URL", "smtps://hotline:hunter2@mail.example.org:465")
    assert load_settings().SMTP_URL.get_secret_value().endswith(":465")
