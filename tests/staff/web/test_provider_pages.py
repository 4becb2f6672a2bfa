"""The provider's pages and staff's answer forms, through a logged-in browser-like client on the real app:
the provider's list (newest first, overdue marked, deadlines), its complaint with the current transcript, the
multipart answer form with a recording, staff answering on the provider's behalf and closing the case."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlmodel import Session, select
from starlette.testclient import TestClient

from hotline.answer_audio import MAX_UPLOAD_BYTES
from hotline.models import Complaint, Provider, User, utcnow
from hotline.models.answers import Response
from hotline.responses import ResponseVersion
from staff.web.responses import render
from tests.answers import make_provider, make_provider_user, make_routed, spoken_answer
from tests.conftest import reread
from tests.staff.web.conftest import csrf_of, log_in

NURSE = "nurse@clinic.example"


@pytest.fixture
def signed_in_provider(client: TestClient, session: Session) -> Provider:
    """A provider whose one user (NURSE) is signed in on `client`."""
    provider = make_provider(session)
    make_provider_user(session, NURSE, provider)
    log_in(client, NURSE)
    return provider


@pytest.fixture
def staff_on_complaint(client: TestClient, session: Session, staff_user: User) -> tuple[Complaint, str]:
    """A complaint routed to a provider, opened by signed-in staff: the complaint and its page's CSRF token."""
    complaint = make_routed(session, make_provider(session))
    log_in(client, staff_user.email)
    return complaint, csrf_of(client.get(f"/complaints/{complaint.reference}").text)


def test_provider_list_marks_overdue_and_shows_deadlines(
    client: TestClient, session: Session, signed_in_provider: Provider
) -> None:
    late = make_routed(session, signed_in_provider, days_left=-1)
    fresh = make_routed(session, signed_in_provider)
    page = client.get("/provider/complaints")
    assert page.status_code == 200
    assert page.text.index(fresh.reference) < page.text.index(late.reference)  # newest first
    rows = page.text.split("<tr")
    late_row = next(r for r in rows if late.reference in r)
    fresh_row = next(r for r in rows if fresh.reference in r)
    assert 'class="overdue"' in late_row and "Overdue" in late_row and "Overdue" not in fresh_row
    assert "<td>Routed</td>" in fresh_row  # the status by its label
    assert 'href="/provider/complaints"' in page.text  # the nav takes a provider to its own list


def test_provider_answers_with_text_and_a_recording_through_the_form(
    client: TestClient, session: Session, tmp_path: Path, signed_in_provider: Provider
) -> None:
    complaint = make_routed(session, signed_in_provider, soum="8410")
    page = client.get(f"/provider/complaints/{complaint.reference}")
    assert page.status_code == 200 and "Buyant" in page.text  # the soum by its name, never a finer place
    assert "эмнэлэгт эм байхгүй, тусламж хэрэгтэй" in page.text and 'enctype="multipart/form-data"' in page.text
    recording = spoken_answer(tmp_path, "ogg")
    with recording.open("rb") as fh:
        sent = client.post(
            f"/complaints/{complaint.reference}/responses",
            data={"csrf_token": csrf_of(page.text), "text": "New medicine arrives on Monday."},
            files={"audio": ("answer.ogg", fh, "audio/ogg")},
            follow_redirects=False,
        )
    assert (
        sent.status_code == 303
        and sent.headers["location"] == f"/provider/complaints/{complaint.reference}?done=answered"
    )
    shown = client.get(sent.headers["location"])
    assert "Your answer was saved." in shown.text and "New medicine arrives on Monday." in shown.text
    audio_url = f"/complaints/{complaint.reference}/responses/1/audio"
    assert f'src="{audio_url}"' in shown.text
    audio = client.get(audio_url, headers={"Range": "bytes=0-3"})
    assert audio.status_code == 206 and audio.content == b"RIFF"
    reread(session)
    assert session.get(Complaint, complaint.id).status == "answered"  # type: ignore[union-attr]


def test_a_broken_recording_comes_back_with_the_typed_text(
    client: TestClient, session: Session, signed_in_provider: Provider
) -> None:
    complaint = make_routed(session, signed_in_provider)
    csrf = csrf_of(client.get(f"/provider/complaints/{complaint.reference}").text)
    sent = client.post(
        f"/complaints/{complaint.reference}/responses",
        data={"csrf_token": csrf, "text": "keep these words"},
        files={"audio": ("answer.mp3", b"not audio at all" * 20, "audio/mpeg")},
        follow_redirects=False,
    )
    assert sent.status_code == 400 and "cannot be used" in sent.text and "keep these words" in sent.text
    assert session.exec(select(Response)).all() == []


def test_staff_answer_on_behalf_and_close_from_the_complaint_forms(
    client: TestClient, session: Session, staff_on_complaint: tuple[Complaint, str]
) -> None:
    complaint, csrf = staff_on_complaint
    answered = client.post(
        f"/complaints/{complaint.reference}/responses",
        data={"csrf_token": csrf, "text": "Their letter says: fixed."},
        files={"audio": ("", b"", "application/octet-stream")},  # no file chosen, as a browser sends it
        follow_redirects=False,
    )
    assert answered.status_code == 303 and answered.headers["location"].startswith(f"/complaints/{complaint.reference}")
    closed = client.post(
        f"/complaints/{complaint.reference}/close",
        data={"csrf_token": csrf, "closure": "fixed", "reason": "caller confirmed"},
        follow_redirects=False,
    )
    assert closed.status_code == 303
    refused = client.post(
        f"/complaints/{complaint.reference}/close",
        data={"csrf_token": csrf, "closure": "fixed"},
        follow_redirects=False,
    )
    assert refused.status_code == 409
    assert (
        'role="alert"' in refused.text and f'<span class="reference">{complaint.reference}</span>' in refused.text
    )  # the complaint page
    reread(session)
    saved = session.get(Complaint, complaint.id)
    assert saved is not None and (saved.status, saved.closure) == ("closed", "fixed")
    assert [(r.on_behalf, r.text) for r in session.exec(select(Response)).all()] == [
        (True, "Their letter says: fixed.")
    ]


def test_a_refused_answer_on_behalf_comes_back_on_the_complaint_page_with_the_typed_text(
    client: TestClient, session: Session, staff_on_complaint: tuple[Complaint, str]
) -> None:
    complaint, csrf = staff_on_complaint
    sent = client.post(
        f"/complaints/{complaint.reference}/responses",
        data={"csrf_token": csrf, "text": "keep these words"},
        files={"audio": ("answer.mp3", b"not audio at all" * 20, "audio/mpeg")},
        follow_redirects=False,
    )
    assert sent.status_code == 400 and "cannot be used" in sent.text
    assert (
        f'<span class="reference">{complaint.reference}</span>' in sent.text and 'id="transcript-text"' in sent.text
    )  # the whole page
    assert ">keep these words</textarea>" in sent.text and "<details open>" in sent.text
    assert session.exec(select(Response)).all() == []


def test_the_responses_panel_renders_for_staff(session: Session) -> None:
    """The partial the complaint page includes: versions, the on-behalf form and the close form."""
    provider = make_provider(session)
    complaint = make_routed(session, provider, status="answered")
    version = ResponseVersion(2, "Fixed on Monday.", True, 4.2, True, "staff@example.org", utcnow())
    html = render(
        "en",
        "_responses_panel.html",
        {"detail": complaint, "responses": [version], "csrf_token": "t", "timezone": "Asia/Ulaanbaatar"},
    ).body.decode()
    assert "Fixed on Monday." in html and f"/complaints/{complaint.reference}/responses/2/audio" in html
    assert f'action="/complaints/{complaint.reference}/close"' in html
    assert f'action="/complaints/{complaint.reference}/responses"' in html


def test_an_upload_is_read_only_for_a_signed_in_user_the_form_admits(client: TestClient, session: Session) -> None:
    provider = make_provider(session)
    make_provider_user(session, NURSE, provider)
    complaint = make_routed(session, provider)
    big = {"audio": ("big.wav", b"\0" * (MAX_UPLOAD_BYTES + 512 * 1024), "audio/wav")}
    url = f"/complaints/{complaint.reference}/responses"
    anonymous = client.post(url, data={"csrf_token": "x"}, files=big, follow_redirects=False)
    assert anonymous.status_code == 303 and anonymous.headers["location"].startswith("/login")
    log_in(client, NURSE)
    csrf = csrf_of(client.get(f"/provider/complaints/{complaint.reference}").text)
    assert client.post(url, data={"csrf_token": csrf}, files=big, follow_redirects=False).status_code == 413
