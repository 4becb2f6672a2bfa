"""The status line after the radio show: a caller whose complaint was discussed on air hears so, with the date
said the way their language says dates, right after the status and before the answer or goodbye.

Calls go through the real app as Twilio drives them (ivr.simulator), in every language of every shipped
deployment; the air date comes from publishing a real (built) episode, or is set on the complaint for the
other deployments' calls. The app reads the real clock, so a show that airs yesterday or the day after tomorrow
is set relative to it: a show published ahead of its air time is not said to have aired, nor is its status.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import ExitStack
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.audit import SYSTEM
from hotline.deployment import DEPLOYMENTS_DIR, load_deployment
from hotline.episode_publishing import publish_episode
from hotline.models import Complaint, utcnow
from hotline.settings import Settings
from ivr.simulator import CallTranscript, SimulatedCall
from ivr.status_line import spoken_date
from tests.answer_factories import make_response
from tests.conftest import PUBLIC_BASE_URL, TWILIO_SID, TWILIO_TOKEN, RecordingDispatcher, make_settings, reread
from tests.episode_factories import CLINIC, reviewed
from tests.episode_publish_factories import built_episode
from tests.ivr.conftest import Caller

STATUS_LINE = "2"
AIRED_AT = datetime(2025, 11, 29, 3, 0, tzinfo=UTC)  # the 29th in Ulaanbaatar, Phnom Penh and Seoul; in the past
SPOKEN = {  # CLDR's long dates, as a speaker reads them out
    "mn": "2025 оны арван нэгдүгээр сарын 29",
    "km": "29 វិច្ឆិកា 2025",
    "ko": "2025년 11월 29일",
    "en": "November 29, 2025",
}


def _prompt(settings: Settings, language: str, prompt_id: str) -> str:
    return settings.deployment.language(language).prompts[prompt_id]


def _aired_sentence(settings: Settings, language: str) -> str:
    return _prompt(settings, language, "status_aired").format(date=SPOKEN[language])


def _local_today(settings: Settings) -> date:
    return utcnow().astimezone(ZoneInfo(settings.deployment.timezone)).date()


def _published_airing_on(session: Session, settings: Settings, day: date) -> None:
    """Publish (now) the built Khovd episode, moved by its producer to air on `day`."""
    episode = built_episode(session, settings)
    episode.air_date = day  # written directly: the edit refuses a day this far from the episode's week
    session.add(episode)
    session.commit()
    publish_episode(session, episode=episode, deployment=settings.deployment, actor=SYSTEM, now=utcnow())
    session.commit()


def test_a_published_episodes_caller_hears_it_was_discussed_on_air_and_when(
    place_call: Caller, session: Session, settings: Settings
) -> None:
    complaint = reviewed(session, CLINIC, day=1, status="routed")
    yesterday = _local_today(settings) - timedelta(days=1)
    _published_airing_on(session, settings, yesterday)
    call = place_call(["2", STATUS_LINE, complaint.reference + "#"])  # English
    aired = _prompt(settings, "en", "status_aired").format(date=spoken_date(yesterday, "en"))
    status_at = next(i for i, line in enumerate(call.heard) if "passed to the responsible office" in line)
    assert call.heard[status_at + 1] == aired, call.heard
    assert call.heard[-1] == _prompt(settings, "en", "goodbye") and call.hung_up


def test_a_show_published_before_it_airs_is_not_yet_said_to_have_aired(
    place_call: Caller, session: Session, settings: Settings
) -> None:
    complaint = reviewed(session, CLINIC, day=1, status="answered")
    _published_airing_on(session, settings, _local_today(settings) + timedelta(days=2))  # Friday for Sunday
    reread(session)
    stored = session.get(Complaint, complaint.id)
    assert stored is not None and stored.status == "aired" and stored.aired_at is not None
    call = place_call(["2", STATUS_LINE, complaint.reference + "#"])
    heard = " ".join(call.heard)
    before_date = _prompt(settings, "en", "status_aired").split("{date}")[0]
    assert before_date not in heard, call.heard
    assert "answered by the responsible office" in heard and "discussed on the radio show" not in heard, call.heard


def test_with_an_answer_the_air_date_comes_between_the_status_and_the_answer_and_not_on_a_replay(
    place_call: Caller, session: Session, settings: Settings
) -> None:
    complaint = reviewed(session, CLINIC, day=1, status="answered", aired_at=AIRED_AT)
    make_response(session, complaint, settings=settings, text="Эм ирэх долоо хоногт ирнэ.")
    call = place_call(["1", STATUS_LINE, complaint.reference + "#", "1", ""])  # Mongolian; 1 = the answer again
    aired = _aired_sentence(settings, "mn")
    assert aired == "Таны гомдлыг 2025 оны арван нэгдүгээр сарын 29-нд радио нэвтрүүлгээр хэлэлцсэн."
    said = call.heard
    status_at = next(i for i, line in enumerate(said) if "дугаартай гомдлын явц" in line)  # the status
    assert said[status_at + 1 : status_at + 4] == [
        aired,
        _prompt(settings, "mn", "answer_text_intro"),
        "Эм ирэх долоо хоногт ирнэ.",
    ]
    assert said.count(aired) == 1, "the replay repeats the answer, not the status nor the air date"
    assert said.count("Эм ирэх долоо хоногт ирнэ.") == 2


def test_a_complaint_not_yet_on_air_hears_no_air_date(place_call: Caller, session: Session, settings: Settings) -> None:
    complaint = reviewed(session, CLINIC, day=1, status="routed")
    call = place_call(["2", STATUS_LINE, complaint.reference + "#"])
    before_date = _prompt(settings, "en", "status_aired").split("{date}")[0]
    assert not any(before_date in line for line in call.heard)
    assert "passed to the responsible office" in " ".join(call.heard)


Dialler = Callable[[list[str]], CallTranscript]
OnDeployment = Callable[[str], tuple[Settings, Dialler]]


@pytest.fixture
def call_in(tmp_path: Path, database_url: str, engine: Engine) -> Iterator[OnDeployment]:
    """A caller on another shipped deployment: its settings, and a function placing a call."""
    with ExitStack() as stack:

        def on(deployment: str) -> tuple[Settings, Dialler]:
            settings = make_settings(tmp_path, database_url, HOTLINE_CONFIG=DEPLOYMENTS_DIR / f"{deployment}.toml")
            app = create_app(settings, jobs=RecordingDispatcher(), engine=engine)
            client = stack.enter_context(TestClient(app, base_url=PUBLIC_BASE_URL))

            def run(digits: list[str]) -> CallTranscript:
                return SimulatedCall(
                    client=client, base_url=PUBLIC_BASE_URL, auth_token=TWILIO_TOKEN, account_sid=TWILIO_SID,
                    digits=digits,
                ).run()  # fmt: skip

            return settings, run

        yield on


@pytest.mark.parametrize(
    ("deployment", "digit", "language"),
    [
        ("mongolia", "1", "mn"),
        ("mongolia", "2", "en"),
        ("cambodia", "1", "km"),
        ("cambodia", "2", "en"),
        ("demo_korean", "1", "ko"),
        ("demo_korean", "2", "en"),
    ],
)
def test_every_shipped_language_says_the_air_date_its_own_way(
    call_in: OnDeployment, session: Session, deployment: str, digit: str, language: str
) -> None:
    settings, run = call_in(deployment)
    complaint = reviewed(session, CLINIC, day=1, status="closed", aired_at=AIRED_AT)
    call = run([digit, STATUS_LINE, complaint.reference + "#"])
    aired = _aired_sentence(settings, language)
    assert SPOKEN[language] in aired and "{" not in aired
    assert aired in call.heard, call.heard
    assert call.heard.index(aired) == len(call.heard) - 2, "after the status, before goodbye"


@pytest.mark.parametrize("path", sorted(DEPLOYMENTS_DIR.glob("*.toml")), ids=lambda p: p.stem)
def test_every_language_of_every_shipped_deployment_has_the_aired_prompt(path: Path) -> None:
    for language in load_deployment(path).languages:
        spoken = spoken_date(date(2025, 11, 29), language.code)
        assert spoken == SPOKEN[language.code]
        assert spoken in language.prompts["status_aired"].format(date=spoken)


def test_a_language_babel_does_not_know_hears_the_iso_date() -> None:
    assert spoken_date(date(2025, 11, 29), "xx") == "2025-11-29"
