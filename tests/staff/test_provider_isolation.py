"""A provider's login reaches only complaints routed to its own organisation, through every route of the app.

The walk covers the real app's whole route table (as tests/fixmyservice/test_route_access.py does): every
route with a complaint in its path is tried by provider A's login on provider B's complaint — by API token
and by page session, reads and writes — and must answer 404 or 403 and change nothing. The same routes on
A's own complaint must not refuse (so the walk proves something), and no response A ever gets carries a
caller's number, clear or masked.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import Session, col, func, select
from starlette.routing import Route
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.access import AccessKind, declared_access
from hotline.audio_store import AudioStore
from hotline.models import AuditEvent, Complaint, Provider, User
from hotline.models.answers import Response
from hotline.models.users import Role
from hotline.privacy import mask_number
from hotline.settings import Settings
from staff.web.csrf import session_csrf_token
from staff.web.page import is_page_route
from staff.web.sessions_cookie import SESSION_COOKIE, unsign
from tests.answers import make_provider, make_provider_user, make_routed, spoken_answer, token_for
from tests.conftest import PUBLIC_BASE_URL, RecordingDispatcher, make_settings, reread
from tests.factories import CALLER_NUMBER
from tests.fixmyservice.test_route_access import leaf_routes
from tests.staff.web.conftest import log_in, make_user

REFUSED = (403, 404)
CALLER_TRACES = (CALLER_NUMBER, CALLER_NUMBER.lstrip("+"), mask_number(CALLER_NUMBER), "•" * 9, "99112233")


@dataclass(frozen=True)
class Endpoint:
    path: str
    method: str
    page: bool
    admits_provider: bool


@dataclass
class World:
    settings: Settings
    client: TestClient
    a_user: User
    own: Complaint  # routed to A
    others: Complaint  # routed to B


@pytest.fixture
def world(tmp_path: Path, database_url: str, engine: Engine, session: Session) -> Iterator[World]:
    """Providers A and B, each with an answered complaint holding a recorded answer, in a deployment where
    providers may hear callers (so a refusal is the scope's doing, not the setting's)."""
    settings = make_settings(tmp_path, database_url, PROVIDERS_HEAR_AUDIO=True)
    store = AudioStore(settings.audio_dir)
    a, b = make_provider(session, "Alpha"), make_provider(session, "Beta")
    complaints = []
    for provider, n in ((a, 1), (b, 2)):
        key = f"calls/{n}.wav"
        store.put(key, spoken_answer(tmp_path).read_bytes())
        complaint = make_routed(session, provider, recording={"storage_key": key, "audio_format": "wav/pcm_s16le"})
        answer_key = f"responses/{complaint.reference}/v1.wav"
        store.put(answer_key, spoken_answer(tmp_path).read_bytes())
        session.add(Response(complaint_id=complaint.id, provider_id=provider.id, text="ok", audio_key=answer_key))
        complaint.status = "answered"
        session.add(complaint)
        session.commit()
        complaints.append(complaint)
    a_user = make_provider_user(session, "a@alpha.example", a)
    app = create_app(settings, jobs=RecordingDispatcher(), engine=engine)
    with TestClient(app, base_url=PUBLIC_BASE_URL) as client:
        yield World(settings, client, a_user, complaints[0], complaints[1])


def endpoints(settings: Settings) -> list[Endpoint]:
    """Every (path, method) of the real app that names a complaint, and whether providers are admitted to it."""
    found = []
    for path, route in leaf_routes(create_app(settings).routes):
        access = declared_access(route)
        if access is None or access.kind is not AccessKind.ROLES or "{reference}" not in path:
            continue
        assert isinstance(route, Route)
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            found.append(Endpoint(path, method, is_page_route(route), access.admits(Role.PROVIDER)))
    return found


def concrete(path: str, reference: str) -> str:
    """The path for one complaint: its reference, version 1 of its answer, 1 for any other parameter."""
    return re.sub(r"\{[^}]+\}", "1", path.replace("{reference}", reference))


def _snapshot(session: Session, complaint: Complaint) -> tuple[object, ...]:
    reread(session)
    row = session.get(Complaint, complaint.id)
    assert row is not None
    answers = session.exec(select(func.count()).where(Response.complaint_id == complaint.id)).one()
    events = session.exec(select(func.count()).where(AuditEvent.object_id == complaint.reference)).one()
    return (row.status, row.provider_id, row.closure, row.transcript_version, answers, events)


def test_the_walk_finds_the_provider_routes(world: World) -> None:
    admitted = {(e.path, e.method) for e in endpoints(world.settings) if e.admits_provider}
    assert {
        ("/api/complaints/{reference}/responses", "POST"),
        ("/api/complaints/{reference}/responses", "GET"),
        ("/api/provider/complaints/{reference}", "GET"),
        ("/api/provider/complaints/{reference}/audio", "GET"),
        ("/provider/complaints/{reference}", "GET"),
        ("/complaints/{reference}/responses", "POST"),
        ("/complaints/{reference}/responses/{version:int}/audio", "GET"),
    } <= admitted


def test_a_provider_reaches_no_other_providers_complaint_by_api(world: World, session: Session) -> None:
    auth = token_for(session, world.a_user)
    before = _snapshot(session, world.others)
    checked = 0
    for endpoint in endpoints(world.settings):
        if endpoint.page:
            continue
        body = {"json": {"text": "ours now", "closure": "fixed", "status": "in_review", "provider_id": 1}}
        response = world.client.request(
            endpoint.method, concrete(endpoint.path, world.others.reference), headers=auth,
            **(body if endpoint.method == "POST" else {}),
        )  # fmt: skip
        assert response.status_code in REFUSED, (endpoint, response.status_code, response.text)
        assert world.others.reference not in response.text or response.status_code == 404
        checked += 1
        if endpoint.admits_provider:  # the control: the same route on A's own complaint is not refused
            own = world.client.request(endpoint.method, concrete(endpoint.path, world.own.reference), headers=auth)
            assert own.status_code not in (401, *REFUSED), (endpoint, own.status_code, own.text)
    assert checked >= 10
    assert _snapshot(session, world.others) == before


def test_a_provider_reaches_no_other_providers_complaint_by_page(world: World, session: Session) -> None:
    client = world.client
    log_in(client, world.a_user.email)
    csrf = session_csrf_token(
        unsign(client.cookies[SESSION_COOKIE], settings=world.settings) or "", settings=world.settings
    )
    before = _snapshot(session, world.others)
    checked = 0
    for endpoint in endpoints(world.settings):
        if not endpoint.page:
            continue
        data = {"csrf_token": csrf, "text": "ours now", "closure": "fixed"} if endpoint.method == "POST" else None
        url = concrete(endpoint.path, world.others.reference)
        response = client.request(endpoint.method, url, data=data, follow_redirects=False)
        assert response.status_code in REFUSED, (endpoint, response.status_code)
        checked += 1
        if endpoint.admits_provider and endpoint.method == "GET":
            own = client.get(concrete(endpoint.path, world.own.reference), follow_redirects=False)
            assert own.status_code == 200, (endpoint, own.status_code)
    assert checked >= 8
    assert _snapshot(session, world.others) == before


def test_lists_show_only_the_providers_own_complaints(world: World, session: Session) -> None:
    listing = world.client.get("/api/provider/complaints", headers=token_for(session, world.a_user))
    assert [item["reference"] for item in listing.json()["items"]] == [world.own.reference]
    log_in(world.client, world.a_user.email)
    page = world.client.get("/provider/complaints")
    assert page.status_code == 200 and world.own.reference in page.text and world.others.reference not in page.text


def test_no_caller_number_clear_or_masked_reaches_a_provider(world: World, session: Session) -> None:
    auth = token_for(session, world.a_user)
    texts = [world.client.get("/api/provider/complaints", headers=auth).text]
    for endpoint in endpoints(world.settings):
        if endpoint.admits_provider and endpoint.method == "GET" and not endpoint.page:
            texts.append(world.client.get(concrete(endpoint.path, world.own.reference), headers=auth).text)
    log_in(world.client, world.a_user.email)
    texts += [world.client.get("/provider/complaints").text]
    texts += [world.client.get(f"/provider/complaints/{world.own.reference}").text]
    assert len(texts) >= 6 and world.own.reference in texts[0]
    for text in texts:
        for trace in CALLER_TRACES:
            assert trace not in text


def test_a_provider_login_without_a_provider_sees_nothing(world: World, session: Session) -> None:
    orphan = User(email="orphan@example.org", role="provider", provider_id=None)
    session.add(orphan)
    session.commit()
    auth = token_for(session, orphan)
    assert world.client.get("/api/provider/complaints", headers=auth).json()["items"] == []
    for reference in (world.own.reference, world.others.reference):
        assert world.client.get(f"/api/provider/complaints/{reference}", headers=auth).status_code == 404
        posted = world.client.post(f"/api/complaints/{reference}/responses", json={"text": "x"}, headers=auth)
        assert posted.status_code == 404
    assert session.exec(select(func.count()).where(col(Response.author_id) == orphan.id)).one() == 0


def test_after_routing_on_the_new_provider_sees_neither_the_old_ones_answers_nor_its_audio(
    world: World, session: Session
) -> None:
    """A's answered complaint is routed on to B: A loses it, B sees only what B answers, staff see both."""
    beta = world.others.provider_id
    reread(session)
    moved = session.get(Complaint, world.own.id)
    assert moved is not None
    moved.provider_id, moved.status = beta, "routed"
    session.add(moved)
    session.commit()
    b_user = make_provider_user(session, "b@beta.example", session.get(Provider, beta))  # type: ignore[arg-type]
    b_auth, a_auth = token_for(session, b_user), token_for(session, world.a_user)
    url = f"/api/complaints/{moved.reference}/responses"
    assert world.client.get(url, headers=a_auth).status_code == 404
    assert world.client.get(url, headers=b_auth).json()["items"] == []
    assert world.client.get(f"{url}/1/audio", headers=b_auth).status_code == 404
    assert world.client.post(url, json={"text": "Beta's answer"}, headers=b_auth).status_code == 201
    assert [v["text"] for v in world.client.get(url, headers=b_auth).json()["items"]] == ["Beta's answer"]
    detail = world.client.get(f"/api/provider/complaints/{moved.reference}", headers=b_auth).json()
    assert [v["version"] for v in detail["responses"]] == [2]
    staff = make_user(session, "staff@example.org", "staff")
    assert [v["version"] for v in world.client.get(url, headers=token_for(session, staff)).json()["items"]] == [2, 1]


# Routes without a complaint in the path that a provider's login may use: its own lists and its account.
# "/" may admit providers only to send them on to their list. A new entry needs a look at what it shows.
PROVIDER_ROUTES_WITHOUT_A_COMPLAINT = {
    "/",
    "/api/provider/complaints",
    "/provider/complaints",
    "/logout",
    "/account/password",
    "/account/language",
}


def test_providers_are_admitted_to_no_other_route(settings: Settings) -> None:
    """No list of everyone's complaints, users, audit log, providers or dashboards is open to a provider."""
    admitted = set()
    for path, route in leaf_routes(create_app(settings).routes):
        access = declared_access(route)
        if access is not None and access.kind is AccessKind.ROLES and access.admits(Role.PROVIDER):
            admitted.add(path)
    without_complaint = {path for path in admitted if "{reference}" not in path}
    assert without_complaint <= PROVIDER_ROUTES_WITHOUT_A_COMPLAINT, without_complaint
    assert {"/api/provider/complaints", "/provider/complaints"} <= without_complaint
