"""SMTP_URL: parsed into a server (ports, credentials, refusals), and a login that a real SMTP server checks."""

from __future__ import annotations

import smtplib
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from hotline.mailer import MailConfigError, SmtpServer, build_message, send_mail, smtp_server


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("", None),
        ("smtp://mail.example.org", SmtpServer("mail.example.org", 25, False, "", "")),
        ("smtp://127.0.0.1:2525", SmtpServer("127.0.0.1", 2525, False, "", "")),
        ("smtps://hotline%40example.org:p%3Ass@mail.example.org", SmtpServer("mail.example.org", 465, True,
                                                                            "hotline@example.org", "p:ss")),
    ],
)  # fmt: skip
def test_smtp_url_names_the_server(url: str, expected: SmtpServer | None) -> None:
    assert smtp_server(url) == expected


@pytest.mark.parametrize(
    "url", ["http://u:secret@mail.example.org", "smtp://u:secret@", "smtp://u:secret@mail.example.org:port"]
)
def test_a_url_that_is_not_smtp_is_refused_without_echoing_it(url: str) -> None:
    with pytest.raises(MailConfigError) as refused:
        smtp_server(url)
    assert "secret" not in str(refused.value)


class Accepting:
    def __init__(self) -> None:
        self.logins: list[tuple[bytes, bytes]] = []
        self.delivered = 0

    def authenticate(self, server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        assert isinstance(auth_data, LoginPassword)
        self.logins.append((auth_data.login, auth_data.password))
        return AuthResult(success=auth_data.password == b"right password", handled=False)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        self.delivered += 1
        return "250 OK"


@pytest.fixture
def auth_server() -> Iterator[tuple[Accepting, int]]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = int(probe.getsockname()[1])
    handler = Accepting()
    controller = Controller(handler, hostname="127.0.0.1", port=port, authenticator=handler.authenticate,
                            auth_required=True, auth_require_tls=False)  # fmt: skip
    controller.start()
    yield handler, port
    controller.stop()


@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # a loopback test server
def test_credentials_in_the_url_log_in(auth_server: tuple[Accepting, int]) -> None:
    handler, port = auth_server
    message = build_message(sender="hotline@example.org", recipient="clinic@example.mn", subject="s", body="b")
    good = smtp_server(f"smtp://hotline:right%20password@127.0.0.1:{port}")
    assert good is not None
    send_mail(good, message, timeout=5)
    assert handler.logins == [(b"hotline", b"right password")] and handler.delivered == 1

    bad = smtp_server(f"smtp://hotline:wrong@127.0.0.1:{port}")
    assert bad is not None
    with pytest.raises(smtplib.SMTPAuthenticationError):
        send_mail(bad, message, timeout=5)
    assert handler.delivered == 1 and "wrong" not in bad.label
