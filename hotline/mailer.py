"""Send one plain-text email through the SMTP server named by SMTP_URL (smtp://host:port, smtps://user:pass@host:port).

smtp:// upgrades to TLS when the server offers STARTTLS; smtps:// speaks TLS from the first byte. Credentials
ride only in the URL, which is a secret setting, and never appear in an error message (they name the host).
"""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from urllib.parse import unquote, urlsplit

from hotline.settings import Settings


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


def build_message(*, sender: str, recipient: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = make_msgid(domain=sender.rpartition("@")[2] or None)
    message.set_content(body)  # text/plain, UTF-8: Cyrillic as itself; no attachment ever
    return message


def send_mail(server: SmtpServer, message: EmailMessage, *, timeout: float) -> None:
    """Deliver one message; raises smtplib.SMTPException or OSError when the server refuses or is unreachable."""
    context = ssl.create_default_context()
    client: smtplib.SMTP
    if server.tls:
        client = smtplib.SMTP_SSL(server.host, server.port, timeout=timeout, context=context)
    else:
        client = smtplib.SMTP(server.host, server.port, timeout=timeout)
    with client:
        client.ehlo()
        if not server.tls and client.has_extn("starttls"):
            client.starttls(context=context)
            client.ehlo()
        if server.username:
            client.login(server.username, server.password)
        client.send_message(message)


def configured_server(settings: Settings) -> SmtpServer | None:
    return smtp_server(settings.SMTP_URL.get_secret_value())
