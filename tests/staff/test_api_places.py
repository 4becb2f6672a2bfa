"""Tagging a soum: searching the country's places by Cyrillic or Latin name, and setting one as staff.

The app here is given the gazetteer's places as the composition root would; without them (tests/staff/
test_api_review.py) a soum cannot be set and only the deployment's areas are searchable.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from hotline.app_state import STATE_KEY, AppState
from hotline.models import AuditEvent, ComplaintStatus, Tag
from hotline.settings import Settings
from staff.routes import routes
from tests.conftest import PUBLIC_BASE_URL, RecordingDispatcher
from tests.factories import make_complaint
from tests.staff.review_api import bearer, post
from transcription.place_directory import gazetteer_places


@pytest.fixture
def with_places(settings: Settings, engine: Engine) -> Iterator[TestClient]:
    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[dict[str, AppState]]:
        places = gazetteer_places(settings.deployment)
        yield {STATE_KEY: AppState(settings=settings, engine=engine, jobs=RecordingDispatcher(), places=places)}

    with TestClient(Starlette(routes=routes, lifespan=lifespan), base_url=PUBLIC_BASE_URL) as client:
        yield client


@pytest.mark.parametrize("query", ["Жаргалант", "jargalant", "JARGALANT"])
def test_places_are_found_by_cyrillic_or_latin_name(with_places: TestClient, session: Session, query: str) -> None:
    response = with_places.get("/api/places", params={"q": query, "level": "soum"}, headers=bearer(session, "staff"))
    assert response.status_code == 200, response.text
    items = response.json()["items"]
    assert items and all(item["name"] == "Жаргалант" and item["level"] == "soum" for item in items)
    assert {item["area"] for item in items} >= {"84"}  # Khovd's Jargalant among the others


def test_areas_come_first_and_unknown_levels_are_400(with_places: TestClient, session: Session) -> None:
    staff = bearer(session, "staff")
    items = with_places.get("/api/places", params={"q": "Ховд"}, headers=staff).json()["items"]
    assert (items[0]["code"], items[0]["level"]) == ("84", "area")
    assert with_places.get("/api/places", params={"q": "x", "level": "bag"}, headers=staff).status_code == 400
    assert with_places.get("/api/places", headers=staff).json() == {"items": []}


def test_setting_a_soum_in_another_aimag_moves_the_area_too(with_places: TestClient, session: Session) -> None:
    complaint = make_complaint(session, status=ComplaintStatus.IN_REVIEW, area="84")
    staff = bearer(session, "staff")
    url = f"/api/complaints/{complaint.reference}/tags"

    response = post(with_places, url, staff, {"action": "set", "kind": "soum", "code": "8301"})  # Ölgii, Bayan-Ölgii

    assert response.status_code == 200, response.text
    assert (response.json()["soum"], response.json()["area"]) == ("8301", "83")
    tags = session.exec(select(Tag).where(Tag.source == "staff")).all()
    assert sorted((t.kind, t.code) for t in tags) == [("area", "83"), ("soum", "8301")]
    assert [e.after for e in session.exec(select(AuditEvent)).all()] == ["soum 8301", "area 83"]
    refused = post(with_places, url, staff, {"action": "set", "kind": "soum", "code": "83"})  # an aimag, not a soum
    assert refused.status_code == 400
