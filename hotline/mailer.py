"""Send one plain-text email through the SMTP server named by SMTP_URL (smtp://host:port, smtps://user:pass@host:port).

smtp:// upgrades to TLS when the server offers STARTTLS; smtps:// speaks TLS from the first byte. Credentials
ride only in the URL, which is a secret setting, and never appear in an error message (they name the host).
"""

from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from hotline.settings import Settings
from hotline.smtp_url import MailConfigError, SmtpServer, smtp_server

__all__ = ["MailConfigError", "SmtpServer", "build_message", "configured_server", "send_mail", "smtp_server"]


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
