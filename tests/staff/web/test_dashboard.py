"""The dashboard page and the CSV files through the real app: figures shown in readable units and the reader's
language, SVG charts that parse and have a bar per table row, CSV that parses and never holds a number or
an audio link, formula-looking transcripts defused, the inbox's filters and a producer's consent rule kept,
and roles (a provider's login is refused everywhere)."""

from __future__ import annotations

import csv
import io
import re
import xml.etree.ElementTree as ET
from datetime import UTC, timedelta
from html import unescape

import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session
from starlette.testclient import TestClient

from hotline.models import Complaint, Feedback, Provider, utcnow
from hotline.privacy import mask_number
from hotline.settings import Settings
from staff.csv_export import ROWS_PER_CHUNK, csv_lines, safe_cell
from staff.dashboard_tables import TABLES
from staff.web.dashboard import readable_duration
from staff.web.i18n import translations
from staff.web.svg_charts import Bar, bar_chart, column_chart
from tests.answer_factories import make_response
from tests.factories import CALLER_NUMBER, make_complaint, make_transcript
from tests.staff.web.conftest import log_in, make_user

SVG = "{http://www.w3.org/2000/svg}"
KHOVD = {"en": "Khovd hospital", "mn": "Ховд аймгийн нэгдсэн эмнэлэг"}
_SECTION = re.compile(r'<section class="dashboard-section" id="(\w+)".*?</section>', re.S)
_SIGNED_IN = re.compile(r'\bFROM (websession|"?user"?)\b')  # every signed-in request's look-ups


def provider(session: Session, names: dict[str, str] = KHOVD) -> int:
    row = Provider(names=names, email="clinic@khovd.example.mn")
    session.add(row)
    session.commit()
    assert row.id is not None
    return row.id


def answered_after(
    session: Session, settings: Settings, provider_id: int, wait: timedelta, **fields: object
) -> Complaint:
    created = utcnow() - timedelta(days=3)
    complaint = make_complaint(session, created_at=created, status="routed", provider_id=provider_id, **fields)
    make_response(session, complaint, settings=settings, text="Эмч ирлээ.", created_at=created + wait)
    return complaint


def signed_in(client: TestClient, session: Session, role: str, **fields: object) -> TestClient:
    make_user(session, f"{role}@example.org", role, **fields)
    log_in(client, f"{role}@example.org")
    return client


def sections(html: str) -> dict[str, str]:
    return {match.group(1): match.group(0) for match in _SECTION.finditer(html)}


def parse_csv(body: bytes) -> list[dict[str, str]]:
    text = body.decode("utf-8")
    assert text.startswith("\ufeff")  # Excel's cue that the file is UTF-8
    return list(csv.DictReader(io.StringIO(text[1:])))


def test_the_dashboard_shows_each_providers_time_to_answer_readably_in_the_readers_language(
    client: TestClient, session: Session, settings: Settings
) -> None:
    clinic = provider(session)
    answered_after(session, settings, clinic, timedelta(hours=2, minutes=5))
    signed_in(client, session, "staff", language="mn")
    page = client.get("/dashboard")
    assert page.status_code == 200, page.text
    providers = unescape(sections(page.text)["providers"])
    assert "Ховд аймгийн нэгдсэн эмнэлэг" in providers and "Khovd hospital" not in providers
    assert "2 ц 5 мин" in providers  # median and 90th percentile of one answer: 2 h 5 min
    assert 'href="/dashboard">Хяналтын самбар</a>' in page.text  # the nav link, in Mongolian

    client.cookies.clear()
    signed_in(client, session, "producer")
    english = unescape(sections(client.get("/dashboard").text)["providers"])
    assert "Khovd hospital" in english and "2 h 5 min" in english
    assert "<title>Khovd hospital: 2 h 5 min; 90th percentile: 2 h 5 min</title>" in english  # the bar's tooltip


def test_every_chart_parses_as_svg_with_a_title_and_one_bar_per_table_row(
    client: TestClient, session: Session, settings: Settings
) -> None:
    clinic, school = provider(session), provider(session, {"en": "School <No. 3> & sons"})
    answered_after(session, settings, clinic, timedelta(hours=1))
    answered_after(session, settings, clinic, timedelta(hours=5), area="11")
    answered_after(session, settings, school, timedelta(days=2), sector="education")
    overdue = make_complaint(
        session, status="routed", provider_id=school, response_deadline_at=utcnow() - timedelta(days=1)
    )
    session.add(Feedback(complaint_id=overdue.id, twilio_call_sid="CA" + "7" * 32, satisfied=True))
    session.commit()
    signed_in(client, session, "admin")
    html = client.get("/dashboard").text
    found = sections(html)
    assert set(found) == {"weekly", "providers", "sectors", "overdue", "satisfaction"}
    expected_rows = {"weekly": 3, "providers": 2, "sectors": 2, "overdue": 1, "satisfaction": 1}
    for name, section in found.items():
        svg = ET.fromstring(re.search(r"<svg.*?</svg>", section, re.S).group(0))  # type: ignore[union-attr]
        assert svg.get("role") == "img" and svg.find(f"{SVG}title") is not None
        bars = svg.findall(f"{SVG}g[@class='bar']")
        rows = re.findall(r"<tr>", section.split("<tbody>")[1])
        assert len(bars) == len(rows) == expected_rows[name], name
    assert "School &lt;No. 3&gt; &amp; sons" in found["providers"] and "<No. 3>" not in html
    weeks = ET.fromstring(re.search(r"<svg.*?</svg>", html.split('class="dashboard-section"')[0], re.S).group(0))  # type: ignore[union-attr]
    assert len(weeks.findall(f"{SVG}g[@class='bar']")) == 12  # the last twelve ISO weeks


def test_charts_escape_their_text_and_scale_to_the_largest_value() -> None:
    chart = bar_chart(chart_id="c", title="A & B", bars=[Bar("<x>", 10, "10"), Bar("y", 5, "5", marker=20)])
    svg = ET.fromstring(str(chart))
    assert svg.findtext(f"{SVG}title") == "A & B"
    widths = [float(r.get("width", "0")) for r in svg.iter(f"{SVG}rect")]
    assert widths[0] == pytest.approx(2 * widths[1])  # 10 and 5 on the scale of the 20 marker
    share = ET.fromstring(str(bar_chart(chart_id="s", title="t", bars=[Bar("a", 0.5, "50 %")], maximum=1.0)))
    half = float(next(share.iter(f"{SVG}rect")).get("width", "0"))
    full = float(
        next(ET.fromstring(str(bar_chart(chart_id="f", title="t", bars=[Bar("a", 0.5, "")]))).iter(f"{SVG}rect")).get(
            "width", "0"
        )
    )
    assert half == pytest.approx(full / 2)  # a share is drawn against 100 %, not against the largest share
    weeks = ET.fromstring(str(column_chart(chart_id="w", title="t", bars=[Bar("W1", 0, "0"), Bar("W2", 4, "4")])))
    heights = [float(r.get("height", "0")) for r in weeks.iter(f"{SVG}rect")]
    assert heights[0] == 0 and heights[1] > 0 and weeks.get("aria-labelledby") == "w-title"


def test_readable_durations_in_both_languages() -> None:
    english = translations("en")
    mongolian = translations("mn")

    def say(seconds: float, language: object = english) -> str:
        return readable_duration(seconds, lambda m, **v: language.gettext(m) % v)  # type: ignore[attr-defined]

    assert [say(s) for s in (42, 59.7, 12 * 60, 2 * 3600 + 5 * 60, 3 * 3600, 3 * 86400, 3 * 86400 + 4 * 3600)] == [
        "42 s",
        "1 min",
        "12 min",
        "2 h 5 min",
        "3 h",
        "3 d",
        "3 d 4 h",
    ]
    assert say(2 * 3600 + 5 * 60, mongolian) == "2 ц 5 мин" and say(3 * 86400, mongolian) == "3 хоног"


def test_table_csv_files_parse_and_follow_the_filters(client: TestClient, session: Session, settings: Settings) -> None:
    clinic = provider(session)
    answered_after(session, settings, clinic, timedelta(hours=2))
    answered_after(session, settings, clinic, timedelta(hours=4), sector="education", area="11")
    signed_in(client, session, "staff")
    response = client.get("/dashboard/providers.csv")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = parse_csv(response.content)
    assert rows == [
        {
            "provider_id": str(clinic),
            "provider": "Khovd hospital",
            "answered": "2",
            "median_seconds": "10800.0",
            "p90_seconds": "13680.0",
        }
    ]
    health = parse_csv(client.get("/dashboard/sectors.csv?sector=health").content)
    assert [(r["sector"], r["median_seconds"]) for r in health] == [("health", "7200.0")]
    weekly = parse_csv(client.get("/dashboard/weekly.csv?area=11").content)
    assert [(r["sector"], r["area"], r["total"]) for r in weekly] == [("education", "11", "1")]
    assert client.get("/dashboard/callers.csv").status_code == 404
    assert client.get("/dashboard/weekly.csv?from=yesterday").status_code == 400
    assert client.get("/dashboard?from=2026-11-10&to=2026-11-01").status_code == 400


def test_a_tables_csv_runs_only_that_tables_queries(
    client: TestClient, session: Session, settings: Settings, engine: Engine
) -> None:
    clinic = provider(session)
    rated = answered_after(session, settings, clinic, timedelta(hours=2))
    session.add(Feedback(complaint_id=rated.id, twilio_call_sid="CA" + "8" * 32, satisfied=False))
    make_complaint(session, status="routed", provider_id=clinic, response_deadline_at=utcnow() - timedelta(days=1))
    session.commit()
    signed_in(client, session, "staff")

    def queries(path: str) -> list[str]:
        """The statements a request runs for its figures: not the signed-in session's and user's look-ups."""
        seen: list[str] = []

        def record(_conn: object, _cursor: object, statement: str, *_rest: object) -> None:
            if statement != "BEGIN" and not _SIGNED_IN.search(statement):
                seen.append(statement)

        event.listen(engine, "before_cursor_execute", record)
        try:
            assert client.get(path).status_code == 200, path
        finally:
            event.remove(engine, "before_cursor_execute", record)
        return seen

    whole = len(queries("/dashboard"))
    own = {name: len(queries(f"/dashboard/{name}.csv")) for name in TABLES}
    assert all(0 < count < whole for count in own.values()), (whole, own)
    assert own["weekly"] == own["sectors"] == 1  # one query each, and no provider's name to look up
    assert not any("feedback" in sql for sql in queries("/dashboard/overdue.csv"))


def test_the_inbox_csv_keeps_the_filters_defuses_formulas_and_holds_no_number_or_audio(
    client: TestClient, session: Session, settings: Settings
) -> None:
    clinic = provider(session)
    trap = answered_after(session, settings, clinic, timedelta(hours=2))
    make_transcript(session, trap, text='=HYPERLINK("http://evil.example","click") эмнэлэг', version=2)
    quiet = make_complaint(session, broadcast_consent=False)
    make_complaint(session, sector="education")
    signed_in(client, session, "staff")

    inbox = client.get("/complaints?sector=health")
    assert 'href="/complaints.csv?sector=health"' in inbox.text
    response = client.get("/complaints.csv?sector=health")
    assert response.status_code == 200, response.text
    body = response.content.decode("utf-8")
    for secret in (CALLER_NUMBER, CALLER_NUMBER[1:], mask_number(CALLER_NUMBER), "api.twilio.com", "/audio", ".wav"):
        assert secret not in body, secret
    rows = parse_csv(response.content)
    assert {r["reference"] for r in rows} == {trap.reference, quiet.reference}
    first = next(r for r in rows if r["reference"] == trap.reference)
    assert first["transcript"].startswith("'=HYPERLINK") and first["provider"] == "Khovd hospital"
    assert first["status"] == "answered" and first["answered_at"] and first["created_at"].endswith("+08:00")
    assert next(r for r in rows if r["reference"] == quiet.reference)["broadcast_consent"] == "no"

    client.cookies.clear()
    signed_in(client, session, "producer")
    produced = parse_csv(client.get("/complaints.csv?sector=health").content)
    assert [r["reference"] for r in produced] == [trap.reference]  # the caller kept off the air is left out
    assert client.get("/complaints.csv?status=nonsense").status_code == 400


def test_formula_cells_get_an_apostrophe_and_numbers_stay_numbers() -> None:
    assert [safe_cell(v, timezone=UTC) for v in ("=1+1", "+7", "-3", "@SUM(A1)", "\tx", "plain", "")] == [
        "'=1+1",
        "'+7",
        "'-3",
        "'@SUM(A1)",
        "'\tx",
        "plain",
        "",
    ]
    assert (
        safe_cell(-3, timezone=UTC) == -3
        and safe_cell(True, timezone=UTC) == "yes"
        and safe_cell(None, timezone=UTC) == ""
    )


def test_providers_and_anonymous_visitors_are_kept_out(client: TestClient, session: Session) -> None:
    for path in ("/dashboard", "/dashboard/weekly.csv", "/complaints.csv"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login?next="), path
    clinic = provider(session)
    signed_in(client, session, "provider", provider_id=clinic)
    for path in ("/dashboard", "/dashboard/weekly.csv", "/complaints.csv"):
        assert client.get(path).status_code == 403, path
    assert 'href="/dashboard"' not in client.get("/provider/complaints").text


def test_a_long_csv_is_sent_in_chunks_of_many_rows_and_reads_back_whole() -> None:
    rows = [(n, f"row {n}") for n in range(2 * ROWS_PER_CHUNK + 7)]
    chunks = list(csv_lines(["n", "text"], rows, timezone=UTC))
    assert len(chunks) == 1 + 3  # the header, two full chunks and the rest
    parsed = list(csv.reader(io.StringIO("".join(chunks).removeprefix("\ufeff"))))
    assert parsed[0] == ["n", "text"] and parsed[1:] == [[str(n), text] for n, text in rows]
