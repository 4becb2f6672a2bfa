"""Issue 10 end to end, every part real: a caller's complaint comes in through the call flow and is decoded by
the Korean model; staff route it in Chromium; a real RQ worker mails the provider through a real SMTP server
(aiosmtpd) without the caller's number or voice; the provider logs in and answers with text and a recording
uploaded through the form; the caller phones the status line of the running server (over HTTP, as Twilio
would), hears the recording — its <Play> link fetched without credentials and decoded — and says they are
satisfied; the dashboard then shows how long the provider took to answer.

The steps depend on each other, so they are one test: a failure names the step by its assertion message.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page, expect
from sqlmodel import Session, select

from hotline.accounts import create_user
from hotline.audit import Actor
from hotline.models import Complaint, Feedback
from hotline.privacy import mask_number
from hotline.provider_fields import ProviderFields
from hotline.providers import create_provider
from ivr.simulator import SimulatedCall
from queue_workers.queues import QueueName
from queue_workers.worker import run_worker
from tests.answers import spoken_answer
from tests.browser.conftest import log_in, screenshot
from tests.browser.live_site import STAFF, LiveSite, live_site
from tests.conftest import TWILIO_SID, TWILIO_TOKEN
from tests.smtp_inbox import Inbox, free_port, smtp_server
from transcription.place_directory import gazetteer_places

pytestmark = [pytest.mark.browser, pytest.mark.vosk]

CALLER = "+97699000001"  # ivr.simulator's default caller, who made the site's complaints
PROVIDER_EMAIL = "roads@khovd.example.org"
PROVIDER_LOGIN = ("engineer@khovd.example.org", "engineer-password-1234")
PROVIDER_NAME = "Khovd roads office"
KOREAN, STATUS_LINE, HEAR_AGAIN_OR_RATE, SATISFIED = "1", "2", "2", "1"


@dataclass(frozen=True)
class JourneySite:
    live: LiveSite
    inbox: Inbox
    provider_id: int


@pytest.fixture(scope="module")
def journey(tmp_path_factory: pytest.TempPathFactory) -> Iterator[JourneySite]:
    with smtp_server() as (inbox, port):
        smtp = {"SMTP_URL": f"smtp://127.0.0.1:{port}", "SMTP_FROM": "hotline@example.org", "SMTP_TIMEOUT_SECONDS": 5}
        with live_site(tmp_path_factory.mktemp("journey"), **smtp) as live:
            settings = live.settings
            with Session(live.engine) as session:
                provider = create_provider(
                    session,
                    fields=ProviderFields(names={"en": PROVIDER_NAME, "ko": "호브드 도로국"},
                                          sectors=["infrastructure"], areas=["84"], email=PROVIDER_EMAIL),
                    deployment=settings.deployment,
                    places=gazetteer_places(settings.deployment),
                    actor=Actor(user_id=None, label="test admin"),
                )  # fmt: skip
                session.commit()
                create_user(session, email=PROVIDER_LOGIN[0], role="provider", password=PROVIDER_LOGIN[1],
                            provider_id=provider.id)  # fmt: skip
            yield JourneySite(live, inbox, provider.id)


@pytest.fixture(scope="module")
def site(journey: JourneySite) -> LiveSite:
    """The browser fixtures of tests/browser/conftest.py open pages on this module's site."""
    return journey.live


def test_a_call_is_routed_mailed_answered_heard_rated_and_counted(
    page: Page, browser: Browser, journey: JourneySite, tmp_path: Path
) -> None:
    live, reference = journey.live, journey.live.decoded_reference

    # Staff confirm the machine transcript, take the case into review and route it to the suggested provider.
    log_in(page, *STAFF, next_path=f"/complaints/{reference}")
    page.get_by_role("button", name="Confirm unchanged").click()
    expect(page.locator("p.notice")).to_have_text("Transcript saved.")
    page.get_by_label("Move to").select_option("in_review")
    page.get_by_role("button", name="Change status").click()
    expect(page.locator("p.notice")).to_have_text("Status changed.")
    routing = page.get_by_role("region", name="Provider", exact=True)
    routing.get_by_label("Send to").select_option(label=PROVIDER_NAME)
    routing.get_by_role("button", name="Route").click()
    expect(page.get_by_role("region", name="Provider", exact=True)).to_contain_text(PROVIDER_EMAIL)
    screenshot(page, "journey-routed")

    # A real worker mails the notice; the email names the case, never the caller's number or voice.
    run_worker(live.settings, burst=True, queues=[QueueName.NOTICES], name=f"notices-{free_port()}")
    assert [e.rcpt_tos for e in journey.inbox.envelopes] == [[PROVIDER_EMAIL]], "the provider is mailed once"
    [message] = journey.inbox.messages
    assert not message.is_multipart(), "no attachment of any kind"
    body = str(message.get_content())  # type: ignore[attr-defined]
    assert reference in body and f"{live.base_url}/complaints/{reference}" in body
    raw = journey.inbox.envelopes[0].content.decode("utf-8", "replace") + body
    digits = CALLER.lstrip("+")
    for secret in (CALLER, digits, digits[-8:], mask_number(CALLER), "/audio", ".wav"):
        assert secret not in raw, f"the email holds {secret!r}"

    # The provider logs in and answers with text and an uploaded recording.
    provider_context = browser.new_context(base_url=live.base_url, locale="en-GB")
    provider_page = provider_context.new_page()
    log_in(provider_page, *PROVIDER_LOGIN, next_path="/provider/complaints")
    provider_page.get_by_role("link", name=reference).click()
    provider_page.get_by_label("Answer (text)").fill("The road to Buyant will be graded next week.")
    provider_page.get_by_label("Recorded answer").set_input_files(str(spoken_answer(tmp_path, "m4a")))
    provider_page.get_by_role("button", name="Save answer").click()
    expect(provider_page.get_by_role("status")).to_have_text("Your answer was saved.")
    provider_context.close()

    # The caller phones the status line of the running server and hears the recorded answer, then rates it.
    with httpx.Client(timeout=30) as http:
        call = SimulatedCall(
            client=http,
            base_url=live.base_url,
            auth_token=TWILIO_TOKEN,
            account_sid=TWILIO_SID,
            digits=[KOREAN, STATUS_LINE, reference + "#", HEAR_AGAIN_OR_RATE, SATISFIED],
            fetch_played=True,
        ).run()
    [played] = call.played
    assert played.status_code == 200 and played.duration_seconds and played.duration_seconds > 1, played
    assert "?token=" in played.url, "Twilio fetches the answer with an unguessable token, no credentials"
    with Session(live.engine) as session:
        complaint = session.exec(select(Complaint).where(Complaint.reference == reference)).one()
        assert complaint.status == "answered"
        [feedback] = session.exec(select(Feedback).where(Feedback.complaint_id == complaint.id)).all()
        assert feedback.satisfied and feedback.twilio_call_sid == call.call_sid

    # Staff see the provider's time to answer and the caller's satisfaction on the dashboard.
    page.goto("/dashboard")
    answer_times = page.get_by_role("table", name="Time to first answer per provider")
    row = answer_times.get_by_role("row").filter(has_text=PROVIDER_NAME)
    expect(row).to_have_count(1)
    expect(row.get_by_role("cell").nth(0)).to_have_text("1")  # one complaint answered
    expect(row.get_by_role("cell").nth(1)).to_have_text(re.compile(r"^\d+ (s|min)"))  # answered within the test
    satisfaction = page.get_by_role("table", name="Callers' satisfaction per provider")
    expect(satisfaction.get_by_role("row").filter(has_text=PROVIDER_NAME).get_by_role("cell").nth(0)).to_have_text("1")
    screenshot(page, "journey-dashboard")
