"""One typed settings object, read from the environment once and passed in.

Secrets get throw-away defaults only in development mode, so a production deployment that
forgets one refuses to start instead of signing webhooks with a public value.
"""

from __future__ import annotations

import tomllib
from enum import StrEnum
from functools import cached_property
from pathlib import Path

from pydantic import Field, SecretStr, ValidationError, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from hotline.deployment import DEFAULT_DEPLOYMENT, Deployment, load_deployment
from hotline.smtp_url import smtp_server

_DEV_SECRET = "development-only-secret-key-change-me"
_DEV_TWILIO_SID = "ACdevelopment0000000000000000000000"
_DEV_TWILIO_TOKEN = "development-auth-token"
_DEV_DEFAULTS = {
    "SECRET_KEY": _DEV_SECRET,
    "TWILIO_ACCOUNT_SID": _DEV_TWILIO_SID,
    "TWILIO_AUTH_TOKEN": _DEV_TWILIO_TOKEN,
}


class Environment(StrEnum):
    DEVELOPMENT = "development"
    PRODUCTION = "production"


class ConfigurationError(ValueError):
    """The environment does not describe a deployment we can run; the message names fields, never values."""


class Settings(BaseSettings):
    """Everything the service reads from its environment."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", frozen=True)

    # Unset means development, unless DATABASE_URL or REDIS_URL is set: an admin who points the service
    # at real infrastructure is running it for real, and must not get the public development secrets.
    ENVIRONMENT: Environment | None = None
    DATA_DIR: Path = Path("./var")
    DATABASE_URL: str = ""
    REDIS_URL: str = ""
    PUBLIC_BASE_URL: str = "http://127.0.0.1:8000"
    TWILIO_ACCOUNT_SID: str = ""
    TWILIO_AUTH_TOKEN: SecretStr = SecretStr("")
    RECORDING_HOSTS: str = "api.twilio.com"
    # Hosts a recording download may be redirected to (Twilio hands some media to short-lived storage URLs).
    # Credentials go only to the first host; every hop is checked against these lists.
    RECORDING_REDIRECT_HOSTS: str = "media.twiliocdn.com"
    HOTLINE_CONFIG: Path = DEFAULT_DEPLOYMENT
    SECRET_KEY: SecretStr = SecretStr("")
    DELETE_TWILIO_RECORDINGS: bool = False
    # The status line answers at most this many typed references per caller (keyed number hash) in 24 hours,
    # across calls, so nobody can walk the reference space by phone (hotline.status_lookups).
    STATUS_LOOKUPS_PER_DAY: int = Field(default=10, ge=1, le=1000)
    # Development only: accept recordings from localhost, where `simulate-call` serves them.
    ALLOW_LOOPBACK_RECORDINGS: bool = True
    TWILIO_API_BASE: str = "https://api.twilio.com"
    # Intake retries: seconds to wait before each further try (RQ's scheduler applies them).
    INTAKE_RETRY_INTERVALS: list[int] = Field(default_factory=lambda: [10, 60, 300, 1800])
    DOWNLOAD_TIMEOUT_SECONDS: float = 20.0  # per network read
    DOWNLOAD_DEADLINE_SECONDS: float = 60.0  # the whole download, however slowly the bytes trickle in
    TRANSCRIBE_RETRY_INTERVALS: list[int] = Field(default_factory=lambda: [30, 300])
    # Work waiting this long with no live job (an enqueue lost in a Redis stall, a killed worker) is enqueued again.
    STUCK_AFTER_SECONDS: int = 10
    WORKERS: int = 0  # 0 = one per core
    # How often a busy worker proves it is alive; a job silent for 3 beats is presumed dead.
    WORKER_HEARTBEAT_SECONDS: int = 15
    SWEEP_EVERY_SECONDS: int = 5
    # /healthz says 503 when a recording or complaint nobody has tried yet has waited longer than this.
    HEALTH_MAX_WAIT_SECONDS: int = 600
    # Staff web sessions end after this long without a request, and at the latest this long after login.
    SESSION_IDLE_MINUTES: int = Field(default=8 * 60, ge=1)
    SESSION_LIFETIME_HOURS: int = Field(default=7 * 24, ge=1)
    # Providers' logins may play the caller's own recording only where the deployment's agreements allow it.
    PROVIDERS_HEAR_AUDIO: bool = False
    # Routing: a provider must answer within this many days (Mongolian law gives a public body 30); the daily
    # deadline job reminds it this many days before, and runs this often (it is idempotent, so more is harmless).
    ROUTING_DEADLINE_DAYS: int = Field(default=30, ge=1, le=365)
    REMINDER_DAYS_BEFORE: int = Field(default=3, ge=0, le=60)
    DEADLINE_SWEEP_EVERY_SECONDS: int = Field(default=3600, ge=1)
    # Notices to providers: smtp://host:port or smtps://user:password@host:port; unset → notices are only recorded.
    SMTP_URL: SecretStr = SecretStr("")
    SMTP_FROM: str = "hotline@localhost"
    SMTP_TIMEOUT_SECONDS: float = 20.0
    NOTICE_RETRY_INTERVALS: list[int] = Field(default_factory=lambda: [60, 600, 3600])
    # The episode package's loudness (EBU R128 by default; e.g. -16 LUFS for a podcast-only station): every clip,
    # answer and the rough cut lands within 0.5 LU of it with its true peak at or under the ceiling.
    EPISODE_LOUDNESS_LUFS: float = Field(default=-23.0, gt=-70.0, lt=0.0)
    EPISODE_TRUE_PEAK_DBTP: float = Field(default=-1.0, ge=-20.0, le=0.0)

    @model_validator(mode="after")
    def _secrets(self) -> Settings:
        smtp_server(self.SMTP_URL.get_secret_value())  # a MailConfigError (a ValueError) names what is wrong
        if self.ENVIRONMENT is None:
            implied = Environment.PRODUCTION if self.DATABASE_URL or self.REDIS_URL else Environment.DEVELOPMENT
            object.__setattr__(self, "ENVIRONMENT", implied)
        if self.is_development:
            for name, dev in _DEV_DEFAULTS.items():
                current = getattr(self, name)
                if not _plain(current):
                    object.__setattr__(self, name, SecretStr(dev) if isinstance(current, SecretStr) else dev)
            return self
        weak = [name for name, dev in _DEV_DEFAULTS.items() if _plain(getattr(self, name)) in ("", dev)]
        if weak:
            raise ValueError(
                f"set {', '.join(weak)} (no development defaults in production; "
                "DATABASE_URL or REDIS_URL without ENVIRONMENT=development means production)"
            )
        if len(self.SECRET_KEY.get_secret_value()) < 32:
            raise ValueError("SECRET_KEY must be at least 32 characters in production")
        if not self.PUBLIC_BASE_URL.startswith("https://"):
            raise ValueError("PUBLIC_BASE_URL must be https:// in production (Twilio signs that URL)")
        return self

    @property
    def is_development(self) -> bool:
        return self.ENVIRONMENT is not Environment.PRODUCTION

    @property
    def database_url(self) -> str:
        return self.DATABASE_URL or f"sqlite:///{(self.DATA_DIR / 'fixmyservice.sqlite3').resolve()}"

    @property
    def audio_dir(self) -> Path:
        return self.DATA_DIR / "audio"

    @property
    def redis_socket(self) -> Path:
        return self.DATA_DIR / "redis" / "redis.db"

    @property
    def recording_hosts(self) -> frozenset[str]:
        return _host_list(self.RECORDING_HOSTS)

    @property
    def recording_redirect_hosts(self) -> frozenset[str]:
        return _host_list(self.RECORDING_REDIRECT_HOSTS)

    @property
    def public_base_url(self) -> str:
        return self.PUBLIC_BASE_URL.rstrip("/")

    @cached_property
    def deployment(self) -> Deployment:
        return load_deployment(self.HOTLINE_CONFIG)


def _host_list(value: str) -> frozenset[str]:
    return frozenset(h.strip().lower() for h in value.split(",") if h.strip())


def _plain(value: str | SecretStr) -> str:
    return value.get_secret_value() if isinstance(value, SecretStr) else value


def load_settings(**overrides: object) -> Settings:
    """Build settings from the environment (overrides win) and check the deployment file loads.

    Raises ConfigurationError whose message names what is wrong but never echoes a value: pydantic's
    own message repeats the input, which would print the SECRET_KEY to a terminal or a log.
    """
    try:
        settings = Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigurationError(describe_validation_error(exc)) from None
    try:
        settings.deployment  # noqa: B018 - validate the deployment at start, not mid-call
    except ValidationError as exc:
        raise ConfigurationError(f"{settings.HOTLINE_CONFIG}: {describe_validation_error(exc)}") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigurationError(f"{settings.HOTLINE_CONFIG}: {exc}") from None
    return settings


def describe_validation_error(exc: ValidationError) -> str:
    """One line per problem: the field (when there is one) and pydantic's message, without the input."""
    lines = []
    for error in exc.errors(include_url=False, include_input=False, include_context=False):
        where = ".".join(str(part) for part in error["loc"])
        message = error["msg"].removeprefix("Value error, ")
        lines.append(f"{where}: {message}" if where else message)
    return "; ".join(lines)
