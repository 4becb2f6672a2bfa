"""The OpenAPI document is generated from the real app's route table and covers every /api/ route."""

from __future__ import annotations

from typing import Any

import pytest
from sqlmodel import Session
from starlette.routing import Route
from starlette.testclient import TestClient

from fixmyservice.app import create_app
from hotline.access import declared_access
from hotline.settings import Settings
from tests.fixmyservice.test_route_access import leaf_routes
from tests.staff.review_api import bearer


@pytest.fixture
def document(client: TestClient, session: Session) -> dict[str, Any]:
    response = client.get("/api/openapi.json", headers=bearer(session, "producer"))
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_every_api_route_and_method_is_in_the_document_with_its_roles(
    document: dict[str, Any], settings: Settings
) -> None:
    assert document["openapi"] == "3.1.0"
    app_routes = [(path, route) for path, route in leaf_routes(create_app(settings).routes) if path.startswith("/api/")]
    assert len(app_routes) >= 12
    for path, route in app_routes:
        assert isinstance(route, Route)
        access = declared_access(route)
        assert access is not None
        for method in (route.methods or set()) - {"HEAD"}:
            operation = document["paths"][path][method.lower()]
            assert operation["x-roles"] == sorted(access.roles), path
            assert operation["security"] == [{"bearer": []}]
            assert operation["summary"] and operation["responses"]["401"], path
    assert set(document["paths"]) == {path for path, _ in app_routes}


def test_operations_carry_parameters_and_bodies(document: dict[str, Any]) -> None:
    detail = document["paths"]["/api/complaints/{reference}"]["get"]
    assert {"name": "reference", "in": "path", "required": True, "schema": {"type": "string"}} in detail["parameters"]
    save = document["paths"]["/api/complaints/{reference}/transcripts"]["post"]
    schema = save["requestBody"]["content"]["application/json"]["schema"]
    assert schema["required"] == ["based_on_version"] and "text" in schema["properties"]
    assert set(save["responses"]) >= {"201", "400", "401", "403", "404", "409"}
    assert document["paths"]["/api/complaints/{reference}/reveal"]["post"]["x-roles"] == ["admin"]
    listing = document["paths"]["/api/complaints"]["get"]
    status = next(p for p in listing["parameters"] if p["name"] == "status")
    assert status["schema"]["type"] == "array" and "in_review" in status["schema"]["items"]["enum"]
    audio = document["paths"]["/api/complaints/{reference}/audio"]["get"]["responses"]
    assert set(audio) >= {"200", "206", "416"}


def test_the_document_needs_an_api_role(client: TestClient, session: Session) -> None:
    assert client.get("/api/openapi.json").status_code == 401
    assert client.get("/api/openapi.json", headers=bearer(session, "provider")).status_code == 403
