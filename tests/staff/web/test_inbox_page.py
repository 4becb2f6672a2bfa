"""The inbox page through the real app: who may open it, the table, filters, search, status tabs, pages."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from html import unescape

import pytest
from sqlmodel import Session
from starlette.testclient import TestClient

from hotline.models import ComplaintStatus
from tests.factories import make_complaint, make_transcript
from tests.staff.web.conftest import log_in, make_user

T0 = datetime(2026, 1, 4, 15, 30, tzinfo=UTC)  # 23:30 in Ulaanbaatar
_REFERENCE_LINK = re.compile(r'<a href="/complaints/(\d+)">')


def listed(html: str) -> list[str]:
    return _REFERENCE_LINK.findall(html)


def tab_count(html: str, label: str) -> int:
    match = re.search(rf">{re.escape(label)} <span class=\"count\">(\d+)</span>", html)
    assert match, f"no tab {label!r}"
    return int(match.group(1))


@pytest.fixture
def three(session: Session) -> list[str]:
    """Oldest first: a hospital complaint, a private school one, one waiting for transcription."""
    hospital = make_complaint(session, created_at=T0, status=ComplaintStatus.TRANSCRIBED)
    make_transcript(session, hospital, text="Эмнэлэгт эмч алга <script>alert(1)</script>", mean_confidence=0.42)
    school = make_complaint(session, created_at=T0 + timedelta(hours=1), broadcast_consent=False, sector="education")
    make_transcript(session, school, text="Сургуулийн халаалт ажиллахгүй байна")
    waiting = make_complaint(
        session, created_at=T0 + timedelta(hours=2), status=ComplaintStatus.NEEDS_MANUAL_TRANSCRIPTION
    )
    return [hospital.reference, school.reference, waiting.reference]


@pytest.fixture
def staff_client(client: TestClient, session: Session) -> TestClient:
    make_user(session, "reviewer@example.org", "staff")
    log_in(client, "reviewer@example.org")
    return client


def test_anonymous_visitors_are_sent_to_log_in_and_providers_to_their_own_list(client: TestClient, session: Session):
    for path in ("/", "/complaints?q=x"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next=")
    make_user(session, "provider@example.org", "provider")
    log_in(client, "provider@example.org")
    start = client.get("/", follow_redirects=False)
    assert start.status_code == 302 and start.headers["location"] == "/provider/complaints"
    assert client.get("/complaints").status_code == 403  # the staff inbox itself stays closed to providers


def test_the_table_newest_first_with_every_column(staff_client: TestClient, three: list[str]):
    html = staff_client.get("/").text
    assert listed(html) == three[::-1]
    row = html[html.index(f"/complaints/{three[0]}") :].split("</tr>")[0]
    assert "2026-01-04 23:30" in row  # the deployment's time zone
    assert "0.42" in row and "<td>+•••••••••33</td>" in row and "Эрүүл мэнд" not in row  # English names
    assert "Эмнэлэгт эмч алга" in row
    assert "<script>" not in html and "&lt;script&gt;" in html  # a transcript is text, never markup
    assert "99112233" not in html


def test_every_filter_field_has_a_label(staff_client: TestClient, three: list[str]):
    html = staff_client.get("/complaints").text
    form = html[html.index('<form method="get" action="/complaints"') :].split("</form>")[0]
    ids = re.findall(r'<(?:input|select) id="([^"]+)"', form)
    assert {"q", "status", "sector", "area", "soum", "language", "from", "to", "consent", "reviewed"} <= set(ids)
    assert all(f'<label for="{field}">' in form for field in ids)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=ЭМНЭЛ", [0]),
        ("q=халаалт&sector=education", [1]),
        ("status=needs_manual_transcription", [2]),
        ("consent=no", [1]),
        ("low_confidence=yes", [0]),
        ("from=2026-01-05", [2, 1]),  # local dates: 00:30 and 01:30 on the 5th in Ulaanbaatar
        ("to=2026-01-04", [0]),
    ],
)
def test_filters_and_search(staff_client: TestClient, three: list[str], query: str, expected: list[int]):
    assert listed(staff_client.get(f"/complaints?{query}").text) == [three[i] for i in expected]


def test_status_tabs_count_with_the_other_filters_kept(staff_client: TestClient, three: list[str]):
    html = staff_client.get("/complaints?status=transcribed&sector=health&done=saved").text
    assert tab_count(html, "All complaints") == 2
    assert tab_count(html, "Transcribed") == 1 and tab_count(html, "Needs manual transcription") == 1
    assert 'href="/complaints?sector=health&amp;status=needs_manual_transcription"' in html  # no `done`


def test_producers_see_only_consented_complaints(client: TestClient, session: Session, three: list[str]):
    make_user(session, "producer@example.org", "producer")
    log_in(client, "producer@example.org")
    html = client.get("/").text
    assert listed(html) == [three[2], three[0]]
    assert tab_count(html, "All complaints") == 2


def test_next_page_link_walks_everything_once(staff_client: TestClient, session: Session):
    made = [make_complaint(session, created_at=T0 + timedelta(minutes=i)).reference for i in range(53)]
    first = staff_client.get("/complaints?sector=health").text
    next_link = unescape(re.search(r'<a href="([^"]+)" rel="next">', first).group(1))  # type: ignore[union-attr]
    second = staff_client.get(next_link).text
    assert listed(first) + listed(second) == made[::-1]
    assert 'rel="next"' not in second and "sector=health" in next_link


def test_a_bad_filter_is_a_400_page_naming_it(staff_client: TestClient):
    response = staff_client.get("/complaints?consent=maybe")
    assert response.status_code == 400
    assert "consent must be yes or no" in unescape(response.text)
