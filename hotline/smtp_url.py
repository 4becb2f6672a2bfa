"""What SMTP_URL names: read once when the settings load, so a mistyped URL stops the service at start-up
instead of failing every notice later. Errors name the problem, never the URL (it may hold a password)."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote, urlsplit


class MailConfigError(ValueError):
    """SMTP_URL is not a URL we can send through."""


@dataclass(frozen=True)
class SmtpServer:
    host: str
    port: int
    tls: bool  # smtps: TLS from the start
    username: str
    password: str

    @property
    def label(self) -> str:
        return f"{'smtps' if self.tls else 'smtp'}://{self.host}:{self.port}"


def smtp_server(url: str) -> SmtpServer | None:
    """The server SMTP_URL names, or None when it is empty (notices are then only recorded)."""
    if not url.strip():
        return None
    parts = urlsplit(url.strip())
    if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
        raise MailConfigError("SMTP_URL must look like smtp://host:port or smtps://user:password@host:port")
    try:
        port = parts.port or (465 if parts.scheme == "smtps" else 25)
    except ValueError:
        raise MailConfigError("SMTP_URL has a port that is not a number") from None
    return SmtpServer(
        host=parts.hostname,
        port=port,
        tls=parts.scheme == "smtps",
        username=unquote(parts.username or ""),
        password=unquote(parts.password or ""),
    )
