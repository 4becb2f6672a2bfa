"""The producer's episode pages through the real app: who may open them, drafting a week from the list, and
the episode form (reorder, trim on words, voice, answer, lines) with a stale save refused without losing
what was typed. Never a caller's number, never a complaint whose caller kept it off the air."""

from __future__ import annotations

import html as html_module
import re
import wave
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlmodel import Session, col, select
from starlette.testclient import TestClient

from hotline.audio_store import AudioStore
from hotline.iso_weeks import week_of
from hotline.models import Complaint, Episode, EpisodeSegment, utcnow
from hotline.privacy import mask_number
from hotline.settings import Settings
from tests.answer_factories import make_response
from tests.conftest import reread
from tests.episode_factories import CLINIC, SCHOOL, WEEK_START, reviewed
from tests.factories import CALLER_NUMBER, make_complaint, make_transcript
from tests.staff.web.conftest import csrf_of, log_in, make_user

PRODUCER = "producer@example.org"


@pytest.fixture
def producer(session: Session, client: TestClient) -> TestClient:
    """The test client, logged in as a producer."""
    make_user(session, PRODUCER, "producer")
    log_in(client, PRODUCER)
    return client


def _draft(client: TestClient, week: str = "2026-W48") -> int:
    form = client.get("/episodes")
    response = client.post(
        "/episodes", data={"station": "khovd", "week": week, "csrf_token": csrf_of(form.text)}, follow_redirects=False
    )
    assert response.status_code == 303, response.text
    match = re.fullmatch(r"/episodes/(\d+)\?done=drafted", response.headers["location"])
    assert match, response.headers["location"]
    return int(match.group(1))


def _two_drafted(client: TestClient, session: Session) -> tuple[Complaint, Complaint, int]:
    """A clinic and a school complaint, both chosen in the week's drafted episode."""
    clinic, school = reviewed(session, CLINIC, day=1), reviewed(session, SCHOOL, sector="education", day=2)
    return clinic, school, _draft(client)


def _segments(session: Session, episode_id: int) -> dict[str, EpisodeSegment]:
    """Complaint reference → its segment, as stored now."""
    reread(session)
    rows = session.exec(
        select(EpisodeSegment, Complaint.reference)
        .join(Complaint, col(Complaint.id) == EpisodeSegment.complaint_id)
        .where(EpisodeSegment.episode_id == episode_id)
    ).all()
    return {reference: segment for segment, reference in rows}


def _form(html: str) -> dict[str, str | list[str]]:
    """The episode form as a browser would send it untouched: every field with its shown value."""
    fields: dict[str, str | list[str]] = {"csrf_token": csrf_of(html), "version": _value(html, "version")}
    fields["chosen"] = re.findall(r'name="chosen" value="(\d+)"', html)
    fields["chosen_listed"] = _value(html, "chosen_listed")
    for name, value in re.findall(r'<input type="hidden" name="(shown_\w+)" value="([^"]*)"', html):
        fields[name] = _unescape(value)
    fields["title"] = _value(html, "title")
    fields["air_date"] = _value(html, "air_date")
    for name in ("intro", "outro", *re.findall(r'name="(lines_\d+)"', html)):
        found = re.search(rf'name="{name}"[^>]*>(.*?)</textarea>', html, re.S)
        assert found, name
        fields[name] = _unescape(found.group(1))
    for name in re.findall(r'<select id="((?:trim_first|trim_last|answer)_\d+)"', html):
        select_html = re.search(rf'name="{name}"[^>]*>(.*?)</select>', html, re.S)
        assert select_html, name
        chosen = re.search(r'<option value="([^"]*)" selected', select_html.group(1))
        fields[name] = chosen.group(1) if chosen else ""
    for name, value in re.findall(r'<input type="radio" name="(voice_\d+)" value="(\w+)" checked', html):
        fields[name] = value
    return fields


def _value(html: str, name: str) -> str:
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, name
    return _unescape(found.group(1))


def _unescape(text: str) -> str:
    return html_module.unescape(text)


def _save(client: TestClient, episode_id: int, fields: dict[str, str | list[str]], action: str = "save"):
    return client.post(f"/episodes/{episode_id}", data={**fields, "action": action}, follow_redirects=False)


def test_only_producers_and_admins_open_the_episode_pages(client: TestClient, session: Session) -> None:
    reviewed(session)
    make_user(session, "staff@example.org", "staff")
    make_user(session, "admin@example.org", "admin")
    make_user(session, PRODUCER, "producer")
    log_in(client, PRODUCER)
    episode_id = _draft(client)
    assert 'href="/episodes"' in client.get("/account/password").text  # the nav link
    for beyond in ("0", "2147483648", "9999999999"):  # no such row, and none PostgreSQL's integer could hold
        assert client.get(f"/episodes/{beyond}").status_code == 404, beyond
    client.cookies.clear()
    log_in(client, "admin@example.org")
    assert client.get(f"/episodes/{episode_id}").status_code == 200
    client.cookies.clear()
    log_in(client, "staff@example.org")
    assert 'href="/episodes"' not in client.get("/account/password").text
    for path in ("/episodes", f"/episodes/{episode_id}"):
        assert client.get(path).status_code == 403, path
    token = csrf_of(client.get("/account/password").text)
    assert client.post("/episodes", data={"station": "khovd", "csrf_token": token}).status_code == 403
    assert client.post(f"/episodes/{episode_id}", data={"version": "1", "csrf_token": token}).status_code == 403
    client.cookies.clear()
    make_user(session, "nurse@example.org", "provider")
    log_in(client, "nurse@example.org")
    assert client.get(f"/episodes/{episode_id}").status_code == 403
    client.cookies.clear()
    assert client.get("/episodes", follow_redirects=False).headers["location"] == "/login?next=/episodes"


def test_a_producer_drafts_a_week_and_sees_only_consented_complaints(
    producer: TestClient, session: Session, settings: Settings, tmp_path: Path
) -> None:
    key = "calls/clinic.wav"
    AudioStore(settings.audio_dir).put(key, _silence(tmp_path / "call.wav").read_bytes())
    clinic = reviewed(session, CLINIC, day=1, recording={"storage_key": key, "audio_format": "wav"})
    school = reviewed(session, SCHOOL, sector="education", day=2)
    refused = reviewed(session, CLINIC, day=2, consent=False)
    listed = producer.get("/episodes")
    this_week = week_of(utcnow(), "Asia/Ulaanbaatar")  # the Mongolian deployment's zone
    assert f'type="week" value="{this_week}"' in listed.text and "No episode has been drafted yet." in listed.text
    episode_id = _draft(producer)
    html = producer.get(f"/episodes/{episode_id}?done=drafted").text
    assert "Episode drafted." in html and clinic.reference in html and school.reference in html
    assert refused.reference not in html
    for secret in (CALLER_NUMBER, mask_number(CALLER_NUMBER)):
        assert secret not in html
    assert "Days the answer is overdue" not in html and "Not answered yet" in html
    # The preview plays the consented caller through the complaint audio route, which admits producers.
    assert f'src="/complaints/{clinic.reference}/audio"' in html  # no word timings: the whole recording
    assert producer.get(f"/complaints/{clinic.reference}/audio").status_code == 200
    assert producer.get(f"/complaints/{refused.reference}/audio").status_code == 404
    listed = producer.get("/episodes").text
    assert f'href="/episodes/{episode_id}"' in listed and "2026-W48" in listed and "Draft" in listed
    bad_week = producer.post("/episodes", data={"station": "khovd", "week": "W48", "csrf_token": csrf_of(listed)})
    assert bad_week.status_code == 400 and "Write an ISO week that exists, like 2026-W48." in bad_week.text
    bad_station = producer.post(
        "/episodes", data={"station": "nope", "week": "2026-W48", "csrf_token": csrf_of(listed)}
    )
    assert bad_station.status_code == 400 and "no station" in bad_station.text


def test_reorder_keeps_what_was_typed_and_add_and_remove_change_the_show(
    producer: TestClient, session: Session
) -> None:
    first, second, episode_id = _two_drafted(producer, session)
    before = _segments(session, episode_id)
    order = [r for r, _ in sorted(((r, s.position) for r, s in before.items() if s.chosen), key=lambda x: x[1])]
    assert set(order) == {first.reference, second.reference}
    top = before[order[0]]
    fields = _form(producer.get(f"/episodes/{episode_id}").text)
    fields[f"lines_{top.id}"] = "Эхний дуудлага"
    moved = _save(producer, episode_id, fields, action=f"down:{top.id}")
    assert moved.status_code == 303 and moved.headers["location"].endswith(f"done=saved#segment-{top.id}")
    after = _segments(session, episode_id)
    assert (after[order[0]].position, after[order[1]].position) == (2, 1)
    assert after[order[0]].host_lines == "Эхний дуудлага"
    episode = session.get(Episode, episode_id)
    assert episode is not None and episode.version == 2
    fields = _form(producer.get(f"/episodes/{episode_id}").text)
    assert _save(producer, episode_id, fields, action=f"remove:{top.id}").status_code == 303
    assert not _segments(session, episode_id)[order[0]].chosen
    html = producer.get(f"/episodes/{episode_id}").text
    assert f'value="add:{top.id}"' in html
    assert _save(producer, episode_id, _form(html), action=f"add:{top.id}").status_code == 303
    assert _segments(session, episode_id)[order[0]].position == 2


def test_a_trim_saves_the_word_indices_and_shows_the_new_clip(producer: TestClient, session: Session) -> None:
    complaint = make_complaint(session, status="in_review", created_at=WEEK_START + timedelta(days=1))
    make_transcript(session, complaint)  # the machine heard "эмнэлэгт" 0.4-1.1, "эм" 1.2-1.4, "байхгүй" 1.5-2.0
    make_transcript(session, complaint, version=2, source="staff", text="Эмнэлэгт эм байхгүй байна.", words=None)
    episode_id = _draft(producer)
    html = producer.get(f"/episodes/{episode_id}").text
    assert "Clip: 0.25 s to 41.50 s, lasting 41.25 s" in html
    [segment] = _segments(session, episode_id).values()
    fields = _form(html)
    fields |= {f"trim_first_{segment.id}": "1", f"trim_last_{segment.id}": "2"}
    assert _save(producer, episode_id, fields).status_code == 303
    saved = _segments(session, episode_id)[complaint.reference]
    assert (saved.trim_first_word, saved.trim_last_word) == (1, 2)
    html = producer.get(f"/episodes/{episode_id}").text
    assert "Clip: 1.15 s to 2.15 s, lasting 1.00 s" in html
    assert f'src="/complaints/{complaint.reference}/audio#t=1.15,2.15"' in html
    # The last word before the first comes back beside the selects, with the typed lines kept; nothing saved.
    fields = _form(html) | {f"trim_first_{segment.id}": "3", f"trim_last_{segment.id}": "0"}
    fields[f"lines_{segment.id}"] = "Шинэ мөр"
    refused = _save(producer, episode_id, fields)
    assert refused.status_code == 400
    assert "The last word comes before the first" in refused.text and "Шинэ мөр</textarea>" in refused.text
    outside = _save(producer, episode_id, _form(html) | {f"trim_last_{segment.id}": "9"})
    assert outside.status_code == 400 and "The transcript has 4 words" in outside.text
    saved = _segments(session, episode_id)[complaint.reference]
    assert (saved.trim_first_word, saved.trim_last_word, saved.host_lines) == (1, 2, segment.host_lines)


def test_the_air_date_shows_the_stations_day_and_a_producer_moves_the_show(
    producer: TestClient, session: Session
) -> None:
    reviewed(session)
    episode_id = _draft(producer)
    html = producer.get(f"/episodes/{episode_id}").text
    assert 'name="air_date" value="2026-11-28" type="date" min="2026-11-16" max="2026-12-06"' in html
    assert "airs on 2026-11-28" in html and "The station airs the show on 2026-11-28." in html
    assert _save(producer, episode_id, _form(html)).status_code == 303
    reread(session)
    episode = session.get(Episode, episode_id)
    assert episode is not None and episode.air_date is None, "an untouched date stays the station's"

    moved = _save(
        producer, episode_id, _form(producer.get(f"/episodes/{episode_id}").text) | {"air_date": "2026-11-29"}
    )
    assert moved.status_code == 303, moved.text
    reread(session)
    episode = session.get(Episode, episode_id)
    assert episode is not None and episode.air_date == date(2026, 11, 29) and episode.version == 3
    html = producer.get(f"/episodes/{episode_id}").text
    assert 'name="air_date" value="2026-11-29"' in html and "airs on 2026-11-29" in html

    far = _save(producer, episode_id, _form(html) | {"air_date": "2027-01-10", "intro": "Шинэ оршил"})
    assert far.status_code == 400 and "or at most 7 days before or after it" in far.text
    assert 'name="air_date" value="2027-01-10"' in far.text and "Шинэ оршил</textarea>" in far.text, "typed, kept"

    cleared = _save(producer, episode_id, _form(html) | {"air_date": ""})
    assert cleared.status_code == 303
    reread(session)
    episode = session.get(Episode, episode_id)
    assert episode is not None and episode.air_date is None and episode.version == 4


def test_a_stale_save_is_a_409_that_keeps_the_typed_text(producer: TestClient, session: Session) -> None:
    reviewed(session)
    episode_id = _draft(producer)
    stale = _form(producer.get(f"/episodes/{episode_id}").text)
    assert (
        _save(
            producer, episode_id, _form(producer.get(f"/episodes/{episode_id}").text) | {"title": "Other"}
        ).status_code
        == 303
    )
    stale["intro"] = "Миний бичсэн оршил"
    refused = _save(producer, episode_id, stale)
    assert refused.status_code == 409
    assert "Someone saved this episode meanwhile (it is now version 2)" in refused.text
    assert "Миний бичсэн оршил</textarea>" in refused.text and 'name="version" value="2"' in refused.text
    reread(session)
    episode = session.get(Episode, episode_id)
    assert episode is not None and episode.title == "Other" and episode.intro != "Миний бичсэн оршил"
    # Saving the kept form again applies it on the newest version.
    assert _save(producer, episode_id, _form(refused.text)).status_code == 303
    reread(session)
    episode = session.get(Episode, episode_id)
    assert episode is not None and episode.intro == "Миний бичсэн оршил" and episode.title == "Other"


def test_voice_and_answer_choices_are_saved_and_shown_with_the_warning(
    producer: TestClient, session: Session, settings: Settings
) -> None:
    complaint = reviewed(session)
    response = make_response(session, complaint, settings=settings, text="Эм даваа гарагт ирнэ.")
    episode_id = _draft(producer)
    html = producer.get(f"/episodes/{episode_id}").text
    assert "A pitch shift can be reversed" in html and "re-voiced, which is the safe choice" in html
    assert "Эм даваа гарагт ирнэ." in html and "Answered by the provider" in html
    [segment] = _segments(session, episode_id).values()
    assert f'value="{response.id}:text" selected' in html  # the draft airs its text (no recording)
    assert f'value="{response.id}:audio"' not in html
    fields = _form(html) | {f"voice_{segment.id}": "revoiced", f"answer_{segment.id}": ""}
    assert _save(producer, episode_id, fields).status_code == 303
    saved = _segments(session, episode_id)[complaint.reference]
    assert (saved.voice, saved.response_id, saved.answer_airs) == ("revoiced", None, None)
    html = producer.get(f"/episodes/{episode_id}").text
    assert f'name="voice_{segment.id}" value="revoiced" checked' in html
    forged = _save(producer, episode_id, _form(html) | {f"voice_{segment.id}": "robot"})
    assert forged.status_code == 400 and "voice must be one of" in forged.text


def test_a_segment_whose_caller_withdrew_consent_disappears_from_the_page(
    producer: TestClient, session: Session
) -> None:
    kept = reviewed(session, CLINIC, day=1)
    withdrawn = reviewed(session, CLINIC + " байна", day=2)  # the same complaint: one group of two callers
    episode_id = _draft(producer)
    html = producer.get(f"/episodes/{episode_id}").text
    assert f"({kept.reference}, {withdrawn.reference})" in html or f"({withdrawn.reference}, {kept.reference})" in html
    reread(session)  # a fresh snapshot: the app wrote the draft since
    withdrawn.broadcast_consent = False
    session.add(withdrawn)
    session.commit()
    html = producer.get(f"/episodes/{episode_id}").text
    assert kept.reference in html and withdrawn.reference not in html


def _silence(path: Path, seconds: float = 1.0) -> Path:
    """A real WAV file (8 kHz mono silence) for the audio route to serve."""
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(8000)
        out.writeframes(b"\0\0" * int(8000 * seconds))
    return path


def test_the_pages_speak_mongolian(client: TestClient, session: Session) -> None:
    reviewed(session, CLINIC, day=1, response_deadline_at=WEEK_START, status="routed", routed_at=WEEK_START)
    make_user(session, PRODUCER, "producer", language="mn")
    log_in(client, PRODUCER)
    episode_id = _draft(client)
    listed = client.get("/episodes").text
    assert "Долоо хоногийн ноорог гаргах" in listed and "Ноорог" in listed
    html = client.get(f"/episodes/{episode_id}").text
    for text in (
        "Сонгосон хэсгүүд, эфирийн дарааллаар",
        "Дууны өндрийн өөрчлөлтийг буцаах боломжтой",
        "Хариулт хоцорсон хоног",
    ):
        assert text in html, text
