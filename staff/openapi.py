"""The staff API described as OpenAPI 3.1, generated from the route table itself.

Nothing is written twice: each operation's path, method and path parameters come from the Starlette route,
its summary from the handler's docstring, who may call it from the route's hotline.access declaration
(as a Bearer security requirement plus `x-roles`), and query parameters and request bodies from the
RouteDoc given to staff.endpoint.api_route. A route added to the table is in the document at once.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

from starlette.routing import BaseRoute, Route

from hotline.access import declared_access
from staff.endpoint import ApiRequest, Param, RouteDoc, route_doc

ERROR_SCHEMA = {"type": "object", "properties": {"error": {"type": "string"}}, "required": ["error"]}
_DEFAULT_RESPONSES = {
    400: "The request is malformed: a parameter or body field says what is wrong.",
    401: "No Bearer token, or one that is invalid or revoked.",
    403: "The token's role may not use this route.",
}


def openapi_document(routes: Sequence[BaseRoute], *, title: str, version: str) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every `/api/` route in `routes`."""
    paths: dict[str, dict[str, Any]] = {}
    for route in routes:
        if not isinstance(route, Route) or not route.path.startswith("/api/"):
            continue
        for method in sorted((route.methods or {"GET"}) - {"HEAD"}):
            paths.setdefault(route.path, {})[method.lower()] = _operation(route, method)
    return {
        "openapi": "3.1.0",
        "info": {
            "title": title,
            "version": version,
            "description": "Staff, producer and admin API of the hotline. Every route needs a Bearer token "
            "(`fixmyservice tokens create EMAIL`); `x-roles` lists the roles each operation admits.",
        },
        "components": {
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
            "schemas": {"Error": ERROR_SCHEMA},
        },
        "paths": dict(sorted(paths.items())),
    }


def _operation(route: Route, method: str) -> dict[str, Any]:
    doc = route_doc(route) or RouteDoc()
    access = declared_access(route)
    summary, _, description = (inspect.getdoc(route.endpoint) or route.name).partition("\n")
    operation: dict[str, Any] = {
        "operationId": f"{method.lower()}_{route.name}",
        "summary": summary.strip(),
        "parameters": [*_path_parameters(route), *(_query_parameter(p) for p in doc.query)],
        "responses": _responses(doc),
    }
    if description.strip():
        operation["description"] = description.strip()
    if access is not None:
        operation["security"] = [{"bearer": []}]
        operation["x-roles"] = sorted(access.roles)
    if doc.body is not None:
        operation["requestBody"] = {"required": True, "content": {"application/json": {"schema": doc.body}}}
    return operation


def _path_parameters(route: Route) -> list[dict[str, Any]]:
    return [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}} for name in route.param_convertors
    ]


def _query_parameter(param: Param) -> dict[str, Any]:
    schema = {"type": "array", "items": param.schema} if param.repeats else param.schema
    parameter = {"name": param.name, "in": "query", "required": False, "description": param.description}
    return {**parameter, "schema": schema, **({"explode": True} if param.repeats else {})}


def _responses(doc: RouteDoc) -> dict[str, Any]:
    schema = {"type": "object"} if doc.media_type == "application/json" else {}
    successes = {code: text for code, text in doc.responses.items() if code < 300}
    if not any(code in successes for code in (200, 201)):
        successes[200] = "OK"
    errors = {**_DEFAULT_RESPONSES, **{code: text for code, text in doc.responses.items() if code >= 300}}
    responses: dict[str, Any] = {
        str(code): {"description": text, "content": {doc.media_type: {"schema": schema}}}
        for code, text in sorted(successes.items())
    }
    for code, text in sorted(errors.items()):
        responses[str(code)] = {
            "description": text,
            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
        }
    return responses


def openapi_handler(routes: Callable[[], Sequence[BaseRoute]]) -> Callable[[ApiRequest], dict[str, Any]]:
    """A handler serving the document of `routes()` (a callable, so the table may include this route itself)."""

    def openapi(api: ApiRequest) -> dict[str, Any]:
        """This API described as OpenAPI 3.1, generated from the route table."""
        return openapi_document(routes(), title=f"Fix My Service ({api.settings.deployment.name})", version="1")

    return openapi
